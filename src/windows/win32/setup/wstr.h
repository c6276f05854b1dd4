/* UTF-8 <-> UTF-16 at the boundary: the lowering's data and our messages are
 * UTF-8, every Win32 call here takes UTF-16 (the W functions), so paths with any
 * character work whatever the ANSI code page. */
#ifndef CD_WIN_SETUP_WSTR_H
#define CD_WIN_SETUP_WSTR_H

#include <wchar.h>

/* Newly allocated conversions; NULL on allocation failure or invalid input. */
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

#endif
