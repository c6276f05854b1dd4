/* Scope-bound ownership, systemd-style: a variable declared _cleanup_free_ is
 * freed when it goes out of scope, so early error returns cannot leak. */
#ifndef CD_CLEANUP_H
#define CD_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void cd_freep(void *p) { free(*(void **)p); }
static inline void cd_fclosep(FILE **f) {
  if (*f)
    fclose(*f);
}
static inline void cd_closep(int *fd) {
  if (*fd >= 0)
    close(*fd);
}

#define _cleanup_free_ _cleanup_(cd_freep)
#define _cleanup_fclose_ _cleanup_(cd_fclosep)
#define _cleanup_close_ _cleanup_(cd_closep)

/* Hand ownership out of a _cleanup_ variable. */
#define CD_TAKE(p)                                                                   \
  ({                                                                                 \
    __typeof__(p) _taken = (p);                                                      \
    (p) = NULL;                                                                      \
    _taken;                                                                          \
  })

#endif
