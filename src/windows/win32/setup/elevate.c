#include "elevate.h"

#include <shellapi.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

int cd_is_elevated(bool *elevated, cordon_error *err) {
  HANDLE token;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    return cd_win_error(err, GetLastError(), "open this process's token");
  TOKEN_ELEVATION e = {0};
  DWORD len = 0;
  BOOL ok = GetTokenInformation(token, TokenElevation, &e, sizeof e, &len);
  DWORD code = GetLastError();
  CloseHandle(token);
  if (!ok)
    return cd_win_error(err, code, "read whether this process is elevated");
  *elevated = e.TokenIsElevated != 0;
  return 0;
}

int cd_run_elevated(const wchar_t *exe, const wchar_t *params, DWORD *exit_code,
                    cordon_error *err) {
  SHELLEXECUTEINFOW sei = {.cbSize = sizeof sei,
                           .fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC,
                           .lpVerb = L"runas",
                           .lpFile = exe,
                           .lpParameters = params,
                           .nShow = SW_HIDE};
  if (!ShellExecuteExW(&sei)) {
    DWORD e = GetLastError();
    if (e == ERROR_CANCELLED)
      return cd_error_set(err, 0, "elevation was declined: nothing was changed");
    return cd_win_error(err, e, "start the elevated setup");
  }
  if (!sei.hProcess)
    return cd_error_set(err, 0, "the elevated setup gave no process to wait for");
  WaitForSingleObject(sei.hProcess, INFINITE);
  BOOL ok = GetExitCodeProcess(sei.hProcess, exit_code);
  DWORD e = GetLastError();
  CloseHandle(sei.hProcess);
  return ok ? 0 : cd_win_error(err, e, "read the elevated setup's exit code");
}
