/* seccomp, build: the lowered rules as a libseccomp filter, exported as BPF. Run
 * at build time (seccomp_gen.c) and by the unit tests, never by cordon.
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
 * a kill, as for every denial here. The check is part of the exported program. */
#include "linux/seccomp_build.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

/* (arg & MASK) == VALUE on the whole 64-bit argument; with a 32-bit MASK the upper
 * half is ignored, as the kernel ignores it. */
static struct scmp_arg_cmp masked_eq(unsigned arg, uint32_t mask, uint32_t value) {
  return (struct scmp_arg_cmp){.arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask,
                               .datum_b = value};
}

/* Append CMP to OUT while it has room; count it either way. */
static void emit(struct scmp_arg_cmp *out, size_t *n, struct scmp_arg_cmp cmp) {
  if (*n < CD_SECCOMP_MAX_ALTERNATIVES)
    out[*n] = cmp;
  (*n)++;
}

size_t cd_seccomp_cond_alternatives(const cd_seccomp_cond *cond,
                                    struct scmp_arg_cmp out[CD_SECCOMP_MAX_ALTERNATIVES]) {
  size_t n = 0;
  switch (cond->test) {
  case CD_SECCOMP_MASKED_EQ:
    emit(out, &n, masked_eq(cond->arg, cond->mask, cond->value));
    break;
  case CD_SECCOMP_ANY_BIT:
    /* Some bit of the mask is set: one comparison per bit. */
    for (unsigned b = 0; b < 32; b++)
      if (cond->mask & (1u << b))
        emit(out, &n, masked_eq(cond->arg, 1u << b, 1u << b));
    break;
  case CD_SECCOMP_FLAG_EXCEPT:
    /* The flag bits are set and some other bit differs from the exception: one
     * comparison per other bit, requiring it to be the opposite of the exception's.
     * An exception without the flag bits never matches them: no exception at all. */
    if ((cond->value & cond->mask) != cond->mask) {
      emit(out, &n, masked_eq(cond->arg, cond->mask, cond->mask));
      break;
    }
    for (unsigned b = 0; b < 32; b++) {
      uint32_t bit = 1u << b;
      if (!(cond->mask & bit))
        emit(out, &n, masked_eq(cond->arg, cond->mask | bit, cond->mask | (bit & ~cond->value)));
    }
    break;
  case CD_SECCOMP_NOT_IN:
    /* Each unlisted value below the largest listed one, then everything above it in
     * one 64-bit comparison: that one also takes in any value with junk in its
     * upper half, so such a call is refused even when its low half is listed. No
     * real caller passes one: libc sign-extends an int. */
    if (cond->n_values == 0)
      break;
    for (size_t i = 0, v = 0; i < cond->n_values; i++) {
      for (; v < cond->values[i] && n <= CD_SECCOMP_MAX_ALTERNATIVES; v++)
        emit(out, &n, masked_eq(cond->arg, 0xffffffffu, (uint32_t)v));
      v = (size_t)cond->values[i] + 1;
    }
    emit(out, &n, (struct scmp_arg_cmp){.arg = cond->arg, .op = SCMP_CMP_GT,
                                        .datum_a = cond->values[cond->n_values - 1]});
    break;
  }
  return n;
}

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
  /* More conditions than a rule holds is a table bug. The check also bounds DEPTH
   * for the compiler, which at -O3 unrolls the recursion past the arrays. */
  if (depth >= CD_SECCOMP_MAX_CONDS)
    return cd_error_set(err, 0, "adding rule for %s: %zu conditions, more than %d",
                        rule->syscall, rule->n_conds, CD_SECCOMP_MAX_CONDS);
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
  /* When exporting fails, report the system's errno rather than libseccomp's
   * catch-all ECANCELED. */
  rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  if (rc < 0)
    return cd_error_set(err, -rc, "asking for the system's error codes");
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

/* libseccomp 2.5 exports to a file descriptor only: a memfd, read back whole. */
int cd_seccomp_export(scmp_filter_ctx ctx, struct sock_filter **out, size_t *len,
                      cordon_error *err) {
  _cleanup_close_ int fd = memfd_create("cordon-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return cd_error_set(err, errno, "exporting the filter");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0)
    return cd_error_set(err, -rc, "exporting the filter");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return cd_error_set(err, errno, "exporting the filter");
  size_t size = (size_t)st.st_size;
  if (size == 0 || size % sizeof(struct sock_filter) != 0)
    return cd_error_set(err, 0, "exporting the filter: %zu bytes, not whole instructions", size);
  _cleanup_free_ struct sock_filter *insns = malloc(size);
  if (!insns)
    return cd_error_oom(err);
  for (size_t done = 0; done < size;) {
    ssize_t n = pread(fd, (char *)insns + done, size - done, (off_t)done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return cd_error_set(err, n < 0 ? errno : EIO, "reading the exported filter");
    done += (size_t)n;
  }
  *out = CD_TAKE(insns);
  *len = size / sizeof(struct sock_filter);
  return 0;
}
