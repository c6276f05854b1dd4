/* seccomp tests: the lowered rule table as data, the programs compiled in at build
 * time against what libseccomp builds from the table now, then real enforcement
 * (through cd_seccomp_apply, which loads those programs).
 *
 * Each probe makes one real system call in a forked child that has set
 * no_new_privs and loaded the filter; the child's exit status carries the errno
 * (0: the call succeeded) and the parent asserts on it. A control run of the same
 * probe without the filter shows what the call does otherwise, so an EPERM is
 * known to be the filter's. Probes that cordon denies pass NULL pointers and bad
 * descriptors, so even the control run (as root) changes nothing on the machine.
 *
 * The same probes run under tests/linux/no_userns (path in $NO_USERNS): this
 * binary re-executes itself there as `test_seccomp --probe NAME`. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/error.h"
#include "linux/seccomp.h"
#include "linux/seccomp_build.h"

/* Outcomes beyond errno values (which stay below 250). */
#define PROBE_BROKEN 250  /* the probe could not set its call up */
#define FILTER_FAILED 251 /* the child could not load the filter */
#define KILLED_BY(sig) (1000 + (sig))

typedef struct probe probe;
struct probe {
  const char *name;
  int (*fn)(const probe *p); /* NULL: syscall(nr, a[0..5]) */
  long nr;
  long a[6];
  int denied;        /* the errno cordon's filter makes it fail with; 0: allowed */
  bool network_only; /* denied only when the network is offline or proxy */
};

static int outcome(long r) { return r < 0 ? errno : 0; }

static int wait_for(pid_t pid) {
  int status;
  while (waitpid(pid, &status, __WALL) < 0)
    if (errno != EINTR)
      return PROBE_BROKEN;
  return WIFEXITED(status) ? WEXITSTATUS(status) : KILLED_BY(WTERMSIG(status));
}

static int p_syscall(const probe *p) {
  return outcome(syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4], p->a[5]));
}

/* Raw clone with flags a[0], like fork: the child exits at once. */
static int p_clone(const probe *p) {
  long r = syscall(SYS_clone, p->a[0] | SIGCHLD, NULL, NULL, NULL, 0);
  if (r == 0)
    _exit(0);
  return r < 0 ? errno : wait_for((pid_t)r);
}

static int p_clone3(const probe *p) {
  /* struct clone_args, version 0: flags, pidfd, child_tid, parent_tid,
   * exit_signal, stack, stack_size, tls. */
  uint64_t args[8] = {[4] = SIGCHLD};
  long r = syscall(SYS_clone3, args, sizeof args);
  if (r == 0)
    _exit(0);
  return r < 0 ? errno : wait_for((pid_t)r);
}

static int p_fork(const probe *p) {
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  return pid < 0 ? errno : wait_for(pid);
}

static void *thread_main(void *arg) { return arg; }

/* glibc tries clone3 first and falls back to clone on ENOSYS. */
static int p_pthread(const probe *p) {
  pthread_t t;
  int rc = pthread_create(&t, NULL, thread_main, NULL);
  if (rc == 0)
    rc = pthread_join(t, NULL);
  return rc;
}

static int p_exec_true(const probe *p) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/true", "true", (char *)NULL);
    _exit(errno);
  }
  return pid < 0 ? errno : wait_for(pid);
}

/* ioctl(a[0]) on the terminal side of a fresh pty; the command is passed as a
 * full 64-bit value, so a probe can set its upper half. */
static int p_pty_ioctl(const probe *p) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  char path[64];
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
      ptsname_r(master, path, sizeof path) != 0)
    return PROBE_BROKEN;
  int tty = open(path, O_RDWR | O_NOCTTY);
  if (tty < 0)
    return PROBE_BROKEN;
  char buf[64] = {0}; /* TIOCSTI's byte, TIOCLINUX's subcode, TIOCGWINSZ's winsize */
  return outcome(syscall(SYS_ioctl, tty, p->a[0], buf));
}

static int p_socketpair(const probe *p) {
  int sv[2];
  return outcome(socketpair((int)p->a[0], (int)p->a[1], (int)p->a[2], sv));
}

#if defined(__x86_64__)
/* getpid through the ia32 entry (int 0x80, i386 number 20). */
static int p_ia32_getpid(const probe *p) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
  return ret < 0 ? (int)-ret : 0;
}
#endif

#define SYSCALL(n, ...) .nr = (n), .a = {__VA_ARGS__}
#define HIGH (1L << 32) /* junk in an argument's upper half */

static const probe probes[] = {
    /* Denied whatever the network. */
    {"ioctl TIOCSTI", p_pty_ioctl, .a = {TIOCSTI}, .denied = EPERM},
    {"ioctl TIOCSTI, upper half set", p_pty_ioctl, .a = {HIGH | TIOCSTI}, .denied = EPERM},
    {"ioctl TIOCLINUX", p_pty_ioctl, .a = {TIOCLINUX}, .denied = EPERM},
    {"unshare CLONE_NEWUSER", SYSCALL(SYS_unshare, CLONE_NEWUSER), .denied = EPERM},
    {"unshare CLONE_NEWNET", SYSCALL(SYS_unshare, CLONE_NEWNET), .denied = EPERM},
    {"setns", SYSCALL(SYS_setns, -1, 0), .denied = EPERM},
    {"clone CLONE_NEWNS", p_clone, .a = {CLONE_NEWNS}, .denied = EPERM},
    {"clone CLONE_NEWCGROUP", p_clone, .a = {CLONE_NEWCGROUP}, .denied = EPERM},
    {"clone CLONE_NEWUTS", p_clone, .a = {CLONE_NEWUTS}, .denied = EPERM},
    {"clone CLONE_NEWIPC", p_clone, .a = {CLONE_NEWIPC}, .denied = EPERM},
    {"clone CLONE_NEWUSER", p_clone, .a = {CLONE_NEWUSER}, .denied = EPERM},
    {"clone CLONE_NEWPID", p_clone, .a = {CLONE_NEWPID}, .denied = EPERM},
    {"clone CLONE_NEWNET", p_clone, .a = {CLONE_NEWNET}, .denied = EPERM},
    {"clone CLONE_NEWTIME", p_clone, .a = {CLONE_NEWTIME}, .denied = EPERM},
    {"clone CLONE_NEWUSER, upper half set", p_clone, .a = {HIGH | CLONE_NEWUSER},
     .denied = EPERM},
    {"clone3", p_clone3, .denied = ENOSYS},
    {"mount", SYSCALL(SYS_mount, 0, 0, 0, 0, 0), .denied = EPERM},
    {"umount2", SYSCALL(SYS_umount2, 0, 0), .denied = EPERM},
    {"pivot_root", SYSCALL(SYS_pivot_root, 0, 0), .denied = EPERM},
    {"chroot", SYSCALL(SYS_chroot, 0), .denied = EPERM},
    {"open_tree", SYSCALL(SYS_open_tree, -1, 0, 0), .denied = EPERM},
    {"move_mount", SYSCALL(SYS_move_mount, -1, 0, -1, 0, 0), .denied = EPERM},
    {"fsopen", SYSCALL(SYS_fsopen, 0, 0), .denied = EPERM},
    {"fsconfig", SYSCALL(SYS_fsconfig, -1, 0, 0, 0, 0), .denied = EPERM},
    {"fsmount", SYSCALL(SYS_fsmount, -1, 0, 0), .denied = EPERM},
    {"fspick", SYSCALL(SYS_fspick, -1, 0, 0), .denied = EPERM},
    {"mount_setattr", SYSCALL(SYS_mount_setattr, -1, 0, 0, 0, 0), .denied = EPERM},
    {"ptrace PTRACE_TRACEME", SYSCALL(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0), .denied = EPERM},
    {"process_vm_readv", SYSCALL(SYS_process_vm_readv, 0, 0, 0, 0, 0, 0), .denied = EPERM},
    {"process_vm_writev", SYSCALL(SYS_process_vm_writev, 0, 0, 0, 0, 0, 0), .denied = EPERM},
    {"pidfd_getfd", SYSCALL(SYS_pidfd_getfd, -1, 0, 0), .denied = EPERM},
    {"keyctl KEYCTL_GET_KEYRING_ID",
     SYSCALL(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), .denied = EPERM},
    {"add_key", SYSCALL(SYS_add_key, 0, 0, 0, 0, 0), .denied = EPERM},
    {"request_key", SYSCALL(SYS_request_key, 0, 0, 0, 0), .denied = EPERM},
    {"bpf", SYSCALL(SYS_bpf, 0x7fffffff, 0, 0), .denied = EPERM},
    {"perf_event_open", SYSCALL(SYS_perf_event_open, 0, 0, -1, -1, 0), .denied = EPERM},
    {"userfaultfd", SYSCALL(SYS_userfaultfd, O_CLOEXEC), .denied = EPERM},
    /* Invalid flags: refused before anything is loaded or unloaded. */
    {"kexec_load", SYSCALL(SYS_kexec_load, 0, 0, 0, -1), .denied = EPERM},
    {"kexec_file_load", SYSCALL(SYS_kexec_file_load, -1, -1, 0, 0, -1), .denied = EPERM},
    {"init_module", SYSCALL(SYS_init_module, 0, 0, 0), .denied = EPERM},
    {"finit_module", SYSCALL(SYS_finit_module, -1, 0, 0), .denied = EPERM},
    {"delete_module", SYSCALL(SYS_delete_module, 0, 0), .denied = EPERM},
    {"personality ADDR_NO_RANDOMIZE", SYSCALL(SYS_personality, ADDR_NO_RANDOMIZE),
     .denied = EPERM},
    {"personality ADDR_NO_RANDOMIZE, unused bits set",
     SYSCALL(SYS_personality, 0xf0000000L | ADDR_NO_RANDOMIZE), .denied = EPERM},
    {"personality ADDR_NO_RANDOMIZE, upper half set",
     SYSCALL(SYS_personality, HIGH | ADDR_NO_RANDOMIZE), .denied = EPERM},
    {"io_uring_setup", SYSCALL(SYS_io_uring_setup, 1, 0), .denied = EPERM},
    {"io_uring_enter", SYSCALL(SYS_io_uring_enter, -1, 0, 0, 0, 0, 0), .denied = EPERM},
    {"io_uring_register", SYSCALL(SYS_io_uring_register, -1, 0, 0, 0), .denied = EPERM},
    {"open_by_handle_at", SYSCALL(SYS_open_by_handle_at, -1, 0, 0), .denied = EPERM},
    {"name_to_handle_at", SYSCALL(SYS_name_to_handle_at, -1, 0, 0, 0, 0), .denied = EPERM},
#if defined(__x86_64__)
    /* Other ABIs: every call fails, through the bad-architecture action. */
    {"x32 getpid", SYSCALL(__X32_SYSCALL_BIT | SYS_getpid), .denied = EPERM},
    {"ia32 getpid (int 0x80)", p_ia32_getpid, .denied = EPERM},
#endif

    /* Denied when offline or proxy: every socket but TCP and local ones. */
    {"socket AF_INET SOCK_DGRAM|SOCK_CLOEXEC",
     SYSCALL(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), .denied = EPERM,
     .network_only = true},
    {"socket AF_INET6 SOCK_DGRAM|SOCK_NONBLOCK",
     SYSCALL(SYS_socket, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0), .denied = EPERM,
     .network_only = true},
    {"socket AF_INET SOCK_DGRAM, upper half set",
     SYSCALL(SYS_socket, AF_INET, HIGH | SOCK_DGRAM, 0), .denied = EPERM, .network_only = true},
    {"socket AF_INET SOCK_DGRAM IPPROTO_ICMP (ping)",
     SYSCALL(SYS_socket, AF_INET, SOCK_DGRAM, IPPROTO_ICMP), .denied = EPERM, .network_only = true},
    {"socket AF_INET SOCK_RAW", SYSCALL(SYS_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP),
     .denied = EPERM, .network_only = true},
    {"socket AF_INET6 SOCK_RAW", SYSCALL(SYS_socket, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6),
     .denied = EPERM, .network_only = true},
    {"socket AF_INET SOCK_SEQPACKET IPPROTO_SCTP",
     SYSCALL(SYS_socket, AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP), .denied = EPERM,
     .network_only = true},
    {"socket AF_INET SOCK_STREAM IPPROTO_SCTP",
     SYSCALL(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_SCTP), .denied = EPERM,
     .network_only = true},
    {"socket AF_INET6 SOCK_STREAM IPPROTO_MPTCP",
     SYSCALL(SYS_socket, AF_INET6, SOCK_STREAM, IPPROTO_MPTCP), .denied = EPERM,
     .network_only = true},
    {"socket AF_INET SOCK_PACKET", SYSCALL(SYS_socket, AF_INET, SOCK_PACKET, 0), .denied = EPERM,
     .network_only = true},
    {"socket AF_PACKET", SYSCALL(SYS_socket, AF_PACKET, SOCK_RAW, 0), .denied = EPERM,
     .network_only = true},
    {"socket AF_PACKET, upper half set", SYSCALL(SYS_socket, HIGH | AF_PACKET, SOCK_RAW, 0),
     .denied = EPERM, .network_only = true},
    {"socket AF_VSOCK", SYSCALL(SYS_socket, AF_VSOCK, SOCK_STREAM, 0), .denied = EPERM,
     .network_only = true},

    /* Allowed: what builds and tools do every day. */
    {"fork", .fn = p_fork},
    {"pthread_create", .fn = p_pthread},
    {"clone without namespace flags", p_clone, .a = {0}},
    {"execve /bin/true", .fn = p_exec_true},
    {"socket AF_INET SOCK_STREAM|SOCK_CLOEXEC",
     SYSCALL(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)},
    {"socket AF_INET SOCK_STREAM IPPROTO_TCP",
     SYSCALL(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_TCP)},
    {"socket AF_INET6 SOCK_STREAM", SYSCALL(SYS_socket, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0)},
    {"socket AF_UNIX SOCK_DGRAM", SYSCALL(SYS_socket, AF_UNIX, SOCK_DGRAM, 0)},
    {"socket AF_NETLINK NETLINK_ROUTE", SYSCALL(SYS_socket, AF_NETLINK, SOCK_RAW, 0)},
    {"socketpair AF_UNIX", p_socketpair, .a = {AF_UNIX, SOCK_STREAM, 0}},
    {"personality query", SYSCALL(SYS_personality, 0xffffffffL)},
    {"personality PER_LINUX", SYSCALL(SYS_personality, PER_LINUX)},
    {"ioctl TIOCGWINSZ", p_pty_ioctl, .a = {TIOCGWINSZ}},
};
#define N_PROBES (sizeof probes / sizeof probes[0])

static const probe *find_probe(const char *name) {
  for (size_t i = 0; i < N_PROBES; i++)
    if (strcmp(probes[i].name, name) == 0)
      return &probes[i];
  return NULL;
}

static int call(const probe *p) { return p->fn ? p->fn(p) : p_syscall(p); }

/* Run P in a child, under the filter for OPTIONS (NULL: no filter). */
static int run_probe(const probe *p, const cd_seccomp_options *options) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    cordon_error err = {0};
    if (options && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    cd_seccomp_apply(options, &err) < 0)) {
      fprintf(stderr, "%s\n", err.message);
      _exit(FILTER_FAILED);
    }
    _exit(call(p));
  }
  return wait_for(pid);
}

static const char *describe(int result, char *buf, size_t size) {
  if (result == 0)
    return "success";
  if (result == PROBE_BROKEN)
    return "a broken probe";
  if (result == FILTER_FAILED)
    return "no filter (loading failed)";
  if (result >= KILLED_BY(0))
    snprintf(buf, size, "death by signal %d", result - KILLED_BY(0));
  else
    snprintf(buf, size, "%s", strerrorname_np(result) ? strerrorname_np(result) : "?");
  return buf;
}

static const cd_seccomp_options offline = {.network = CD_NET_OFFLINE};
static const cd_seccomp_options proxy = {.network = CD_NET_PROXY};
static const cd_seccomp_options online = {.network = CD_NET_ONLINE};

/* Which probes a check takes, and what it expects of each. */
typedef enum expectation {
  EXPECT_DENIED,    /* fails with p->denied under the filter */
  EXPECT_UNCHANGED, /* does under the filter what it does without one */
} expectation;

/* Run every probe PICK selects under OPTIONS, print each mismatch, fail if any. */
static void check(bool (*pick)(const probe *p), const cd_seccomp_options *options,
                  expectation expect) {
  int mismatches = 0;
  for (size_t i = 0; i < N_PROBES; i++) {
    const probe *p = &probes[i];
    if (!pick(p))
      continue;
    int control = run_probe(p, NULL);
    int got = run_probe(p, options);
    int want = expect == EXPECT_DENIED ? p->denied : control;
    char b1[64], b2[64];
    if (got != want) {
      print_error("%s (%s): expected %s, got %s\n", p->name, cd_network_name(options->network),
                  describe(want, b1, sizeof b1), describe(got, b2, sizeof b2));
      mismatches++;
    } else if (expect == EXPECT_DENIED && control == want) {
      print_message("note: %s fails with %s even without the filter here: not conclusive\n",
                    p->name, describe(control, b1, sizeof b1));
    } else if (expect == EXPECT_UNCHANGED && control != 0) {
      print_message("note: %s fails with %s here, filter or not\n", p->name,
                    describe(control, b1, sizeof b1));
    }
  }
  assert_int_equal(mismatches, 0);
}

static bool always_denied(const probe *p) { return p->denied && !p->network_only; }
static bool network_denied(const probe *p) { return p->network_only; }
static bool allowed(const probe *p) { return !p->denied; }

static void test_denied_offline(void **state) { check(always_denied, &offline, EXPECT_DENIED); }
static void test_denied_online(void **state) { check(always_denied, &online, EXPECT_DENIED); }
static void test_network_offline(void **state) { check(network_denied, &offline, EXPECT_DENIED); }
static void test_network_proxy(void **state) { check(network_denied, &proxy, EXPECT_DENIED); }
static void test_network_online(void **state) {
  check(network_denied, &online, EXPECT_UNCHANGED);
}
static void test_allowed_offline(void **state) { check(allowed, &offline, EXPECT_UNCHANGED); }
static void test_allowed_online(void **state) { check(allowed, &online, EXPECT_UNCHANGED); }

/* The allowed probes must really succeed here, not just fail alike. */
static void test_allowed_succeed(void **state) {
  static const char *const must[] = {"fork", "pthread_create", "execve /bin/true",
                                     "socket AF_INET SOCK_STREAM|SOCK_CLOEXEC",
                                     "socketpair AF_UNIX", "personality query",
                                     "ioctl TIOCGWINSZ"};
  for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
    const probe *p = find_probe(must[i]);
    assert_non_null(p);
    char b[64];
    int got = run_probe(p, &offline);
    if (got != 0)
      fail_msg("%s under the offline filter: %s", p->name, describe(got, b, sizeof b));
  }
}

/* Lowering: every call the sandbox must deny is in the filter, the network rules
 * only when the network is restricted, and every name means a system call here. */
static bool has_rule(const cd_seccomp_filter *f, const char *syscall) {
  for (size_t i = 0; i < f->n_rules; i++)
    if (strcmp(f->rules[i]->syscall, syscall) == 0)
      return true;
  return false;
}

static void test_lower(void **state) {
  static const char *const always[] = {
      "ioctl", "unshare", "setns", "clone", "clone3", "mount", "umount2", "pivot_root",
      "chroot", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
      "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev", "keyctl",
      "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "kexec_load",
      "kexec_file_load", "init_module", "finit_module", "delete_module", "personality",
      "io_uring_setup", "io_uring_enter", "io_uring_register", "open_by_handle_at",
      "name_to_handle_at"};
  cd_seccomp_filter off, prx, on;
  cd_seccomp_lower(&offline, &off);
  cd_seccomp_lower(&proxy, &prx);
  cd_seccomp_lower(&online, &on);
  for (size_t i = 0; i < sizeof always / sizeof always[0]; i++) {
    assert_true(has_rule(&off, always[i]));
    assert_true(has_rule(&on, always[i]));
  }
  assert_true(has_rule(&off, "socket"));
  assert_false(has_rule(&on, "socket"));
  assert_int_equal(off.n_rules, prx.n_rules);
  assert_true(on.n_rules < off.n_rules);
  for (size_t i = 0; i < off.n_rules; i++) {
    const cd_seccomp_rule *r = off.rules[i];
    assert_true(seccomp_syscall_resolve_name(r->syscall) >= 0);
    assert_true(r->errnum == EPERM || (r->errnum == ENOSYS && !strcmp(r->syscall, "clone3")));
    assert_non_null(r->why);
  }
}

/* What a condition means (the header's words), computed directly. */
static bool reference_holds(const cd_seccomp_cond *c, uint64_t v) {
  uint32_t low = (uint32_t)v;
  switch (c->test) {
  case CD_SECCOMP_MASKED_EQ:
    return (low & c->mask) == c->value;
  case CD_SECCOMP_ANY_BIT:
    return (low & c->mask) != 0;
  case CD_SECCOMP_FLAG_EXCEPT:
    return (low & c->mask) == c->mask && low != c->value;
  case CD_SECCOMP_NOT_IN:
    if (v >> 32)
      return true; /* junk in the upper half: refused */
    for (size_t i = 0; i < c->n_values; i++)
      if (low == c->values[i])
        return false;
    return true;
  }
  return false;
}

/* What libseccomp's comparisons for it make of V. */
static bool alternatives_hold(const struct scmp_arg_cmp *alts, size_t n, uint64_t v) {
  for (size_t i = 0; i < n; i++) {
    if (alts[i].op == SCMP_CMP_MASKED_EQ && (v & alts[i].datum_a) == alts[i].datum_b)
      return true;
    if (alts[i].op == SCMP_CMP_GT && v > alts[i].datum_a)
      return true;
    assert_true(alts[i].op == SCMP_CMP_MASKED_EQ || alts[i].op == SCMP_CMP_GT);
  }
  return false;
}

/* Every condition in the table lowers to comparisons that mean exactly what it
 * says, on small values, single bits, every value it names and their
 * neighbours, each with and without junk in the upper half. */
static void test_alternatives(void **state) {
  cd_seccomp_filter f;
  cd_seccomp_lower(&offline, &f);
  for (size_t r = 0; r < f.n_rules; r++) {
    for (size_t c = 0; c < f.rules[r]->n_conds; c++) {
      const cd_seccomp_cond *cond = &f.rules[r]->conds[c];
      struct scmp_arg_cmp alts[CD_SECCOMP_MAX_ALTERNATIVES];
      size_t n = cd_seccomp_cond_alternatives(cond, alts);
      assert_true(n > 0 && n <= CD_SECCOMP_MAX_ALTERNATIVES);
      for (size_t i = 0; i < n; i++)
        assert_int_equal(alts[i].arg, cond->arg);
      uint64_t samples[256];
      size_t ns = 0;
      for (uint32_t v = 0; v < 64; v++)
        samples[ns++] = v;
      for (unsigned b = 0; b < 32; b++)
        samples[ns++] = 1u << b;
      uint32_t named[] = {cond->mask, cond->value, cond->value ^ cond->mask, 0xffffffffu,
                          0xffffffffu ^ cond->mask, 0xf0000000u | cond->mask};
      for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        samples[ns++] = named[i];
      for (size_t i = 0; i < cond->n_values; i++)
        samples[ns++] = cond->values[i];
      for (size_t i = 0, m = ns; i < m; i++)
        samples[ns++] = samples[i] | 0xffffffff00000000u;
      assert_true(ns <= sizeof samples / sizeof samples[0]);
      for (size_t i = 0; i < ns; i++) {
        if (alternatives_hold(alts, n, samples[i]) != reference_holds(cond, samples[i])) {
          char text[256];
          cd_seccomp_rule_format(f.rules[r], text, sizeof text);
          fail_msg("%s: condition %zu on %#lx", text, c, (unsigned long)samples[i]);
        }
      }
    }
  }
}

static const cd_seccomp_rule *find_rule(const cd_seccomp_filter *f, const char *syscall,
                                        size_t nth) {
  for (size_t i = 0; i < f->n_rules; i++)
    if (strcmp(f->rules[i]->syscall, syscall) == 0 && nth-- == 0)
      return f->rules[i];
  return NULL;
}

static void expect_format(const cd_seccomp_rule *rule, const char *want) {
  assert_non_null(rule);
  char text[256];
  assert_int_equal(cd_seccomp_rule_format(rule, text, sizeof text), (int)strlen(want));
  assert_string_equal(text, want);
}

static void test_format(void **state) {
  cd_seccomp_filter f;
  cd_seccomp_lower(&offline, &f);
  expect_format(find_rule(&f, "ioctl", 0), "ioctl(a1 == 0x5412) -> EPERM: terminal injection");
  expect_format(find_rule(&f, "clone", 0), "clone(a0 & 0x7e020080 != 0) -> EPERM: new namespaces");
  expect_format(find_rule(&f, "clone3", 0),
                "clone3() -> ENOSYS: new namespaces (flags unreadable)");
  expect_format(find_rule(&f, "ptrace", 0), "ptrace() -> EPERM: other processes");
  expect_format(find_rule(&f, "personality", 0),
                "personality(a0 & 0x40000 == 0x40000 && a0 != 0xffffffff) -> EPERM: ASLR off");
  expect_format(find_rule(&f, "socket", 0),
                "socket(a0 not in {1, 2, 10, 16}) -> EPERM: no network but TCP");
  expect_format(find_rule(&f, "socket", 1),
                "socket(a0 == 0x2, a1 & 0xe != 0) -> EPERM: no network but TCP");
  expect_format(find_rule(&f, "socket", 4),
                "socket(a0 == 0xa, a2 not in {0, 6}) -> EPERM: no network but TCP");

  /* Cut short like snprintf: the full length, and a terminated prefix. */
  char small[8];
  int len = cd_seccomp_rule_format(find_rule(&f, "ptrace", 0), small, sizeof small);
  assert_int_equal(len, (int)strlen("ptrace() -> EPERM: other processes"));
  assert_string_equal(small, "ptrace(");
}

/* A rule libseccomp refuses fails the build with the rule's name, and nothing is
 * loaded (the build never loads). */
static void test_build_errors(void **state) {
  static const cd_seccomp_rule unknown = {.syscall = "no_such_call", .errnum = EPERM,
                                          .why = "test"};
  /* libseccomp compares an argument once per rule. */
  static const cd_seccomp_rule twice = {
      .syscall = "ptrace", .errnum = EPERM, .why = "test",
      .conds = {{.arg = 0, .test = CD_SECCOMP_MASKED_EQ, .mask = 1, .value = 1},
                {.arg = 0, .test = CD_SECCOMP_MASKED_EQ, .mask = 2, .value = 2}},
      .n_conds = 2};
  static const cd_seccomp_rule empty = {
      .syscall = "ptrace", .errnum = EPERM, .why = "test",
      .conds = {{.arg = 0, .test = CD_SECCOMP_ANY_BIT, .mask = 0}}, .n_conds = 1};
  /* More conditions than a rule holds: refused before reading past them. */
  static const cd_seccomp_rule too_many = {
      .syscall = "ptrace", .errnum = EPERM, .why = "test",
      .conds = {{.arg = 0, .test = CD_SECCOMP_MASKED_EQ, .mask = 1, .value = 1},
                {.arg = 1, .test = CD_SECCOMP_MASKED_EQ, .mask = 1, .value = 1}},
      .n_conds = CD_SECCOMP_MAX_CONDS + 1};
  struct {
    const cd_seccomp_rule *rule;
    const char *message;
  } cases[] = {
      {&unknown, "adding rule for no_such_call: unknown system call"},
      {&twice, "adding rule for ptrace: Invalid argument"},
      {&empty, "adding rule for ptrace: condition on a0 lowers to 0 comparisons"},
      {&too_many, "adding rule for ptrace: 3 conditions, more than 2"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cd_seccomp_filter f = {.rules = {cases[i].rule}, .n_rules = 1};
    cordon_error err = {0};
    _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
    assert_int_equal(cd_seccomp_build(&f, &ctx, &err), -1);
    assert_null(ctx);
    assert_string_equal(err.message, cases[i].message);
  }
}

/* The filter as built: one rule per alternative, every other ABI denied. */
static void test_build(void **state) {
  cd_seccomp_filter f;
  cd_seccomp_lower(&offline, &f);
  cordon_error err = {0};
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  assert_int_equal(cd_seccomp_build(&f, &ctx, &err), 0);
  assert_non_null(ctx);
  uint32_t badarch = 0;
  assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_BADARCH, &badarch), 0);
  assert_int_equal(badarch, SCMP_ACT_ERRNO(EPERM));
}

/* The programs compiled in at build time (seccomp_gen) are, byte for byte, what
 * libseccomp builds from the rule table now, for every option cordon can pass:
 * a table edited without rebuilding them cannot pass unnoticed. */
static void test_compiled_in(void **state) {
  static const cd_network_mode modes[] = {CD_NET_OFFLINE, CD_NET_PROXY, CD_NET_ONLINE};
  for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
    for (int no_unix = 0; no_unix < 2; no_unix++) {
      cd_seccomp_options options = {.network = modes[m], .no_unix_sockets = no_unix};
      cd_seccomp_filter f;
      cd_seccomp_lower(&options, &f);
      cordon_error err = {0};
      _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
      _cleanup_free_ struct sock_filter *want = NULL;
      size_t len = 0;
      if (cd_seccomp_build(&f, &ctx, &err) < 0 || cd_seccomp_export(ctx, &want, &len, &err) < 0)
        fail_msg("%s", err.message);
      const cd_seccomp_program *got = cd_seccomp_program_for(&options);
      size_t same = 0;
      while (same < got->len && same < len &&
             memcmp(&got->insns[same], &want[same], sizeof want[0]) == 0)
        same++;
      if (same != got->len || same != len)
        fail_msg("network %s, no_unix_sockets %d: the compiled-in program (%u instructions) "
                 "differs at instruction %zu from what libseccomp builds from the table (%zu)",
                 cd_network_name(modes[m]), no_unix, got->len, same, len);
    }
  }
}

/* A refusal is the kernel's own errno: without no_new_privs or CAP_SYS_ADMIN
 * (root gives up its capabilities with setuid), EACCES. */
static void test_apply_error(void **state) {
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
    skip(); /* already set by whoever runs the tests: the load would succeed */
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (getuid() == 0 && setuid(65534) < 0)
      _exit(PROBE_BROKEN);
    cordon_error err = {0};
    if (cd_seccomp_apply(&offline, &err) == 0)
      _exit(0);
    bool as_said = strcmp(err.message, "seccomp: loading the filter: Permission denied") == 0;
    _exit(as_said ? err.errnum : PROBE_BROKEN);
  }
  assert_int_equal(wait_for(pid), EACCES);
}

/* no_userns: run ARGV under $NO_USERNS and return its exit status. */
static int run_no_userns(const char *const argv[]) {
  const char *tool = getenv("NO_USERNS");
  if (!tool)
    skip();
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    const char *args[8] = {tool};
    for (size_t i = 0; argv[i] && i + 2 < sizeof args / sizeof args[0]; i++)
      args[i + 1] = argv[i];
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
      dup2(devnull, STDERR_FILENO); /* unshare's complaint is expected */
    execv(tool, (char *const *)args);
    _exit(PROBE_BROKEN);
  }
  return wait_for(pid);
}

static void test_no_userns_commands(void **state) {
  assert_int_equal(run_no_userns((const char *const[]){"/bin/true", NULL}), 0);
  assert_int_not_equal(run_no_userns((const char *const[]){"unshare", "-U", "true", NULL}), 0);
  assert_int_not_equal(run_no_userns((const char *const[]){"unshare", "-n", "true", NULL}), 0);
  assert_int_equal(run_no_userns((const char *const[]){"/nonexistent/cordon", NULL}), 127);
}

/* The probes, under no_userns: namespaces refused, everything else as usual. */
static void test_no_userns_probes(void **state) {
  static const struct {
    const char *probe;
    int expect;
  } cases[] = {
      {"unshare CLONE_NEWUSER", EPERM},
      {"unshare CLONE_NEWNET", EPERM},
      {"setns", EPERM},
      {"clone CLONE_NEWNS", EPERM},
      {"clone CLONE_NEWCGROUP", EPERM},
      {"clone CLONE_NEWUTS", EPERM},
      {"clone CLONE_NEWIPC", EPERM},
      {"clone CLONE_NEWUSER", EPERM},
      {"clone CLONE_NEWPID", EPERM},
      {"clone CLONE_NEWNET", EPERM},
      {"clone CLONE_NEWTIME", EPERM},
      {"clone3", ENOSYS},
      {"clone without namespace flags", 0},
      {"fork", 0},
      {"pthread_create", 0},
      {"execve /bin/true", 0},
      {"socket AF_INET SOCK_DGRAM|SOCK_CLOEXEC", 0},
  };
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  assert_true(n > 0);
  self[n] = '\0';
  int mismatches = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_non_null(find_probe(cases[i].probe));
    int got = run_no_userns((const char *const[]){self, "--probe", cases[i].probe, NULL});
    char b1[64], b2[64];
    if (got != cases[i].expect) {
      print_error("no_userns, %s: expected %s, got %s\n", cases[i].probe,
                  describe(cases[i].expect, b1, sizeof b1), describe(got, b2, sizeof b2));
      mismatches++;
    }
  }
  assert_int_equal(mismatches, 0);
}

int main(int argc, char *argv[]) {
  /* Probe mode, for test_no_userns_probes: make one call, exit with its outcome. */
  if (argc == 3 && strcmp(argv[1], "--probe") == 0) {
    const probe *p = find_probe(argv[2]);
    return p ? call(p) : PROBE_BROKEN;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lower),
      cmocka_unit_test(test_alternatives),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_build_errors),
      cmocka_unit_test(test_build),
      cmocka_unit_test(test_compiled_in),
      cmocka_unit_test(test_apply_error),
      cmocka_unit_test(test_denied_offline),
      cmocka_unit_test(test_denied_online),
      cmocka_unit_test(test_network_offline),
      cmocka_unit_test(test_network_proxy),
      cmocka_unit_test(test_network_online),
      cmocka_unit_test(test_allowed_offline),
      cmocka_unit_test(test_allowed_online),
      cmocka_unit_test(test_allowed_succeed),
      cmocka_unit_test(test_no_userns_commands),
      cmocka_unit_test(test_no_userns_probes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
