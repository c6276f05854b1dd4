#include "home_acl.h"

#include "dacl.h"
#include "files.h"
#include "windows/win32/common/sid.h"
#include "windows/ops.h"

#define READ_EXECUTE (GENERIC_READ | GENERIC_EXECUTE)
#define MODIFY (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | DELETE)

/* SYSTEM, Administrators, USER: full; OTHER: MASK. */
static int protect(const wchar_t *dir, PSID user, PSID other, DWORD mask, DWORD user_mask,
                   bool admin_owner, cordon_error *err) {
  PSID system = NULL, admins = NULL;
  int r = -1;
  if (cd_sid_system(&system, err) < 0 || cd_sid_administrators(&admins, err) < 0)
    goto out;
  cd_dacl_entry entries[] = {
      {system, false, GENERIC_ALL},
      {admins, false, GENERIC_ALL},
      {other, false, mask},
      {user, false, user_mask},
  };
  r = cd_dacl_protect(dir, entries, user ? 4 : 3, admin_owner ? admins : NULL, err);
out:
  LocalFree(admins);
  LocalFree(system);
  return r;
}

int cd_home_acl_sandbox_bin(const wchar_t *dir, void *ctx, cordon_error *err) {
  PSID group = NULL;
  if (cd_sid_lookup(CD_WIN_GROUP, &group, err) < 0)
    return -1;
  int r = protect(dir, (PSID)ctx, group, READ_EXECUTE, GENERIC_ALL, false, err);
  LocalFree(group);
  return r;
}

int cd_home_acl_junction_dir(const wchar_t *dir, PSID user, const char *sandbox_user,
                             cordon_error *err) {
  PSID sandbox = NULL;
  if (cd_dir_ensure(dir, err) < 0 || cd_sid_lookup(sandbox_user, &sandbox, err) < 0)
    return -1;
  int r = protect(dir, user, sandbox, READ_EXECUTE, MODIFY, true, err);
  LocalFree(sandbox);
  return r;
}
