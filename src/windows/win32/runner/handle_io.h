/* The session stream (session/io.h) over a Win32 handle. Overlapped handles get
 * bounded waits: every ReadFile/WriteFile waits at most until the stream's
 * deadline, then is cancelled and reported as a timeout. Synchronous handles (the
 * anonymous pipes to a child) block like read(2). */
#ifndef CD_RUNNER_HANDLE_IO_H
#define CD_RUNNER_HANDLE_IO_H

#include <stdbool.h>
#include <windows.h>

#include "session/io.h"

typedef struct cd_rn_stream {
  HANDLE h;        /* not owned */
  bool overlapped; /* opened with FILE_FLAG_OVERLAPPED */
  HANDLE event;    /* owned: the completion event of overlapped calls */
  ULONGLONG deadline; /* cd_win_deadline(); ULLONG_MAX: none */
  HANDLE cancel;      /* not owned, may be NULL: an event that aborts waits */
  const char *name;   /* for messages: "the runner's output pipe", ... */
} cd_rn_stream;

/* EVENT is created for overlapped handles. The stream must not move afterwards:
 * the cd_io it hands out points at it. */
int cd_rn_stream_init(cd_rn_stream *s, HANDLE h, bool overlapped, const char *name,
                      cordon_error *err);
void cd_rn_stream_close(cd_rn_stream *s);
cd_io cd_rn_stream_io(cd_rn_stream *s);

/* Wait for an overlapped operation on H, at most until DEADLINE or until CANCEL
 * (may be NULL) is set; then cancel it and wait for the cancellation (which
 * completes at once). Returns the same as GetOverlappedResult, with GetLastError()
 * == WAIT_TIMEOUT on timeout and ERROR_CANCELLED on CANCEL. An operation that
 * completes while being cancelled counts as completed. */
BOOL cd_rn_overlapped_wait(HANDLE h, OVERLAPPED *ov, ULONGLONG deadline, HANDLE cancel,
                           DWORD *n);

#endif
