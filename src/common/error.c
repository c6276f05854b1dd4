#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 4, 0))) static int error_vset(cordon_error *err, int errnum,
                                                           bool spell_out, const char *fmt,
                                                           va_list ap) {
  if (!err)
    return -1;
  if (vsnprintf(err->message, sizeof err->message, fmt, ap) < 0)
    err->message[0] = '\0';
  size_t len = strlen(err->message);
  if (spell_out && errnum != 0 && len < sizeof err->message)
    snprintf(err->message + len, sizeof err->message - len, ": %s", strerror(errnum));
  err->errnum = errnum;
  return -1;
}

int cd_error_set(cordon_error *err, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  error_vset(err, errnum, true, fmt, ap);
  va_end(ap);
  return -1;
}

int cd_error_set_code(cordon_error *err, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  error_vset(err, errnum, false, fmt, ap);
  va_end(ap);
  return -1;
}

int cd_error_prefix(cordon_error *err, const char *fmt, ...) {
  if (!err)
    return -1;
  char context[CORDON_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(context, sizeof context, fmt, ap);
  va_end(ap);
  if (n < 0)
    return -1;
  /* "context: message", cut to fit; the message moves right to make room. */
  size_t size = sizeof err->message;
  size_t clen = strlen(context);
  if (clen > size - 3)
    clen = size - 3;
  size_t mlen = strlen(err->message);
  if (clen + 2 + mlen > size - 1)
    mlen = size - 1 - clen - 2;
  memmove(err->message + clen + 2, err->message, mlen);
  memcpy(err->message, context, clen);
  err->message[clen] = ':';
  err->message[clen + 1] = ' ';
  err->message[clen + 2 + mlen] = '\0';
  return -1;
}

int cd_error_oom(cordon_error *err) {
  return cd_error_set(err, ENOMEM, "out of memory");
}
