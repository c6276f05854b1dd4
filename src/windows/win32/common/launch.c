#include "windows/win32/common/launch.h"

#include <stdlib.h>

#include "common/error.h"
#include "windows/win32/common/token.h"
#include "windows/win32/common/winutil.h"

int cd_launch_restricted(const cd_win_token *spec, const char *user, const cd_launch *l,
                         PROCESS_INFORMATION *pi, cordon_error *err) {
  HANDLE own = NULL, restricted = NULL;
  /* The restricted token's handle gets this handle's rights, and setting its
   * default DACL needs TOKEN_ADJUST_DEFAULT. */
  DWORD access = TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY | TOKEN_ADJUST_DEFAULT;
  if (!OpenProcessToken(GetCurrentProcess(), access, &own))
    return cd_win_error(err, GetLastError(), "open this process's token");
  int r = cd_token_restricted(own, spec, user, &restricted, err);
  CloseHandle(own);
  if (r < 0)
    return -1;
  BOOL ok = CreateProcessAsUserW(restricted, l->application, l->command_line, NULL, NULL,
                                 l->inherit_handles, l->flags | CREATE_UNICODE_ENVIRONMENT,
                                 l->environment, l->cwd, l->startup, pi);
  DWORD e = GetLastError();
  CloseHandle(restricted);
  if (!ok)
    return cd_win_error(err, e, "start the command with the restricted token");
  return 0;
}

int cd_launch_logon(void *ctx, wchar_t *command_line, wchar_t *env, PROCESS_INFORMATION *pi,
                    cordon_error *err) {
  const cd_logon_launch *l = ctx;
  wchar_t *user = cd_wide(l->user), *password = cd_wide(l->password);
  if (!user || !password) {
    free(user);
    free(password);
    return cd_error_oom(err);
  }
  STARTUPINFOW si = {.cb = sizeof si, .dwFlags = STARTF_USESHOWWINDOW, .wShowWindow = SW_HIDE};
  /* LOGON_WITH_PROFILE: the sandbox user's own profile and registry hive, so the
   * command never falls back to a temporary profile or to shared locations. */
  BOOL ok = CreateProcessWithLogonW(user, L".", password, LOGON_WITH_PROFILE, NULL, command_line,
                                    CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_CONSOLE, env, NULL,
                                    &si, pi);
  DWORD e = GetLastError();
  SecureZeroMemory(password, wcslen(password) * sizeof *password);
  free(password);
  free(user);
  if (ok)
    return 0;
  if (e == ERROR_LOGON_FAILURE)
    return cd_error_set(err, 0, "the stored password of %s is refused: re-run `cordon setup` "
                                "elevated", l->user);
  return cd_win_error(err, e, "start the runner as %s", l->user);
}
