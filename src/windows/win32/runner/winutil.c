#include "windows/win32/runner/winutil.h"

#include <bcrypt.h>
#include <errno.h>
#include <limits.h>
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

int cd_rn_error(cordon_error *err, DWORD code, const char *fmt, ...) {
  if (!err)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (n < 0)
    err->message[0] = '\0';
  size_t len = strlen(err->message);
  wchar_t text[512];
  DWORD tn = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                            code, 0, text, sizeof text / sizeof text[0], NULL);
  while (tn > 0 && (text[tn - 1] == L'\r' || text[tn - 1] == L'\n' || text[tn - 1] == L'.'))
    text[--tn] = L'\0';
  _cleanup_free_ char *utf8 = tn > 0 ? cd_rn_utf8(text) : NULL;
  if (len < sizeof err->message)
    snprintf(err->message + len, sizeof err->message - len, ": %s (error %lu)",
             utf8 ? utf8 : "unknown error", (unsigned long)code);
  err->errnum = errno_for(code);
  return -1;
}

int cd_rn_fail(cordon_error *err, int errnum, const char *fmt, ...) {
  if (!err)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (n < 0)
    err->message[0] = '\0';
  err->errnum = errnum;
  return -1;
}

wchar_t *cd_rn_wide(const char *utf8) {
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

char *cd_rn_utf8(const wchar_t *wide) {
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

int cd_rn_random_hex(wchar_t *out, size_t n, cordon_error *err) {
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

ULONGLONG cd_rn_deadline(DWORD ms) {
  return ms == INFINITE ? ULLONG_MAX : GetTickCount64() + ms;
}

DWORD cd_rn_remaining(ULONGLONG deadline) {
  if (deadline == ULLONG_MAX)
    return INFINITE;
  ULONGLONG now = GetTickCount64();
  if (now >= deadline)
    return 0;
  ULONGLONG left = deadline - now;
  return left >= INFINITE ? INFINITE - 1 : (DWORD)left;
}
