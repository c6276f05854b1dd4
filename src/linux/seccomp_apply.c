/* seccomp, apply: the lowered rules as a libseccomp filter, loaded into the
 * calling thread.
 *
 * Other system call ABIs. On x86_64 a 64-bit process can still make ia32 calls
 * (int 0x80, with i386 numbers, where socketcall and ipc multiplex whole families
 * of calls behind one number with their arguments in memory seccomp cannot read)
 * and x32 calls (x86_64 numbers with bit 30 set). A filter for the native ABI
 * alone would let either walk past every rule. Rather than repeat the table per
 * ABI, and deny socketcall whole there anyway, the filter holds the native
 * architecture only and every other ABI fails with EPERM, through libseccomp's
 * bad-architecture action (it sends x32 numbers there too). No tool an agent runs
 * needs them; a 32-bit program simply cannot run in the sandbox. EPERM rather than
 * a kill, as for every denial here. */
#include <errno.h>

#include "common/error.h"
#include "linux/seccomp.h"

/* Add the libseccomp rules for RULE's conditions from DEPTH on, CHOSEN holding the
 * comparisons picked for the conditions before it: one rule per combination of
 * alternatives, since the conditions must all hold and any alternative makes one
 * hold. */
static int add_combinations(scmp_filter_ctx ctx, const cd_seccomp_rule *rule, int nr,
                            size_t depth, struct scmp_arg_cmp chosen[CD_SECCOMP_MAX_CONDS],
                            cordon_error *err) {
  if (depth == rule->n_conds) {
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(rule->errnum), nr,
                                    (unsigned)rule->n_conds, chosen);
    return rc < 0 ? cd_error_set(err, -rc, "adding rule for %s", rule->syscall) : 0;
  }
  const cd_seccomp_cond *cond = &rule->conds[depth];
  struct scmp_arg_cmp alternatives[CD_SECCOMP_MAX_ALTERNATIVES];
  size_t n = cd_seccomp_cond_alternatives(cond, alternatives);
  /* A condition that lowers to nothing, or to more than fits, is a table bug;
   * refused rather than loaded as a rule that denies less than it says. */
  if (n == 0 || n > CD_SECCOMP_MAX_ALTERNATIVES)
    return cd_error_set(err, 0, "adding rule for %s: condition on a%u lowers to %zu comparisons",
                        rule->syscall, cond->arg, n);
  for (size_t i = 0; i < n; i++) {
    chosen[depth] = alternatives[i];
    if (add_combinations(ctx, rule, nr, depth + 1, chosen, err) < 0)
      return -1;
  }
  return 0;
}

int cd_seccomp_build(const cd_seccomp_filter *filter, scmp_filter_ctx *out, cordon_error *err) {
  _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx)
    return cd_error_set(err, ENOMEM, "creating the filter");
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
  if (rc < 0)
    return cd_error_set(err, -rc, "denying other system call ABIs");
  /* When loading fails, report the kernel's errno rather than libseccomp's
   * catch-all ECANCELED. */
  rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  if (rc < 0)
    return cd_error_set(err, -rc, "asking for the kernel's error codes");
  for (size_t i = 0; i < filter->n_rules; i++) {
    const cd_seccomp_rule *rule = filter->rules[i];
    int nr = seccomp_syscall_resolve_name(rule->syscall);
    if (nr == __NR_SCMP_ERROR)
      return cd_error_set(err, 0, "adding rule for %s: unknown system call", rule->syscall);
    struct scmp_arg_cmp chosen[CD_SECCOMP_MAX_CONDS];
    if (add_combinations(ctx, rule, nr, 0, chosen, err) < 0)
      return -1;
  }
  *out = CD_TAKE(ctx);
  return 0;
}

int cd_seccomp_apply(const cd_seccomp_options *options, cordon_error *err) {
  cd_seccomp_filter filter;
  cd_seccomp_lower(options, &filter);
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  if (cd_seccomp_build(&filter, &ctx, err) < 0)
    return cd_error_prefix(err, "seccomp");
  int rc = seccomp_load(ctx);
  if (rc < 0)
    return cd_error_set(err, -rc, "seccomp: loading the filter");
  return 0;
}
