#include "winerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"

/* The system's text for CODE on one line, or "" when it has none (WFP and some
 * NetApi codes live in other modules' message tables). */
static void system_text(DWORD code, char *buf, size_t size) {
  DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           NULL, code, MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), buf,
                           (DWORD)size, NULL);
  if (n == 0)
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       code, 0, buf, (DWORD)size, NULL);
  buf[n < size ? n : 0] = '\0';
  /* Messages end in ".\r\n"; the line the user sees must stay one line. */
  for (char *c = buf; *c; c++)
    if (*c == '\r' || *c == '\n')
      *c = ' ';
  size_t len = strlen(buf);
  while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '.'))
    buf[--len] = '\0';
}

static int fill(cordon_error *err, DWORD code, const char *kind, const char *fmt,
                va_list ap) {
  if (!err)
    return -1;
  char what[CORDON_ERROR_MAX / 2];
  vsnprintf(what, sizeof what, fmt, ap);
  char text[CORDON_ERROR_MAX / 2];
  system_text(code, text, sizeof text);
  if (text[0])
    cd_error_set(err, 0, "%s: %s (%s 0x%lx)", what, text, kind, (unsigned long)code);
  else
    cd_error_set(err, 0, "%s: %s 0x%lx", what, kind, (unsigned long)code);
  return -1;
}

int cd_win_error(cordon_error *err, DWORD code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill(err, code, "error", fmt, ap);
  va_end(ap);
  return -1;
}

int cd_hr_error(cordon_error *err, HRESULT hr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fill(err, (DWORD)hr, "HRESULT", fmt, ap);
  va_end(ap);
  return -1;
}
