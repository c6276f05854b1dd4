/* Win32 helpers shared by the runner, its parent side and the setup/apply layer:
 * error text, UTF-8 <-> UTF-16, owned handles, random names, deadlines. One copy,
 * so every part reports errors alike and converts strings by the same strict rules. */
#ifndef CD_WIN_COMMON_WINUTIL_H
#define CD_WIN_COMMON_WINUTIL_H

#include <stddef.h>
#include <wchar.h>
#include <windows.h>

#include "common/cleanup.h"
#include "cordon.h"

/* ---- errors ---- */

/* "what: the system's text (error N)" for Win32 error CODE (GetLastError, or a
 * returned DWORD such as the NetApi, ACL and WFP calls give). errnum gets the
 * nearest errno, so callers that only look at errno (SpawnFailed) still see the
 * right kind. Returns -1. */
int cd_win_error(cordon_error *err, DWORD code, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
/* The same for an HRESULT from a COM call ("(HRESULT 0x...)"). Returns -1. */
int cd_hr_error(cordon_error *err, HRESULT hr, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));

/* ---- strings: the lowering's data and our messages are UTF-8, every Win32 call
 * takes UTF-16 (the W functions), so paths with any character work whatever the
 * ANSI code page ---- */

/* Newly allocated conversions (free); NULL on invalid input or no memory. The
 * UTF-8 side is strict: a malformed sequence is refused, never replaced. */
wchar_t *cd_wide(const char *utf8);
char *cd_utf8(const wchar_t *wide);
/* W as UTF-8 in BUF (cut to fit), for messages: returns BUF. */
const char *cd_wshow(const wchar_t *w, char *buf, int size);
/* DIR "\" NAME, newly allocated (NULL when out of memory). */
wchar_t *cd_wjoin(const wchar_t *dir, const wchar_t *name);
/* ARG quoted for a Windows command line (CommandLineToArgvW's rules), appended to
 * OUT (SIZE characters, NUL-terminated), after a space unless OUT is empty. -1 if
 * it does not fit. */
int cd_wquote_append(wchar_t *out, size_t size, const wchar_t *arg);

/* ---- handles ---- */

static inline void cd_win_closep(HANDLE *h) {
  if (*h && *h != INVALID_HANDLE_VALUE)
    CloseHandle(*h);
}
#define _cleanup_handle_ _cleanup_(cd_win_closep)

/* Hand a handle out of a _cleanup_handle_ variable. */
static inline HANDLE cd_win_take_handle(HANDLE *h) {
  HANDLE out = *h;
  *h = NULL;
  return out;
}

/* ---- random names, deadlines ---- */

/* 2*N lowercase hex characters of cryptographic randomness into OUT (2*N+1 wide
 * chars, terminated). For names that another user must not guess. */
int cd_win_random_hex(wchar_t *out, size_t n, cordon_error *err);

/* Milliseconds left until DEADLINE (a GetTickCount64 value), INFINITE stays. */
DWORD cd_win_remaining(ULONGLONG deadline);
/* A deadline MS from now; INFINITE stays INFINITE (as ULLONG_MAX). */
ULONGLONG cd_win_deadline(DWORD ms);

#endif
