#include "windows/win32/runner/handle_io.h"

#include <limits.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

int cd_rn_stream_init(cd_rn_stream *s, HANDLE h, bool overlapped, const char *name,
                      cordon_error *err) {
  *s = (cd_rn_stream){.h = h, .overlapped = overlapped, .deadline = ULLONG_MAX, .name = name};
  if (overlapped) {
    s->event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!s->event)
      return cd_win_error(err, GetLastError(), "%s: create an event", name);
  }
  return 0;
}

void cd_rn_stream_close(cd_rn_stream *s) {
  cd_win_closep(&s->event);
  s->event = NULL;
}

BOOL cd_rn_overlapped_wait(HANDLE h, OVERLAPPED *ov, ULONGLONG deadline, HANDLE cancel,
                           DWORD *n) {
  HANDLE waits[2] = {ov->hEvent, cancel};
  DWORD w = WaitForMultipleObjects(cancel ? 2 : 1, waits, FALSE, cd_win_remaining(deadline));
  if (w == WAIT_OBJECT_0)
    return GetOverlappedResult(h, ov, n, FALSE);
  DWORD code = w == WAIT_TIMEOUT ? WAIT_TIMEOUT
               : w == WAIT_OBJECT_0 + 1 ? ERROR_CANCELLED
                                        : GetLastError();
  CancelIoEx(h, ov);
  /* The kernel owns OV until the operation ends: wait for it before the caller's
   * stack frame goes away. Cancelling a pipe operation completes promptly. */
  if (GetOverlappedResult(h, ov, n, TRUE))
    return TRUE;
  if (GetLastError() == ERROR_OPERATION_ABORTED)
    SetLastError(code);
  return FALSE;
}

/* One ReadFile or WriteFile. */
static BOOL transfer(cd_rn_stream *s, bool write, void *buf, DWORD len, DWORD *n) {
  if (!s->overlapped)
    return write ? WriteFile(s->h, buf, len, n, NULL) : ReadFile(s->h, buf, len, n, NULL);
  OVERLAPPED ov = {.hEvent = s->event};
  ResetEvent(s->event);
  BOOL ok = write ? WriteFile(s->h, buf, len, NULL, &ov) : ReadFile(s->h, buf, len, NULL, &ov);
  if (!ok && GetLastError() != ERROR_IO_PENDING)
    return FALSE;
  return cd_rn_overlapped_wait(s->h, &ov, s->deadline, s->cancel, n);
}

static DWORD clamp(size_t len) { return len > (1u << 30) ? (1u << 30) : (DWORD)len; }

static int stream_read(void *ctx, void *buf, size_t len, size_t *done, cordon_error *err) {
  cd_rn_stream *s = ctx;
  DWORD n = 0;
  if (!transfer(s, false, buf, clamp(len), &n)) {
    DWORD code = GetLastError();
    /* The writer closed its end: the end of the stream, not a failure. */
    if (code == ERROR_BROKEN_PIPE || code == ERROR_PIPE_NOT_CONNECTED ||
        code == ERROR_HANDLE_EOF) {
      *done = 0;
      return 0;
    }
    if (code == WAIT_TIMEOUT)
      return cd_error_set_code(err, ETIMEDOUT, "%s: no data before the deadline", s->name);
    return cd_win_error(err, code, "read from %s", s->name);
  }
  *done = n;
  return 0;
}

static int stream_write(void *ctx, const void *buf, size_t len, size_t *done,
                        cordon_error *err) {
  cd_rn_stream *s = ctx;
  DWORD n = 0;
  if (!transfer(s, true, (void *)buf, clamp(len), &n)) {
    DWORD code = GetLastError();
    if (code == WAIT_TIMEOUT)
      return cd_error_set_code(err, ETIMEDOUT, "%s: the reader took no data before the deadline",
                          s->name);
    return cd_win_error(err, code, "write to %s", s->name);
  }
  /* A partial write is normal for pipes: cd_io_write_all sends the rest. */
  *done = n;
  return 0;
}

cd_io cd_rn_stream_io(cd_rn_stream *s) {
  return (cd_io){.ctx = s, .read = stream_read, .write = stream_write};
}
