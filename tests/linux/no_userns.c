/* no_userns CMD [ARGS...]: run CMD as if on a machine where user namespaces are
 * blocked (AppArmor's restriction on newer Ubuntu, a container's seccomp profile),
 * so the end-to-end tests exercise cordon's Landlock + seccomp fallback for real.
 *
 * A seccomp filter makes unshare and setns fail with EPERM, and clone with any
 * CLONE_NEW* flag; clone3, whose flags seccomp cannot read, fails with ENOSYS so
 * libc falls back to clone. Then no_new_privs, then exec. A test tool, not a
 * security boundary: it blocks namespaces and nothing else. */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const unsigned namespace_flags[] = {
    CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWUSER, CLONE_NEWPID,   CLONE_NEWNET, CLONE_NEWTIME,
};

static int block_namespaces(void) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx)
    return -ENOMEM;
  int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0);
  if (rc == 0)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
  if (rc == 0)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  for (size_t i = 0; rc == 0 && i < sizeof namespace_flags / sizeof namespace_flags[0]; i++)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, namespace_flags[i], namespace_flags[i]));
  if (rc == 0)
    rc = seccomp_load(ctx);
  seccomp_release(ctx);
  return rc;
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    fprintf(stderr, "usage: no_userns CMD [ARGS...]\n");
    return 2;
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    fprintf(stderr, "no_userns: no_new_privs: %s\n", strerror(errno));
    return 125;
  }
  int rc = block_namespaces();
  if (rc < 0) {
    fprintf(stderr, "no_userns: seccomp: %s\n", strerror(-rc));
    return 125;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "no_userns: %s: %s\n", argv[1], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
