/* The protected DACLs of cordon's own directories that sandbox users may enter. */
#ifndef CD_WIN_SETUP_HOME_ACL_H
#define CD_WIN_SETUP_HOME_ACL_H

#include <windows.h>

#include "cordon.h"

/* A cd_sandbox_bin_acl_fn (runner/sandbox_bin.h); CTX is the home user's PSID.
 * SYSTEM, Administrators and the user: full control; the sandbox group: read and
 * execute, never write, delete or change permissions, so a sandboxed command can
 * start the runner but never replace it. */
int cd_home_acl_sandbox_bin(const wchar_t *dir, void *ctx, cordon_error *err);
/* <profile>\cordon-cwd of sandbox user SANDBOX_USER, for USER's junctions: USER
 * may create and remove entries, the sandbox user only read. Owned by
 * Administrators, so the profile's owner cannot rewrite this DACL. */
int cd_home_acl_junction_dir(const wchar_t *dir, PSID user, const char *sandbox_user,
                             cordon_error *err);

#endif
