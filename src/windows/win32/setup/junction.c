#include "junction.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>
#include <windows.h>
#include <winioctl.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

/* The mount-point form of REPARSE_DATA_BUFFER (ntifs.h, which user mode lacks). */
typedef struct mount_point_buffer {
  DWORD tag;
  WORD data_length;
  WORD reserved;
  WORD substitute_offset;
  WORD substitute_length;
  WORD print_offset;
  WORD print_length;
  WCHAR paths[];
} mount_point_buffer;

#define HEADER_SIZE 8 /* tag, data_length, reserved */

void cd_junction_name(const wchar_t *target, wchar_t out[32]) {
  uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
  for (const wchar_t *c = target; *c; c++) {
    wchar_t ch = *c == L'/' ? L'\\' : (wchar_t)towlower(*c);
    h = (h ^ (uint64_t)ch) * 0x100000001b3u;
  }
  swprintf(out, 32, L"cwd-%016llx", (unsigned long long)h);
}

static HANDLE open_link(const wchar_t *link, DWORD access) {
  /* OPEN_REPARSE_POINT: the junction itself, never what it points to. */
  return CreateFileW(link, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                     OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                     NULL);
}

int cd_junction_create(const wchar_t *link, const wchar_t *target, cordon_error *err) {
  char show[512];
  /* A relative or drive-relative target would resolve against whatever directory
   * a reader happens to be in. */
  if (!(iswalpha(target[0]) && target[1] == L':' && target[2] == L'\\'))
    return cd_error_set(err, 0, "junction target %s is not an absolute path",
                        cd_wshow(target, show, sizeof show));
  if (cd_junction_remove(link, err) < 0)
    return -1;
  if (!CreateDirectoryW(link, NULL))
    return cd_win_error(err, GetLastError(), "create %s", cd_wshow(link, show, sizeof show));
  size_t tlen = wcslen(target);
  /* Substitute name "\??\C:\dir", print name "C:\dir", each NUL-terminated. */
  size_t sub_bytes = (4 + tlen) * sizeof(WCHAR), print_bytes = tlen * sizeof(WCHAR);
  size_t data = 8 + sub_bytes + sizeof(WCHAR) + print_bytes + sizeof(WCHAR);
  if (data > MAXIMUM_REPARSE_DATA_BUFFER_SIZE - HEADER_SIZE) {
    RemoveDirectoryW(link);
    return cd_error_set(err, 0, "junction target too long");
  }
  mount_point_buffer *b = calloc(1, HEADER_SIZE + data);
  if (!b) {
    RemoveDirectoryW(link);
    return cd_error_oom(err);
  }
  b->tag = IO_REPARSE_TAG_MOUNT_POINT;
  b->data_length = (WORD)data;
  b->substitute_length = (WORD)sub_bytes;
  b->print_offset = (WORD)(sub_bytes + sizeof(WCHAR));
  b->print_length = (WORD)print_bytes;
  memcpy(b->paths, L"\\??\\", 4 * sizeof(WCHAR));
  memcpy(b->paths + 4, target, tlen * sizeof(WCHAR));
  memcpy(b->paths + 4 + tlen + 1, target, tlen * sizeof(WCHAR));
  HANDLE h = open_link(link, GENERIC_WRITE);
  DWORD e = ERROR_SUCCESS, got;
  if (h == INVALID_HANDLE_VALUE ||
      !DeviceIoControl(h, FSCTL_SET_REPARSE_POINT, b, (DWORD)(HEADER_SIZE + data), NULL, 0, &got,
                       NULL))
    e = GetLastError();
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  free(b);
  if (e != ERROR_SUCCESS) {
    RemoveDirectoryW(link);
    return cd_win_error(err, e, "make %s a junction", cd_wshow(link, show, sizeof show));
  }
  return 0;
}

int cd_junction_target(const wchar_t *link, wchar_t *out, size_t size, cordon_error *err) {
  char show[512];
  HANDLE h = open_link(link, 0);
  if (h == INVALID_HANDLE_VALUE)
    return cd_win_error(err, GetLastError(), "open %s", cd_wshow(link, show, sizeof show));
  union {
    mount_point_buffer b;
    BYTE bytes[MAXIMUM_REPARSE_DATA_BUFFER_SIZE];
  } *buf = malloc(sizeof *buf);
  DWORD got = 0;
  BOOL ok = buf && DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, buf, sizeof *buf, &got,
                                   NULL);
  DWORD e = GetLastError();
  CloseHandle(h);
  int r = -1;
  if (!buf)
    r = cd_error_oom(err);
  else if (!ok)
    cd_win_error(err, e, "read junction %s", cd_wshow(link, show, sizeof show));
  else if (got < HEADER_SIZE + 8 || buf->b.tag != IO_REPARSE_TAG_MOUNT_POINT || buf->b.print_length / 2 >= size ||
           (size_t)buf->b.print_offset + buf->b.print_length > got - HEADER_SIZE - 8)
    cd_error_set(err, 0, "%s is not a junction cordon can read", cd_wshow(link, show, sizeof show));
  else {
    size_t n = buf->b.print_length / sizeof(WCHAR);
    memcpy(out, (BYTE *)buf->b.paths + buf->b.print_offset, n * sizeof(WCHAR));
    out[n] = L'\0';
    r = 0;
  }
  free(buf);
  return r;
}

int cd_junction_remove(const wchar_t *link, cordon_error *err) {
  char show[512];
  DWORD attrs = GetFileAttributesW(link);
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    DWORD e = GetLastError();
    return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND
               ? 0
               : cd_win_error(err, e, "%s", cd_wshow(link, show, sizeof show));
  }
  /* Only ever a junction: a real directory there is not ours to delete. */
  if (!(attrs & FILE_ATTRIBUTE_REPARSE_POINT) || !(attrs & FILE_ATTRIBUTE_DIRECTORY))
    return cd_error_set(err, 0, "%s exists and is not a junction",
                        cd_wshow(link, show, sizeof show));
  /* RemoveDirectory on a junction removes the link, never the target's content. */
  if (!RemoveDirectoryW(link))
    return cd_win_error(err, GetLastError(), "remove junction %s",
                        cd_wshow(link, show, sizeof show));
  return 0;
}
