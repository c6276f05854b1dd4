/* seccomp, build: the lowered rules as a libseccomp filter, and that filter as BPF.
 * Build-time only: seccomp_gen.c compiles every filter cordon can load with it,
 * and the unit tests check those programs against it. cordon itself never links
 * libseccomp (see seccomp_apply.c). */
#ifndef CD_LINUX_SECCOMP_BUILD_H
#define CD_LINUX_SECCOMP_BUILD_H

#include <seccomp.h>

#include "common/cleanup.h"
#include "linux/seccomp.h"

/* The most libseccomp comparisons one condition expands to (CD_SECCOMP_FLAG_EXCEPT
 * on a one-bit mask: one per other bit). */
#define CD_SECCOMP_MAX_ALTERNATIVES 32

/* libseccomp compares one argument once per rule, and conditions within a rule
 * must all hold, so a condition is lowered to alternatives: comparisons any one of
 * which makes it hold. Returns their number; when that exceeds
 * CD_SECCOMP_MAX_ALTERNATIVES only the first ones were written (like snprintf). */
size_t cd_seccomp_cond_alternatives(const cd_seccomp_cond *cond,
                                    struct scmp_arg_cmp out[CD_SECCOMP_MAX_ALTERNATIVES]);

static inline void cd_seccomp_releasep(scmp_filter_ctx *ctx) {
  if (*ctx)
    seccomp_release(*ctx);
}
#define _cleanup_seccomp_ _cleanup_(cd_seccomp_releasep)

/* Build FILTER as a libseccomp context (not loaded): native architecture only, every
 * other one denied (see seccomp_build.c). */
int cd_seccomp_build(const cd_seccomp_filter *filter, scmp_filter_ctx *out, cordon_error *err);

/* CTX as the BPF program the kernel would be given: *OUT (malloc'd) holds *LEN
 * instructions. */
int cd_seccomp_export(scmp_filter_ctx ctx, struct sock_filter **out, size_t *len,
                      cordon_error *err);

#endif
