#include "users.h"

#include <lm.h>
#include <sddl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <userenv.h>

#include "common/error.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"
#include "windows/ops.h"

#define HIDE_KEY L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList"

int cd_group_ensure(cordon_error *err) {
  LOCALGROUP_INFO_1 info = {L"" CD_WIN_GROUP, L"cordon: sandboxed commands run as these users"};
  NET_API_STATUS st = NetLocalGroupAdd(NULL, 1, (BYTE *)&info, NULL);
  if (st == NERR_Success || st == NERR_GroupExists || st == ERROR_ALIAS_EXISTS)
    return 0;
  return cd_win_error(err, st, "create group %s", CD_WIN_GROUP);
}

/* Interactive logon must work (the runner is started that way), the password must
 * never expire under a default policy (a launch would fail weeks later), and only
 * setup changes it. */
#define USER_FLAGS (UF_SCRIPT | UF_DONT_EXPIRE_PASSWD | UF_PASSWD_CANT_CHANGE)

static int repair(const wchar_t *name, const wchar_t *password, const char *user,
                  cordon_error *err) {
  USER_INFO_1003 pw = {(wchar_t *)password};
  NET_API_STATUS st = NetUserSetInfo(NULL, name, 1003, (BYTE *)&pw, NULL);
  if (st != NERR_Success)
    return cd_win_error(err, st, "reset the password of %s", user);
  /* Also re-enables an account someone disabled: a disabled sandbox user would
   * only make every launch fail. */
  USER_INFO_1008 flags = {USER_FLAGS};
  st = NetUserSetInfo(NULL, name, 1008, (BYTE *)&flags, NULL);
  if (st != NERR_Success)
    return cd_win_error(err, st, "set the flags of %s", user);
  return 0;
}

/* Sandbox accounts are not people: keep them off the sign-in screen. */
static int hide(const wchar_t *name, const char *user, cordon_error *err) {
  HKEY key;
  LSTATUS e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, HIDE_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL,
                              &key, NULL);
  if (e == ERROR_SUCCESS) {
    DWORD zero = 0;
    e = RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&zero, sizeof zero);
    RegCloseKey(key);
  }
  return e == ERROR_SUCCESS ? 0 : cd_win_error(err, (DWORD)e, "hide %s from sign-in", user);
}

/* Whether local group NAME is Users or the sandbox group (by SID: group names are
 * localized). */
static bool plain_group(const wchar_t *name) {
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD sid_len = sizeof sid;
  wchar_t domain[256];
  DWORD domain_len = 256;
  SID_NAME_USE use;
  if (!LookupAccountNameW(NULL, name, sid, &sid_len, domain, &domain_len, &use))
    return false;
  PSID users = NULL;
  bool plain = wcscmp(name, L"" CD_WIN_GROUP) == 0;
  if (!plain && ConvertStringSidToSidW(L"S-1-5-32-545", &users))
    plain = EqualSid(sid, users);
  LocalFree(users);
  return plain;
}

/* A sandbox user in Administrators (or any other group someone added it to) would
 * carry that group's rights into every sandboxed command: refuse, never repair
 * silently, since someone chose to add it. */
static int check_groups(const wchar_t *name, const char *user, cordon_error *err) {
  LOCALGROUP_USERS_INFO_0 *groups = NULL;
  DWORD read = 0, total = 0;
  NET_API_STATUS st = NetUserGetLocalGroups(NULL, name, 0, LG_INCLUDE_INDIRECT, (BYTE **)&groups,
                                            MAX_PREFERRED_LENGTH, &read, &total);
  if (st != NERR_Success)
    return cd_win_error(err, st, "list the groups of %s", user);
  int r = 0;
  for (DWORD i = 0; r == 0 && i < read; i++)
    if (!plain_group(groups[i].lgrui0_name)) {
      char *group = cd_utf8(groups[i].lgrui0_name);
      r = cd_error_set(err, 0, "%s is a member of %s: a sandbox user must be a plain user "
                               "(remove it from that group, then re-run setup)",
                       user, group ? group : "another group");
      free(group);
    }
  NetApiBufferFree(groups);
  return r;
}

int cd_user_ensure(const char *user, const char *password, cordon_error *err) {
  wchar_t *name = cd_wide(user), *pw = cd_wide(password);
  int r = -1;
  if (!name || !pw) {
    cd_error_oom(err);
    goto out;
  }
  /* USER_PRIV_USER: a plain member of Users, which is what lets the sandbox read
   * what every local user may read, and nothing more. */
  USER_INFO_1 info = {.usri1_name = name,
                      .usri1_password = pw,
                      .usri1_priv = USER_PRIV_USER,
                      .usri1_comment = L"cordon sandbox user",
                      .usri1_flags = USER_FLAGS};
  NET_API_STATUS st = NetUserAdd(NULL, 1, (BYTE *)&info, NULL);
  if (st == NERR_UserExists) {
    if (repair(name, pw, user, err) < 0)
      goto out;
  } else if (st != NERR_Success) {
    cd_win_error(err, st, "create user %s", user);
    goto out;
  }
  LOCALGROUP_MEMBERS_INFO_3 member = {name};
  st = NetLocalGroupAddMembers(NULL, L"" CD_WIN_GROUP, 3, (BYTE *)&member, 1);
  if (st != NERR_Success && st != ERROR_MEMBER_IN_ALIAS) {
    cd_win_error(err, st, "add %s to %s", user, CD_WIN_GROUP);
    goto out;
  }
  r = check_groups(name, user, err);
  if (r == 0)
    r = hide(name, user, err);
out:
  if (pw)
    SecureZeroMemory(pw, wcslen(pw) * sizeof *pw);
  free(pw);
  free(name);
  return r;
}

int cd_user_exists(const char *user, bool *exists, cordon_error *err) {
  wchar_t *name = cd_wide(user);
  if (!name)
    return cd_error_oom(err);
  USER_INFO_0 *info = NULL;
  NET_API_STATUS st = NetUserGetInfo(NULL, name, 0, (BYTE **)&info);
  free(name);
  if (info)
    NetApiBufferFree(info);
  if (st == NERR_Success || st == NERR_UserNotFound) {
    *exists = st == NERR_Success;
    return 0;
  }
  return cd_win_error(err, st, "look up user %s", user);
}

int cd_user_logon(const char *user, const char *password, bool *ok, HANDLE *token,
                  cordon_error *err) {
  wchar_t *name = cd_wide(user), *pw = cd_wide(password);
  if (!name || !pw) {
    free(name);
    free(pw);
    return cd_error_oom(err);
  }
  HANDLE t = NULL;
  BOOL logged = LogonUserW(name, L".", pw, LOGON32_LOGON_INTERACTIVE, LOGON32_PROVIDER_DEFAULT,
                           &t);
  DWORD e = GetLastError();
  SecureZeroMemory(pw, wcslen(pw) * sizeof *pw);
  free(pw);
  free(name);
  *ok = logged;
  if (logged) {
    if (token)
      *token = t;
    else
      CloseHandle(t);
    return 0;
  }
  if (e == ERROR_LOGON_FAILURE)
    return 0;
  return cd_win_error(err, e, "log on as %s", user);
}

int cd_user_profile(HANDLE token, const char *user, wchar_t **profile, cordon_error *err) {
  wchar_t *name = cd_wide(user);
  if (!name)
    return cd_error_oom(err);
  PROFILEINFOW info = {.dwSize = sizeof info, .dwFlags = PI_NOUI, .lpUserName = name};
  BOOL loaded = LoadUserProfileW(token, &info);
  DWORD e = GetLastError();
  free(name);
  if (!loaded)
    return cd_win_error(err, e, "create the profile of %s", user);
  wchar_t dir[MAX_PATH];
  DWORD len = MAX_PATH;
  BOOL got = GetUserProfileDirectoryW(token, dir, &len);
  e = GetLastError();
  UnloadUserProfile(token, info.hProfile);
  if (!got)
    return cd_win_error(err, e, "find the profile of %s", user);
  *profile = _wcsdup(dir);
  return *profile ? 0 : cd_error_oom(err);
}

int cd_user_profile_dir(const char *user, wchar_t **profile, cordon_error *err) {
  PSID sid = NULL;
  char text[CD_WIN_SID_MAX];
  if (cd_sid_lookup(user, &sid, err) < 0)
    return -1;
  int r = cd_sid_format(sid, text, sizeof text, err);
  LocalFree(sid);
  if (r < 0)
    return -1;
  wchar_t key[256], value[MAX_PATH], expanded[MAX_PATH];
  swprintf(key, 256, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\%hs", text);
  DWORD size = sizeof value;
  LSTATUS e = RegGetValueW(HKEY_LOCAL_MACHINE, key, L"ProfileImagePath", RRF_RT_REG_EXPAND_SZ |
                           RRF_RT_REG_SZ | RRF_NOEXPAND, NULL, value, &size);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, (DWORD)e, "find the profile of %s (run `cordon setup`)", user);
  DWORD n = ExpandEnvironmentStringsW(value, expanded, MAX_PATH);
  if (n == 0 || n > MAX_PATH)
    return cd_error_set(err, 0, "the profile path of %s is too long", user);
  *profile = _wcsdup(expanded);
  return *profile ? 0 : cd_error_oom(err);
}
