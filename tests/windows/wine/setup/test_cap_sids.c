/* The capability SID store (src/windows/cap_sids_file.c) in a cordon home whose
 * path is not ASCII, compiled for Windows and run under Wine: the UTF-8 path must
 * reach the file system as the same name (UTF-16 calls), not as its bytes read in
 * the ANSI code page. */
#include <string.h>
#include <wchar.h>

#include "check.h"
#include "windows/cap_sids.h"
#include "windows/win32/common/winutil.h"

int main(void) {
  /* Characters outside every single-byte code page: a narrow call cannot name them. */
  const wchar_t *base = check_tempdir(L"caps");
  _cleanup_free_ wchar_t *home = cd_wjoin(base, L"h\u00f8me-\u65e5\u672c-\u0394");
  _cleanup_free_ char *home8 = home ? cd_utf8(home) : NULL;
  CHECK(home8 != NULL, "the home's path as UTF-8");
  if (!home8)
    return check_done();
  cd_win_cap_sids caps = {0}, again = {0};
  cordon_error err = {0};
  /* The home does not exist yet: the store creates it (and its parents). */
  CHECK(cd_win_cap_sids_get(home8, NULL, cd_win_random_os, NULL, &caps, &err) == 0,
        "store created in a non-ASCII home: %s", err.message);
  _cleanup_free_ wchar_t *file = cd_wjoin(home, L"" CD_WIN_CAP_SIDS_FILE);
  DWORD attrs = file ? GetFileAttributesW(file) : INVALID_FILE_ATTRIBUTES;
  CHECK(attrs != INVALID_FILE_ATTRIBUTES && !(attrs & FILE_ATTRIBUTE_DIRECTORY),
        "the file is where the UTF-16 path says");
  CHECK(cd_win_cap_sids_get(home8, NULL, cd_win_random_os, NULL, &again, &err) == 0,
        "store read back: %s", err.message);
  CHECK(strcmp(caps.sid[CD_WIN_CAP_GENERIC], again.sid[CD_WIN_CAP_GENERIC]) == 0 &&
            strcmp(caps.sid[CD_WIN_CAP_READONLY], again.sid[CD_WIN_CAP_READONLY]) == 0 &&
            cd_win_cap_sid_valid(caps.sid[CD_WIN_CAP_GENERIC]),
        "the same SIDs come back (%s)", caps.sid[CD_WIN_CAP_GENERIC]);
  cd_win_cap_sids_clear(&caps);
  cd_win_cap_sids_clear(&again);
  /* A workspace whose root is not ASCII either: appended, then found again. */
  _cleanup_free_ char *root = cd_utf8(L"C:\\w\u00f6rk-\u65e5");
  CHECK(root && cd_win_cap_sids_get(home8, root, cd_win_random_os, NULL, &caps, &err) == 0 &&
            cd_win_cap_sids_get(home8, root, cd_win_random_os, NULL, &again, &err) == 0 &&
            caps.sid[CD_WIN_CAP_WORKSPACE][0] &&
            strcmp(caps.sid[CD_WIN_CAP_WORKSPACE], again.sid[CD_WIN_CAP_WORKSPACE]) == 0,
        "a workspace SID is stored and found again: %s", err.message);
  cd_win_cap_sids_clear(&caps);
  cd_win_cap_sids_clear(&again);
  return check_done();
}
