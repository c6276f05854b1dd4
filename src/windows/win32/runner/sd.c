#include "windows/win32/runner/sd.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

/* GetTokenInformation into a new buffer. */
static void *token_info(HANDLE token, TOKEN_INFORMATION_CLASS cls, const char *what,
                        cordon_error *err) {
  DWORD size = 0;
  GetTokenInformation(token, cls, NULL, 0, &size);
  if (size == 0) {
    cd_win_error(err, GetLastError(), "query the token's %s", what);
    return NULL;
  }
  void *buf = malloc(size);
  if (!buf) {
    cd_error_oom(err);
    return NULL;
  }
  if (!GetTokenInformation(token, cls, buf, size, &size)) {
    cd_win_error(err, GetLastError(), "query the token's %s", what);
    free(buf);
    return NULL;
  }
  return buf;
}

static int add_sid(cd_rn_identity *id, PSID sid, cordon_error *err) {
  DWORD len = GetLengthSid(sid);
  PSID copy = malloc(len);
  if (!copy)
    return cd_error_oom(err);
  if (!CopySid(len, copy, sid)) {
    free(copy);
    return cd_win_error(err, GetLastError(), "copy a SID");
  }
  id->sids[id->count++] = copy;
  return 0;
}

int cd_rn_identity_from_token(HANDLE token, bool logon_sid, cd_rn_identity *out,
                              cordon_error *err) {
  *out = (cd_rn_identity){0};
  _cleanup_handle_ HANDLE own = NULL;
  if (!token) {
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &own))
      return cd_win_error(err, GetLastError(), "open the process token");
    token = own;
  }
  _cleanup_free_ TOKEN_USER *user = token_info(token, TokenUser, "user", err);
  if (!user || add_sid(out, user->User.Sid, err) < 0)
    goto fail;
  if (logon_sid || IsTokenRestricted(token)) {
    _cleanup_free_ TOKEN_GROUPS *groups = token_info(token, TokenGroups, "groups", err);
    if (!groups)
      goto fail;
    PSID logon = NULL;
    for (DWORD i = 0; i < groups->GroupCount; i++)
      if ((groups->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
        logon = groups->Groups[i].Sid;
    if (!logon) {
      /* Without it no ACE could satisfy the restricted check: fail now with a
       * clear message rather than with "access denied" at connect time. */
      cd_error_set(err, 0, "the runner's token has no logon SID, which a restricted "
                           "token needs");
      goto fail;
    }
    if (add_sid(out, logon, err) < 0)
      goto fail;
  }
  return 0;
fail:
  cd_rn_identity_free(out);
  return -1;
}

void cd_rn_identity_free(cd_rn_identity *id) {
  for (DWORD i = 0; i < id->count; i++)
    free(id->sids[i]);
  *id = (cd_rn_identity){0};
}

int cd_rn_sd_build(cd_rn_sd *out, const cd_rn_identity *id, DWORD mask, cordon_error *err) {
  *out = (cd_rn_sd){0};
  DWORD size = sizeof(ACL);
  for (DWORD i = 0; i < id->count; i++)
    size += sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + GetLengthSid(id->sids[i]);
  out->dacl = malloc(size);
  if (!out->dacl)
    return cd_error_oom(err);
  if (!InitializeAcl(out->dacl, size, ACL_REVISION))
    goto win_fail;
  for (DWORD i = 0; i < id->count; i++)
    if (!AddAccessAllowedAce(out->dacl, ACL_REVISION, mask, id->sids[i]))
      goto win_fail;
  if (!InitializeSecurityDescriptor(&out->sd, SECURITY_DESCRIPTOR_REVISION) ||
      !SetSecurityDescriptorDacl(&out->sd, TRUE, out->dacl, FALSE) ||
      /* Protected: nothing inherited from a parent container widens it. */
      !SetSecurityDescriptorControl(&out->sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED))
    goto win_fail;
  out->sa = (SECURITY_ATTRIBUTES){
      .nLength = sizeof out->sa, .lpSecurityDescriptor = &out->sd, .bInheritHandle = FALSE};
  return 0;
win_fail:
  cd_win_error(err, GetLastError(), "build a security descriptor");
  cd_rn_sd_free(out);
  return -1;
}

void cd_rn_sd_free(cd_rn_sd *sd) {
  free(sd->dacl);
  *sd = (cd_rn_sd){0};
}
