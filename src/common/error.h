/* Errors, crun-style: a call that can fail returns -1 (or NULL) and fills a
 * cordon_error; each caller up the stack may prefix its own context, so the one
 * line the user sees says what was being done and why it failed. */
#ifndef CD_ERROR_H
#define CD_ERROR_H

#include "cordon.h"

/* Set the message (printf format). When errnum != 0, ": strerror(errnum)" is
 * appended. Returns -1 so callers can `return cd_error_set(...)`. ERR may be NULL. */
int cd_error_set(cordon_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set the message as written and record ERRNUM without spelling it out: for codes
 * whose text would mislead (errno numbers differ between the C runtimes of Linux
 * and Windows). Returns -1. ERR may be NULL. */
int cd_error_set_code(cordon_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message with "context: ". Returns -1. */
int cd_error_prefix(cordon_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Out of memory is reported the same way everywhere. */
int cd_error_oom(cordon_error *err);

#endif
