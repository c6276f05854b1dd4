#include "files.h"

#include <stdlib.h>
#include <windows.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

#define MAX_STATE_FILE (1u << 20)

int cd_file_read(const wchar_t *path, char **data, size_t *len, cordon_error *err) {
  char show[512];
  *data = NULL;
  *len = 0;
  HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD e = GetLastError();
    if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
      return 0;
    return cd_win_error(err, e, "open %s", cd_wshow(path, show, sizeof show));
  }
  LARGE_INTEGER size;
  if (!GetFileSizeEx(h, &size) || size.QuadPart > MAX_STATE_FILE) {
    CloseHandle(h);
    return cd_error_set(err, 0, "%s: unreadable size or larger than 1 MiB",
                        cd_wshow(path, show, sizeof show));
  }
  char *buf = malloc((size_t)size.QuadPart + 1);
  if (!buf) {
    CloseHandle(h);
    return cd_error_oom(err);
  }
  DWORD got = 0;
  BOOL ok = ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL);
  DWORD e = GetLastError();
  CloseHandle(h);
  if (!ok || got != (DWORD)size.QuadPart) {
    free(buf);
    return cd_win_error(err, ok ? ERROR_HANDLE_EOF : e, "read %s",
                        cd_wshow(path, show, sizeof show));
  }
  buf[got] = '\0';
  *data = buf;
  *len = got;
  return 0;
}

int cd_file_write_atomic(const wchar_t *path, const void *data, size_t len,
                         cordon_error *err) {
  char show[512];
  wchar_t *tmp = malloc((wcslen(path) + 5) * sizeof *tmp);
  if (!tmp)
    return cd_error_oom(err);
  wcscpy(tmp, path);
  wcscat(tmp, L".tmp");
  /* A fresh file, never an existing one: a leftover .tmp could be a hard link or a
   * file with someone else's ACL, and writing a secret into it would hand it over.
   * The new file inherits the directory's ACL, like the final one. */
  DeleteFileW(tmp);
  HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE) {
    cd_win_error(err, GetLastError(), "create %s", cd_wshow(tmp, show, sizeof show));
    free(tmp);
    return -1;
  }
  DWORD put = 0;
  BOOL ok = len <= MAX_STATE_FILE && WriteFile(h, data, (DWORD)len, &put, NULL) &&
            put == (DWORD)len && FlushFileBuffers(h);
  DWORD e = GetLastError();
  CloseHandle(h);
  if (ok && !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    ok = FALSE;
    e = GetLastError();
  }
  if (!ok) {
    DeleteFileW(tmp);
    cd_win_error(err, e ? e : ERROR_WRITE_FAULT, "write %s", cd_wshow(path, show, sizeof show));
  }
  free(tmp);
  return ok ? 0 : -1;
}

int cd_dir_ensure(const wchar_t *path, cordon_error *err) {
  char show[512];
  if (CreateDirectoryW(path, NULL))
    return 0;
  DWORD e = GetLastError();
  if (e == ERROR_ALREADY_EXISTS) {
    DWORD attrs = GetFileAttributesW(path);
    if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY))
      return 0;
    return cd_error_set(err, 0, "%s exists and is not a directory",
                        cd_wshow(path, show, sizeof show));
  }
  return cd_win_error(err, e, "create directory %s", cd_wshow(path, show, sizeof show));
}
