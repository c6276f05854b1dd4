#include "windows/win32/common/winutil.h"

#include <bcrypt.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static int errno_for(DWORD code) {
  switch (code) {
  case ERROR_ACCESS_DENIED: return EACCES;
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_NAME: return ENOENT;
  case ERROR_NOT_ENOUGH_MEMORY:
  case ERROR_OUTOFMEMORY: return ENOMEM;
  case WAIT_TIMEOUT:
  case ERROR_TIMEOUT:
  case ERROR_SEM_TIMEOUT: return ETIMEDOUT;
  case ERROR_BROKEN_PIPE:
  case ERROR_NO_DATA:
  case ERROR_PIPE_NOT_CONNECTED: return EPIPE;
  case ERROR_BAD_EXE_FORMAT: return ENOEXEC;
  default: return EIO;
  }
}

/* The system's text for CODE on one line into BUF, or "" when it has none (WFP and
 * some NetApi codes live in other modules' message tables). English first, so a
 * report reads the same on every machine; UTF-16 then UTF-8, so no ANSI code page
 * garbles it. */
static void system_text(DWORD code, char *buf, size_t size) {
  wchar_t text[512];
  DWORD flags = FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS;
  DWORD n = FormatMessageW(flags, NULL, code, MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), text,
                           sizeof text / sizeof text[0], NULL);
  if (n == 0)
    n = FormatMessageW(flags, NULL, code, 0, text, sizeof text / sizeof text[0], NULL);
  /* Messages end in ".\r\n"; the line the user sees must stay one line. */
  for (DWORD i = 0; i < n; i++)
    if (text[i] == L'\r' || text[i] == L'\n')
      text[i] = L' ';
  while (n > 0 && (text[n - 1] == L' ' || text[n - 1] == L'.'))
    n--;
  text[n] = L'\0';
  _cleanup_free_ char *utf8 = n > 0 ? cd_utf8(text) : NULL;
  snprintf(buf, size, "%s", utf8 ? utf8 : "");
}

/* Win32 codes in decimal, as Windows documents them; HRESULTs in hex, likewise. */
static int fill(cordon_error *err, DWORD code, int errnum, bool hresult, const char *fmt,
                va_list ap) {
  if (!err)
    return -1;
  char what[CORDON_ERROR_MAX / 2], text[CORDON_ERROR_MAX / 2], number[32];
  if (vsnprintf(what, sizeof what, fmt, ap) < 0)
    what[0] = '\0';
  system_text(code, text, sizeof text);
  if (hresult)
    snprintf(number, sizeof number, "HRESULT 0x%08lx", (unsigned long)code);
  else
    snprintf(number, sizeof number, "error %lu", (unsigned long)code);
  snprintf(err->message, sizeof err->message, "%s: %s (%s)", what,
           text[0] ? text : "unknown error", number);
  err->errnum = errnum;
  return -1;
}

int cd_win_error(cordon_error *err, DWORD code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill(err, code, errno_for(code), false, fmt, ap);
  va_end(ap);
  return -1;
}

int cd_hr_error(cordon_error *err, HRESULT hr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill(err, (DWORD)hr, EIO, true, fmt, ap);
  va_end(ap);
  return -1;
}

wchar_t *cd_wide(const char *utf8) {
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
  if (n <= 0)
    return NULL;
  wchar_t *w = malloc((size_t)n * sizeof *w);
  if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n) != n) {
    free(w);
    return NULL;
  }
  return w;
}

char *cd_utf8(const wchar_t *wide) {
  int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide, -1, NULL, 0, NULL, NULL);
  if (n <= 0)
    return NULL;
  char *s = malloc((size_t)n);
  if (s && WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide, -1, s, n, NULL, NULL) != n) {
    free(s);
    return NULL;
  }
  return s;
}

wchar_t *cd_wjoin(const wchar_t *dir, const wchar_t *name) {
  size_t d = wcslen(dir), n = wcslen(name);
  bool sep = d > 0 && dir[d - 1] != L'\\' && dir[d - 1] != L'/';
  wchar_t *p = malloc((d + sep + n + 1) * sizeof *p);
  if (!p)
    return NULL;
  memcpy(p, dir, d * sizeof *p);
  if (sep)
    p[d] = L'\\';
  memcpy(p + d + sep, name, (n + 1) * sizeof *p);
  return p;
}

const char *cd_wshow(const wchar_t *w, char *buf, int size) {
  char *s = cd_utf8(w);
  snprintf(buf, (size_t)size, "%s", s ? s : "(unprintable path)");
  free(s);
  return buf;
}

/* Backslashes double only where a quote follows them (ours, or one inside ARG). */
int cd_wquote_append(wchar_t *out, size_t size, const wchar_t *arg) {
  size_t n = wcslen(out);
  if (n + 2 * wcslen(arg) + 4 > size)
    return -1;
  if (n > 0)
    out[n++] = L' ';
  out[n++] = L'"';
  for (const wchar_t *c = arg;; c++) {
    size_t slashes = 0;
    while (*c == L'\\') {
      slashes++;
      c++;
    }
    bool quote_follows = *c == L'"' || *c == L'\0';
    for (size_t k = 0; k < (quote_follows ? 2 * slashes : slashes); k++)
      out[n++] = L'\\';
    if (*c == L'\0')
      break;
    if (*c == L'"')
      out[n++] = L'\\';
    out[n++] = *c;
  }
  out[n++] = L'"';
  out[n] = L'\0';
  return 0;
}

int cd_win_random_hex(wchar_t *out, size_t n, cordon_error *err) {
  unsigned char bytes[64];
  if (n > sizeof bytes)
    return cd_error_set(err, 0, "random name: %lu bytes asked, at most %lu",
                        (unsigned long)n, (unsigned long)sizeof bytes);
  NTSTATUS st = BCryptGenRandom(NULL, bytes, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  if (st < 0)
    return cd_error_set(err, 0, "random name: BCryptGenRandom failed (status 0x%08lx)",
                        (unsigned long)st);
  static const wchar_t hex[] = L"0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hex[bytes[i] >> 4];
    out[2 * i + 1] = hex[bytes[i] & 15];
  }
  out[2 * n] = L'\0';
  return 0;
}

ULONGLONG cd_win_deadline(DWORD ms) {
  return ms == INFINITE ? ULLONG_MAX : GetTickCount64() + ms;
}

DWORD cd_win_remaining(ULONGLONG deadline) {
  if (deadline == ULLONG_MAX)
    return INFINITE;
  ULONGLONG now = GetTickCount64();
  if (now >= deadline)
    return 0;
  ULONGLONG left = deadline - now;
  return left >= INFINITE ? INFINITE - 1 : (DWORD)left;
}
