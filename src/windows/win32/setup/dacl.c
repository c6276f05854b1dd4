#include "dacl.h"

#include <aclapi.h>
#include <stdlib.h>

#include "acl_apply.h"
#include "common/error.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"

int cd_sid_system(PSID *out, cordon_error *err) { return cd_sid_parse("S-1-5-18", out, err); }

int cd_sid_administrators(PSID *out, cordon_error *err) {
  return cd_sid_parse("S-1-5-32-544", out, err);
}

int cd_dacl_build(const cd_dacl_entry *entries, size_t n, PACL *out, cordon_error *err) {
  EXPLICIT_ACCESS_W *ea = calloc(n ? n : 1, sizeof *ea);
  if (!ea)
    return cd_error_oom(err);
  for (size_t i = 0; i < n; i++) {
    ea[i].grfAccessPermissions = entries[i].mask;
    ea[i].grfAccessMode = entries[i].deny ? DENY_ACCESS : SET_ACCESS;
    ea[i].grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
    ea[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
    ea[i].Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
    ea[i].Trustee.ptstrName = (LPWSTR)entries[i].sid;
  }
  PACL built = NULL;
  DWORD e = SetEntriesInAclW((ULONG)n, ea, NULL, &built);
  free(ea);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, e, "build a DACL");
  int r = cd_acl_canonical(built, out, err);
  LocalFree(built);
  return r;
}

int cd_dacl_protect(const wchar_t *path, const cd_dacl_entry *entries, size_t n, PSID owner,
                    cordon_error *err) {
  char show[512];
  PACL acl = NULL;
  if (cd_dacl_build(entries, n, &acl, err) < 0)
    return -1;
  SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION;
  if (owner)
    what |= OWNER_SECURITY_INFORMATION;
  DWORD e = SetNamedSecurityInfoW((LPWSTR)path, SE_FILE_OBJECT, what, owner, NULL, acl, NULL);
  LocalFree(acl);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, e, "set the permissions of %s", cd_wshow(path, show, sizeof show));
  return 0;
}
