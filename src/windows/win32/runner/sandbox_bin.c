#include "windows/win32/runner/sandbox_bin.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

static wchar_t *wjoin(const wchar_t *dir, const wchar_t *name) {
  size_t n = wcslen(dir) + 1 + wcslen(name) + 1;
  wchar_t *p = malloc(n * sizeof *p);
  if (p)
    swprintf(p, n, L"%ls\\%ls", dir, name);
  return p;
}

/* A version becomes a directory name: letters, digits and ._+- only, so it can
 * never climb out of .sandbox-bin or name a device. */
static bool safe_version(const char *v) {
  size_t n = strlen(v);
  if (n == 0 || n > 64 || v[0] == '.')
    return false;
  for (const char *c = v; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          strchr("._+-", *c)))
      return false;
  return true;
}

static int version_dir(const wchar_t *runner, const char *version, wchar_t *out, size_t cap,
                       cordon_error *err) {
  if (version && *version) {
    if (!safe_version(version))
      return cd_error_set_code(err, EINVAL, "version \"%s\" cannot name a directory", version);
    size_t i = 0;
    for (; version[i]; i++) /* ASCII, checked above; at most 64 < cap */
      out[i] = (wchar_t)version[i];
    out[i] = L'\0';
    return 0;
  }
  WIN32_FILE_ATTRIBUTE_DATA a;
  if (!GetFileAttributesExW(runner, GetFileExInfoStandard, &a))
    return cd_win_error(err, GetLastError(), "read the runner's size and time");
  unsigned long long size = (unsigned long long)a.nFileSizeHigh << 32 | a.nFileSizeLow;
  unsigned long long mtime =
      (unsigned long long)a.ftLastWriteTime.dwHighDateTime << 32 | a.ftLastWriteTime.dwLowDateTime;
  swprintf(out, cap, L"dev-%llu-%016llx", size, mtime);
  return 0;
}

static int ensure_dir(const wchar_t *path, cordon_error *err) {
  if (CreateDirectoryW(path, NULL))
    return 0;
  DWORD code = GetLastError();
  DWORD attrs = GetFileAttributesW(path);
  if (code == ERROR_ALREADY_EXISTS && attrs != INVALID_FILE_ATTRIBUTES &&
      (attrs & FILE_ATTRIBUTE_DIRECTORY) && !(attrs & FILE_ATTRIBUTE_REPARSE_POINT))
    return 0;
  _cleanup_free_ char *p = cd_utf8(path);
  if (code == ERROR_ALREADY_EXISTS)
    /* A file, or a link that could point anywhere: never follow it. */
    return cd_error_set_code(err, EEXIST, "%s exists and is not a plain directory", p ? p : "?");
  return cd_win_error(err, code, "create %s", p ? p : "?");
}

/* Whether files A and B have the same bytes; a missing B is "no". */
static int same_content(const wchar_t *a, const wchar_t *b, bool *same, cordon_error *err) {
  *same = false;
  _cleanup_handle_ HANDLE fa = CreateFileW(a, GENERIC_READ, FILE_SHARE_READ, NULL,
                                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
  if (fa == INVALID_HANDLE_VALUE)
    return cd_win_error(err, GetLastError(), "open the runner");
  _cleanup_handle_ HANDLE fb = CreateFileW(b, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE,
                                           NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
  if (fb == INVALID_HANDLE_VALUE)
    return 0;
  LARGE_INTEGER sa, sb;
  if (!GetFileSizeEx(fa, &sa) || !GetFileSizeEx(fb, &sb))
    return cd_win_error(err, GetLastError(), "read a file size");
  if (sa.QuadPart != sb.QuadPart)
    return 0;
  enum { CHUNK = 64 * 1024 };
  _cleanup_free_ char *ba = malloc(CHUNK), *bb = malloc(CHUNK);
  if (!ba || !bb)
    return cd_error_oom(err);
  for (;;) {
    DWORD na, nb;
    if (!ReadFile(fa, ba, CHUNK, &na, NULL) || !ReadFile(fb, bb, CHUNK, &nb, NULL))
      return cd_win_error(err, GetLastError(), "compare the runner with its copy");
    if (na != nb || memcmp(ba, bb, na) != 0)
      return 0;
    if (na == 0)
      break;
  }
  *same = true;
  return 0;
}

static int copy_into_place(const wchar_t *runner, const wchar_t *dest, cordon_error *err) {
  wchar_t random[17];
  if (cd_win_random_hex(random, 8, err) < 0)
    return -1;
  size_t n = wcslen(dest) + 32;
  _cleanup_free_ wchar_t *tmp = malloc(n * sizeof *tmp);
  if (!tmp)
    return cd_error_oom(err);
  swprintf(tmp, n, L"%ls.%ls.tmp", dest, random);
  if (!CopyFileW(runner, tmp, TRUE))
    return cd_win_error(err, GetLastError(), "copy the runner");
  if (!MoveFileExW(tmp, dest, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    DWORD code = GetLastError();
    DeleteFileW(tmp);
    return cd_win_error(err, code, "move the runner's copy into place");
  }
  return 0;
}

int cd_sandbox_bin_install(const wchar_t *home, const wchar_t *runner, const char *version,
                           cd_sandbox_bin_acl_fn acl, void *acl_ctx, wchar_t **out,
                           cordon_error *err) {
  /* Without the ACL step the copy's permissions would be whatever cordon home
   * passes down: refuse rather than guess. */
  if (!acl)
    return cd_error_set_code(err, EINVAL, "no ACL step for the runner's directory");
  wchar_t name[96];
  if (version_dir(runner, version, name, sizeof name / sizeof name[0], err) < 0)
    return -1;
  _cleanup_free_ wchar_t *base = wjoin(home, CD_SANDBOX_BIN_DIR);
  _cleanup_free_ wchar_t *dir = base ? wjoin(base, name) : NULL;
  _cleanup_free_ wchar_t *dest = dir ? wjoin(dir, CD_RUNNER_EXE) : NULL;
  if (!dest)
    return cd_error_oom(err);
  if (ensure_dir(base, err) < 0 || ensure_dir(dir, err) < 0)
    return -1;
  bool same;
  if (same_content(runner, dest, &same, err) < 0)
    return -1;
  if (!same && copy_into_place(runner, dest, err) < 0)
    return -1;
  if (acl(dir, acl_ctx, err) < 0)
    return cd_error_prefix(err, "restrict the runner's directory");
  *out = CD_TAKE(dest);
  return 0;
}
