#include "windows/win32/common/token.h"

#include <stdbool.h>
#include <stdlib.h>

#include "common/error.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"

/* The logon session SID of TOKEN: the group flagged SE_GROUP_LOGON_ID. */
static int logon_sid(HANDLE token, PSID *out, cordon_error *err) {
  DWORD len = 0;
  GetTokenInformation(token, TokenGroups, NULL, 0, &len);
  TOKEN_GROUPS *groups = malloc(len ? len : 1);
  if (!groups)
    return cd_error_oom(err);
  int r = -1;
  if (!GetTokenInformation(token, TokenGroups, groups, len, &len)) {
    cd_win_error(err, GetLastError(), "read the token's groups");
    goto out;
  }
  for (DWORD i = 0; i < groups->GroupCount; i++) {
    if ((groups->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID) {
      DWORD sid_len = GetLengthSid(groups->Groups[i].Sid);
      *out = LocalAlloc(LMEM_FIXED, sid_len);
      if (!*out) {
        cd_error_oom(err);
        goto out;
      }
      CopySid(sid_len, *out, groups->Groups[i].Sid);
      r = 0;
      goto out;
    }
  }
  cd_error_set(err, 0, "the token has no logon SID");
out:
  free(groups);
  return r;
}

/* The sandbox user's SID, which must be BASE's own user: adding another account's
 * SID to the restricting list would let the command write wherever that account
 * may, and the elevated variant only ever means "the user this runner runs as". */
static int sandbox_user_sid(HANDLE base, const char *user, PSID *out, cordon_error *err) {
  if (!user)
    return cd_error_set(err, 0, "the token spec names the sandbox user, but no user given");
  PSID named = NULL, own = NULL;
  if (cd_sid_lookup(user, &named, err) < 0)
    return -1;
  if (cd_sid_token_user(base, &own, err) < 0) {
    LocalFree(named);
    return -1;
  }
  bool same = EqualSid(named, own);
  LocalFree(own);
  if (!same) {
    LocalFree(named);
    return cd_error_set(err, 0, "the token is not %s's: refusing to add that SID", user);
  }
  *out = named;
  return 0;
}

static int resolve_sid(HANDLE base, const cd_win_token_sid *ts, const char *user, PSID *out,
                       cordon_error *err) {
  switch (ts->kind) {
  case CD_WIN_TOKEN_LOGON:
    return logon_sid(base, out, err);
  case CD_WIN_TOKEN_EVERYONE:
    return cd_sid_parse(ts->sid[0] ? ts->sid : CD_WIN_SID_EVERYONE, out, err);
  case CD_WIN_TOKEN_CAP:
    if (!ts->sid[0])
      return cd_error_set(err, 0, "the %s capability SID is empty", cd_win_cap_name(ts->cap));
    return cd_sid_parse(ts->sid, out, err);
  case CD_WIN_TOKEN_SANDBOX_USER:
    return sandbox_user_sid(base, user, out, err);
  }
  return cd_error_set(err, 0, "unknown restricting SID kind %d", (int)ts->kind);
}

/* Objects the command creates without an explicit security descriptor (a tool's
 * named pipe, say) get the token's default DACL: the user and SYSTEM. Under a
 * write-restricted token the command could then not write to its own objects
 * unless one restricting SID is in that DACL too, so the logon SID is added: it is
 * a restricting SID, and it names this logon session only, never other users. */
static int set_default_dacl(HANDLE token, PSID logon, cordon_error *err) {
  PSID user = NULL, system = NULL;
  if (cd_sid_token_user(token, &user, err) < 0)
    return -1;
  if (cd_sid_parse("S-1-5-18", &system, err) < 0) {
    LocalFree(user);
    return -1;
  }
  PSID sids[3] = {user, system, logon};
  DWORD size = sizeof(ACL);
  for (int i = 0; i < 3; i++)
    size += sizeof(ACCESS_ALLOWED_ACE) + GetLengthSid(sids[i]) - sizeof(DWORD);
  PACL dacl = malloc(size);
  int r = -1;
  if (!dacl) {
    cd_error_oom(err);
    goto out;
  }
  if (!InitializeAcl(dacl, size, ACL_REVISION)) {
    cd_win_error(err, GetLastError(), "build the default DACL");
    goto out;
  }
  for (int i = 0; i < 3; i++)
    if (!AddAccessAllowedAce(dacl, ACL_REVISION, GENERIC_ALL, sids[i])) {
      cd_win_error(err, GetLastError(), "build the default DACL");
      goto out;
    }
  TOKEN_DEFAULT_DACL dd = {dacl};
  if (!SetTokenInformation(token, TokenDefaultDacl, &dd, sizeof dd)) {
    cd_win_error(err, GetLastError(), "set the token's default DACL");
    goto out;
  }
  r = 0;
out:
  free(dacl);
  LocalFree(system);
  LocalFree(user);
  return r;
}

int cd_token_restricted(HANDLE base, const cd_win_token *spec, const char *user,
                        HANDLE *out, cordon_error *err) {
  if (spec->n_sids == 0 || spec->n_sids > CD_WIN_TOKEN_SIDS_MAX)
    return cd_error_set(err, 0, "token spec: %lu restricting SIDs", (unsigned long)spec->n_sids);
  SID_AND_ATTRIBUTES restricting[CD_WIN_TOKEN_SIDS_MAX] = {0};
  PSID logon = NULL;
  int r = -1;
  size_t n = 0;
  for (; n < spec->n_sids; n++) {
    if (resolve_sid(base, &spec->sids[n], user, &restricting[n].Sid, err) < 0)
      goto out;
    if (spec->sids[n].kind == CD_WIN_TOKEN_LOGON)
      logon = restricting[n].Sid;
  }
  /* The flags come from the lowering: DISABLE_MAX_PRIVILEGE drops every privilege
   * but SeChangeNotify; WRITE_RESTRICTED makes the restricting SIDs gate writes
   * only, so reads follow the identity's own SIDs and writes need a capability
   * SID (or Everyone/logon) to be allowed as well. */
  if (!CreateRestrictedToken(base, spec->flags, 0, NULL, 0, NULL, (DWORD)n, restricting, out)) {
    cd_win_error(err, GetLastError(), "create the restricted token");
    goto out;
  }
  if (logon && set_default_dacl(*out, logon, err) < 0) {
    CloseHandle(*out);
    *out = NULL;
    goto out;
  }
  r = 0;
out:
  for (size_t i = 0; i < n; i++)
    LocalFree(restricting[i].Sid);
  return r;
}
