/* Whole, protected DACLs for cordon's own objects (secrets, the runner's
 * directory, the junction directory, the machine's password copy): nothing
 * inherited from above, only the entries given. */
#ifndef CD_WIN_SETUP_DACL_H
#define CD_WIN_SETUP_DACL_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"

typedef struct cd_dacl_entry {
  PSID sid;
  bool deny;
  DWORD mask;
} cd_dacl_entry;

/* The well-known SIDs cordon's DACLs name (LocalFree). */
int cd_sid_system(PSID *out, cordon_error *err);
int cd_sid_administrators(PSID *out, cordon_error *err);

/* A new ACL (LocalFree) of ENTRIES, each inherited by files and subdirectories,
 * in canonical order (denies first). */
int cd_dacl_build(const cd_dacl_entry *entries, size_t n, PACL *out, cordon_error *err);
/* Replace PATH's DACL with ENTRIES, protected from inheritance. OWNER, when not
 * NULL, becomes PATH's owner first (an owner may always rewrite a DACL, so a
 * directory someone else created must change hands before it is trusted). */
int cd_dacl_protect(const wchar_t *path, const cd_dacl_entry *entries, size_t n, PSID owner,
                    cordon_error *err);

#endif
