/* seccomp: the system calls no sandboxed command may make, lowered as data and
 * loaded with libseccomp. Denied calls fail with EPERM (never a kill), so tools
 * fall back gracefully.
 *
 * Lowering (seccomp.c) is pure: options -> the rules of the filter, each a system
 * call name and argument conditions, printable with cd_seccomp_rule_format.
 * Applying (seccomp_apply.c) turns them into libseccomp rules and loads them. */
#ifndef CD_LINUX_SECCOMP_H
#define CD_LINUX_SECCOMP_H

#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cleanup.h"
#include "policy/plan.h"

typedef struct cd_seccomp_options {
  cd_network_mode network; /* offline and proxy also deny every socket but TCP and local ones */
  bool no_unix_sockets;    /* deny socket(AF_UNIX): the fallback, where no mount hides the
                            * host's sockets (socketpair stays: it reaches nothing) */
} cd_seccomp_options;

/* What a condition tests on one argument. Every test reads the argument's low 32
 * bits only: each argument tested is an int or unsigned int to the kernel (clone's
 * flags too: the kernel truncates them), so the upper half of the register is junk
 * a caller could set to slip past a 64-bit comparison. */
typedef enum cd_seccomp_test {
  CD_SECCOMP_MASKED_EQ,   /* (arg & mask) == value */
  CD_SECCOMP_ANY_BIT,     /* (arg & mask) != 0 */
  CD_SECCOMP_FLAG_EXCEPT, /* (arg & mask) == mask, and arg != value */
  CD_SECCOMP_NOT_IN,      /* arg is none of values[] (sorted ascending); a value with
                           * junk in its upper half counts as none of them */
} cd_seccomp_test;

#define CD_SECCOMP_MAX_VALUES 4
#define CD_SECCOMP_MAX_CONDS 2

typedef struct cd_seccomp_cond {
  unsigned arg; /* 0-5 */
  cd_seccomp_test test;
  uint32_t mask;
  uint32_t value;
  uint32_t values[CD_SECCOMP_MAX_VALUES]; /* CD_SECCOMP_NOT_IN */
  size_t n_values;
} cd_seccomp_cond;

/* One denial: SYSCALL fails with ERRNUM when every condition holds (none: always). */
typedef struct cd_seccomp_rule {
  const char *syscall; /* resolved by name for the native architecture */
  int errnum;
  const char *why;
  bool restricted_network; /* only when the network is offline or proxy */
  bool no_unix_sockets;    /* only with cd_seccomp_options.no_unix_sockets */
  cd_seccomp_cond conds[CD_SECCOMP_MAX_CONDS];
  size_t n_conds;
} cd_seccomp_rule;

#define CD_SECCOMP_MAX_RULES 64

/* The lowered filter: pointers into cordon's static rule table, in table order. */
typedef struct cd_seccomp_filter {
  const cd_seccomp_rule *rules[CD_SECCOMP_MAX_RULES];
  size_t n_rules;
} cd_seccomp_filter;

/* The most libseccomp comparisons one condition expands to (CD_SECCOMP_FLAG_EXCEPT
 * on a one-bit mask: one per other bit). */
#define CD_SECCOMP_MAX_ALTERNATIVES 32

/* Lower: the rules of the filter for OPTIONS. Pure. */
void cd_seccomp_lower(const cd_seccomp_options *options, cd_seccomp_filter *out);

/* libseccomp compares one argument once per rule, and conditions within a rule
 * must all hold, so a condition is lowered to alternatives: comparisons any one of
 * which makes it hold. Returns their number; when that exceeds
 * CD_SECCOMP_MAX_ALTERNATIVES only the first ones were written (like snprintf). */
size_t cd_seccomp_cond_alternatives(const cd_seccomp_cond *cond,
                                    struct scmp_arg_cmp out[CD_SECCOMP_MAX_ALTERNATIVES]);

/* RULE as one line, e.g. "clone(a0 & 0x7e020080 != 0) -> EPERM: new namespaces".
 * Returns snprintf's result. */
int cd_seccomp_rule_format(const cd_seccomp_rule *rule, char *buf, size_t size);

static inline void cd_seccomp_releasep(scmp_filter_ctx *ctx) {
  if (*ctx)
    seccomp_release(*ctx);
}
#define _cleanup_seccomp_ _cleanup_(cd_seccomp_releasep)

/* Build FILTER as a libseccomp context (not loaded): native architecture only, every
 * other one denied (see seccomp_apply.c). */
int cd_seccomp_build(const cd_seccomp_filter *filter, scmp_filter_ctx *out, cordon_error *err);

/* Load the filter into the calling thread (no_new_privs must already be set). */
int cd_seccomp_apply(const cd_seccomp_options *options, cordon_error *err);

#endif
