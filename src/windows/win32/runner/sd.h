/* Security descriptors that admit exactly one identity: the runner's. Used for the
 * parent's named pipes (admit the runner) and for the runner's private desktop
 * (admit the command, which runs with the runner's token).
 *
 * Built by hand rather than left to the default: an object created without a
 * descriptor gets the creator token's default DACL, and a named pipe additionally
 * grants read access to Everyone and Anonymous. Both would let processes other
 * than the runner open the object. */
#ifndef CD_RUNNER_SD_H
#define CD_RUNNER_SD_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"

/* The SIDs that identify the holder of a token, for an allow-only DACL: the user
 * SID, and when the token is restricted also its logon SID. A restricted token
 * passes an access check only if a second check against its restricting SIDs
 * passes too; the sandbox's restricting SIDs include the logon SID
 * (DESIGN.md section 4), and naming the logon session is far narrower than
 * Everyone. */
typedef struct cd_rn_identity {
  PSID sids[2]; /* malloc'd */
  DWORD count;
} cd_rn_identity;

/* TOKEN NULL: the calling process's own token. LOGON: add the logon SID even when
 * TOKEN is not restricted, for an object a restricted child of TOKEN opens (the
 * runner's private desktop in the elevated variant: the runner's own token is the
 * sandbox user's, unrestricted, and each command's is a restricted copy of it). */
int cd_rn_identity_from_token(HANDLE token, bool logon, cd_rn_identity *out,
                              cordon_error *err);
void cd_rn_identity_free(cd_rn_identity *id);

/* An absolute security descriptor whose DACL allows MASK to ID's SIDs and nothing
 * to anyone else, protected from inheritance. The owner stays the creator's. */
typedef struct cd_rn_sd {
  SECURITY_DESCRIPTOR sd;
  ACL *dacl; /* malloc'd */
  SECURITY_ATTRIBUTES sa; /* points at sd, not inheritable */
} cd_rn_sd;

int cd_rn_sd_build(cd_rn_sd *out, const cd_rn_identity *id, DWORD mask, cordon_error *err);
void cd_rn_sd_free(cd_rn_sd *sd);

#endif
