/* Small Win32 helpers for the runner and its parent side: error text, UTF-8 <->
 * UTF-16, owned handles, random names, deadlines. Prefixed cd_rn_ so they never collide with
 * the setup part's helpers when both are linked into one program. */
#ifndef CD_RUNNER_WINUTIL_H
#define CD_RUNNER_WINUTIL_H

#include <windows.h>

#include "common/cleanup.h"
#include "cordon.h"

static inline void cd_rn_closep(HANDLE *h) {
  if (*h && *h != INVALID_HANDLE_VALUE)
    CloseHandle(*h);
}
#define _cleanup_handle_ _cleanup_(cd_rn_closep)

/* Hand a handle out of a _cleanup_handle_ variable. */
static inline HANDLE cd_rn_take_handle(HANDLE *h) {
  HANDLE out = *h;
  *h = NULL;
  return out;
}

/* "what: the system's text (error N)" for Win32 error CODE. errnum gets the
 * nearest errno, so callers that only look at errno still see the right kind.
 * Returns -1. */
int cd_rn_error(cordon_error *err, DWORD code, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));

/* Set ERR's message (printf format) and ERRNUM without appending strerror's text,
 * which the Windows C runtime lacks for the POSIX additions (ETIMEDOUT, EPROTO):
 * the message says it all, errnum keeps the kind for the caller. Returns -1. */
int cd_rn_fail(cordon_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));

/* Newly allocated conversions (free); NULL on invalid input or no memory. The
 * UTF-8 side is strict: a malformed sequence is refused, never replaced. */
wchar_t *cd_rn_wide(const char *utf8);
char *cd_rn_utf8(const wchar_t *wide);

/* 2*N lowercase hex characters of cryptographic randomness into OUT (2*N+1 wide
 * chars, terminated). For names that another user must not guess. */
int cd_rn_random_hex(wchar_t *out, size_t n, cordon_error *err);

/* Milliseconds left until DEADLINE (a GetTickCount64 value), INFINITE stays. */
DWORD cd_rn_remaining(ULONGLONG deadline);
/* A deadline MS from now; INFINITE stays INFINITE (as ULLONG_MAX). */
ULONGLONG cd_rn_deadline(DWORD ms);

#endif
