#include "windows/win32/common/sid.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

int cd_sid_parse(const char *text, PSID *out, cordon_error *err) {
  if (!ConvertStringSidToSidA(text, out))
    return cd_win_error(err, GetLastError(), "parse SID %s", text);
  return 0;
}

/* Copy SID into LocalAlloc'd memory, so every SID here is freed the same way. */
static int local_copy(PSID sid, PSID *out, cordon_error *err) {
  DWORD len = GetLengthSid(sid);
  *out = LocalAlloc(LMEM_FIXED, len);
  if (!*out)
    return cd_error_oom(err);
  if (!CopySid(len, *out, sid)) {
    DWORD e = GetLastError();
    LocalFree(*out);
    *out = NULL;
    return cd_win_error(err, e, "copy SID");
  }
  return 0;
}

int cd_sid_lookup(const char *name, PSID *out, cordon_error *err) {
  wchar_t *wname = cd_wide(name);
  if (!wname)
    return cd_error_oom(err);
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD sid_len = sizeof sid;
  wchar_t domain[256];
  DWORD domain_len = sizeof domain / sizeof domain[0];
  SID_NAME_USE use;
  BOOL ok = LookupAccountNameW(NULL, wname, sid, &sid_len, domain, &domain_len, &use);
  DWORD e = GetLastError();
  free(wname);
  if (!ok)
    return cd_win_error(err, e, "look up account %s", name);
  return local_copy(sid, out, err);
}

int cd_sid_format(PSID sid, char *buf, size_t size, cordon_error *err) {
  char *text = NULL;
  if (!ConvertSidToStringSidA(sid, &text))
    return cd_win_error(err, GetLastError(), "format SID");
  int n = snprintf(buf, size, "%s", text);
  LocalFree(text);
  if (n < 0 || (size_t)n >= size)
    return cd_error_set(err, 0, "format SID: longer than %lu bytes", (unsigned long)size);
  return 0;
}

int cd_sid_token_user(HANDLE token, PSID *out, cordon_error *err) {
  union {
    TOKEN_USER user;
    BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  } info;
  DWORD len = 0;
  if (!GetTokenInformation(token, TokenUser, &info, sizeof info, &len))
    return cd_win_error(err, GetLastError(), "read the token's user");
  return local_copy(info.user.User.Sid, out, err);
}

int cd_sid_check_unmapped(const char *text, cordon_error *err) {
  PSID sid = NULL;
  if (cd_sid_parse(text, &sid, err) < 0)
    return -1;
  wchar_t name[256], domain[256];
  DWORD name_len = 256, domain_len = 256;
  SID_NAME_USE use;
  BOOL mapped = LookupAccountSidW(NULL, sid, name, &name_len, domain, &domain_len, &use);
  DWORD e = GetLastError();
  LocalFree(sid);
  if (mapped)
    return cd_error_set(err, 0, "capability SID %s names an account on this machine: "
                                "refusing it (delete cap_sids to start over)", text);
  if (e != ERROR_NONE_MAPPED)
    return cd_win_error(err, e, "look up capability SID %s", text);
  return 0;
}
