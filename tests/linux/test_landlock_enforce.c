/* Landlock enforcement, for real: a plan is lowered, then applied in a forked
 * child (after no_new_privs) that tries a list of operations and compares each
 * errno with the expected one; the child names the first surprise on stderr and
 * reports it through its exit status. The rules are applied at the running
 * kernel's ABI; expectations that depend on the ABI say so. Lowering as data is
 * in test_landlock_lower.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "landlock_helpers.h"

static int kernel_abi; /* the running kernel's Landlock ABI */

typedef enum op_kind {
  OP_READ,       /* open A read-only */
  OP_LIST,       /* open directory A */
  OP_WRITE,      /* open A like a shell's '>': create or truncate, write-only */
  OP_MKDIR,      /* mkdir A */
  OP_UNLINK,     /* unlink A */
  OP_RENAME,     /* rename A to B */
  OP_LINK,       /* hard-link A as B */
  OP_TRUNCATE,   /* truncate(2) A */
  OP_EXEC,       /* run A, which must exit 0 */
  OP_PTY,        /* open /dev/ptmx, unlock it (ioctl) and open its /dev/pts peer */
  OP_CONNECT,    /* TCP connect to 127.0.0.1:N */
  OP_BIND,       /* TCP bind to 127.0.0.1:N */
  OP_UNIX,       /* connect to the abstract unix socket named A */
  OP_KILL,       /* SIGTERM to pid N */
  OP_KILL_CHILD, /* fork a child and SIGTERM it: inside the domain */
} op_kind;

typedef struct op {
  op_kind kind;
  const char *a, *b;
  long n;
  int want; /* 0 or the errno expected */
} op;

static int ret(int r) { return r < 0 ? errno : 0; }

static int open_ret(const char *path, int flags) {
  int fd = open(path, flags | O_CLOEXEC, 0644);
  if (fd < 0)
    return errno;
  close(fd);
  return 0;
}

static int exec_ret(const char *path) {
  char *argv[] = {(char *)path, NULL};
  pid_t pid;
  int r = posix_spawn(&pid, path, NULL, NULL, argv, (char *[]){NULL});
  if (r)
    return r;
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return errno;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
}

static int pty_ret(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return errno;
  int r = unlockpt(master) < 0 ? errno : 0; /* TIOCSPTLCK: an ioctl on the device */
  char *name = r ? NULL : ptsname(master);
  if (!r)
    r = name ? open_ret(name, O_RDWR | O_NOCTTY) : errno;
  close(master);
  return r;
}

static int tcp_ret(op_kind kind, long port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return errno;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int r = ret(kind == OP_CONNECT ? connect(fd, (struct sockaddr *)&sa, sizeof sa)
                                 : bind(fd, (struct sockaddr *)&sa, sizeof sa));
  close(fd);
  return r;
}

static socklen_t abstract_address(const char *name, struct sockaddr_un *sa) {
  *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
  size_t len = strlen(name);
  memcpy(sa->sun_path + 1, name, len); /* sun_path[0] == '\0': abstract */
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static int unix_ret(const char *name) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return errno;
  struct sockaddr_un sa;
  socklen_t len = abstract_address(name, &sa);
  int r = ret(connect(fd, (struct sockaddr *)&sa, len));
  close(fd);
  return r;
}

static int kill_child_ret(void) {
  pid_t pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  int r = pid < 0 ? errno : ret(kill(pid, SIGTERM));
  if (pid > 0)
    waitpid(pid, NULL, 0);
  return r;
}

static int do_op(const op *o) {
  switch (o->kind) {
  case OP_READ:
    return open_ret(at(o->a), O_RDONLY);
  case OP_LIST:
    return open_ret(at(o->a), O_RDONLY | O_DIRECTORY);
  case OP_WRITE:
    return open_ret(at(o->a), O_WRONLY | O_CREAT | O_TRUNC);
  case OP_MKDIR:
    return ret(mkdir(at(o->a), 0755));
  case OP_UNLINK:
    return ret(unlink(at(o->a)));
  case OP_RENAME:
    return ret(rename(at(o->a), at(o->b)));
  case OP_LINK:
    return ret(link(at(o->a), at(o->b)));
  case OP_TRUNCATE:
    return ret(truncate(at(o->a), 0));
  case OP_EXEC:
    return exec_ret(at(o->a));
  case OP_PTY:
    return pty_ret();
  case OP_CONNECT:
  case OP_BIND:
    return tcp_ret(o->kind, o->n);
  case OP_UNIX:
    return unix_ret(o->a);
  case OP_KILL:
    return ret(kill((pid_t)o->n, SIGTERM));
  case OP_KILL_CHILD:
    return kill_child_ret();
  }
  return EINVAL;
}

static const char *errno_name(int e) { return e ? strerrorname_np(e) : "success"; }

enum { APPLY_FAILED = 100 };

/* In a child: no_new_privs (when NNP), apply RS, then run OPS. Returns the child's
 * exit status: 0 when every op did as expected, 1 + the index of the first that
 * did not, or APPLY_FAILED with the error in *APPLY_ERR. */
static int run_restricted(const cd_landlock_ruleset *rs, bool nnp, const op *ops, size_t n,
                          cordon_error *apply_err) {
  int fds[2];
  assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    cordon_error err = {0};
    if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
      _exit(99);
    if (cd_landlock_apply(rs, &err) < 0) {
      _exit(write(fds[1], &err, sizeof err) == sizeof err ? APPLY_FAILED : 98);
    }
    for (size_t i = 0; i < n; i++) {
      int got = do_op(&ops[i]);
      if (got != ops[i].want) {
        fprintf(stderr, "op %zu (kind %d, %s%s%s, %ld): %s, expected %s\n", i, ops[i].kind,
                ops[i].a ? ops[i].a : "", ops[i].b ? " -> " : "", ops[i].b ? ops[i].b : "",
                ops[i].n, errno_name(got), errno_name(ops[i].want));
        _exit((int)(1 + i));
      }
    }
    _exit(0);
  }
  close(fds[1]);
  *apply_err = (cordon_error){0};
  ssize_t got = read(fds[0], apply_err, sizeof *apply_err);
  close(fds[0]);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(got == 0 || got == (ssize_t)sizeof *apply_err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void expect_ops(const cd_landlock_ruleset *rs, const op *ops, size_t n) {
  cordon_error err;
  int status = run_restricted(rs, true, ops, n, &err);
  if (status == APPLY_FAILED)
    fail_msg("apply failed: %s", err.message);
  if (status != 0)
    fail_msg("child exit %d: op %d did not behave (see stderr)", status, status - 1);
}

/* Lower PLAN at the kernel's ABI and run OPS under it. */
static void expect_plan(const cd_plan *plan, bool namespaced, const op *ops, size_t n) {
  cd_landlock_ruleset rs = {0};
  lower_ok(plan, kernel_abi, namespaced, &rs);
  expect_ops(&rs, ops, n);
  cd_landlock_ruleset_clear(&rs);
}

/* /usr for the programs and their libraries, /etc for the loader's cache. */
static const entry base_plan[] = {
    {CD_PLAN_READABLE_ROOT, "/usr", false},
    {CD_PLAN_READABLE_ROOT, "/etc", false},
    {CD_PLAN_WRITABLE_ROOT, "rw", false},
    {0, NULL, false},
};
static const entry fs_plan[] = {
    {CD_PLAN_READABLE_ROOT, "/usr", false}, {CD_PLAN_READABLE_ROOT, "/etc", false},
    {CD_PLAN_READABLE_ROOT, "ro", false},   {CD_PLAN_WRITABLE_ROOT, "rw", false},
    {CD_PLAN_WRITABLE_ROOT, "rw2", false},  {0, NULL, false},
};

/* The same filesystem rules hold with and without namespaces, for this plan that
 * Landlock expresses exactly. */
static void test_enforce_filesystem(void **state) {
  const int refer = kernel_abi >= 2 ? 0 : EXDEV; /* ABI 1 denies every reparenting */
  const op ops[] = {
      {OP_READ, "ro/f", NULL, 0, 0},
      {OP_LIST, "ro", NULL, 0, 0},
      {OP_READ, "out/f", NULL, 0, EACCES}, /* outside every root */
      {OP_LIST, "out", NULL, 0, EACCES},
      {OP_WRITE, "ro/f", NULL, 0, EACCES}, /* readable root: no writing */
      {OP_WRITE, "ro/new", NULL, 0, EACCES},
      {OP_MKDIR, "ro/dir", NULL, 0, EACCES},
      {OP_UNLINK, "ro/f", NULL, 0, EACCES},
      {OP_WRITE, "out/f", NULL, 0, EACCES},
      {OP_WRITE, "rw/f", NULL, 0, 0}, /* writable root: everything */
      {OP_WRITE, "rw/new", NULL, 0, 0},
      {OP_MKDIR, "rw/dir", NULL, 0, 0},
      {OP_UNLINK, "rw/new", NULL, 0, 0},
      {OP_TRUNCATE, "rw/f", NULL, 0, 0},
      {OP_TRUNCATE, "ro/f", NULL, 0, kernel_abi >= 3 ? EACCES : 0},
      /* REFER: moves inside and between writable roots (same rights) work... */
      {OP_RENAME, "rw/a", "rw/sub/a", 0, refer},
      {OP_RENAME, "rw/b", "rw2/b", 0, refer},
      {OP_LINK, "rw/c", "rw2/c", 0, refer},
      /* ...but a read-only file never gains a writable name (EXDEV: the target
       * grants more than the source), nor leaves its root, nor is one moved in. */
      {OP_LINK, "ro/f", "rw/f-link", 0, EXDEV},
      {OP_RENAME, "ro/f", "rw/moved", 0, EACCES},
      {OP_RENAME, "rw/d", "ro/d", 0, EACCES},
      {OP_EXEC, "ro/true", NULL, 0, 0},
      {OP_EXEC, "rw/true", NULL, 0, 0},
      {OP_EXEC, "out/true", NULL, 0, EACCES},
  };
  for (int namespaced = 1; namespaced >= 0; namespaced--) {
    cd_plan *plan = plan_new(CD_NET_ONLINE, fs_plan);
    expect_plan(plan, namespaced, ops, N_OF(ops));
    cd_plan_free(plan);
    tree_remove(state); /* the ops moved files around: start again */
    tree_create(state);
  }
}

/* The devices and pseudo-filesystems are usable even where no root covers them;
 * /dev/shm only inside the sandbox, where it is private. */
static void test_enforce_devices(void **state) {
  const char *shm = shm_path();
  for (int namespaced = 1; namespaced >= 0; namespaced--) {
    const op ops[] = {
        {OP_WRITE, "/dev/null", NULL, 0, 0},
        {OP_READ, "/dev/zero", NULL, 0, 0},
        {OP_WRITE, "/dev/full", NULL, 0, 0},
        {OP_READ, "/dev/urandom", NULL, 0, 0},
        {OP_READ, "/proc/self/status", NULL, 0, 0},
        {OP_LIST, "/proc", NULL, 0, 0},
        {OP_WRITE, "/proc/self/comm", NULL, 0, EACCES},
        {OP_PTY, NULL, NULL, 0, 0},
        {OP_READ, "/dev/kmsg", NULL, 0, EACCES}, /* not a granted device */
        {OP_WRITE, shm, NULL, 0, namespaced ? 0 : EACCES},
    };
    cd_plan *plan = plan_new(CD_NET_ONLINE, base_plan);
    expect_plan(plan, namespaced, ops, N_OF(ops));
    cd_plan_free(plan);
  }
}

static int tcp_listener(uint16_t *port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true(fd >= 0);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(fd, 16), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  *port = ntohs(sa.sin_port);
  return fd;
}

static void test_enforce_network(void **state) {
  if (kernel_abi < 4) {
    print_message("skipped: Landlock ABI %d has no TCP rules (4 needed)\n", kernel_abi);
    skip();
  }
  uint16_t port, other;
  int listener = tcp_listener(&port), other_listener = tcp_listener(&other);
  assert_int_equal(do_op(&(op){OP_CONNECT, NULL, NULL, port, 0}), 0); /* reachable */

  /* Offline, Landlock alone: no TCP at all, not even the host's loopback. */
  cd_plan *plan = plan_new(CD_NET_OFFLINE, base_plan);
  const op offline[] = {
      {OP_CONNECT, NULL, NULL, port, EACCES},
      {OP_BIND, NULL, NULL, 0, EACCES},
  };
  expect_plan(plan, false, offline, N_OF(offline));

  /* Online: the control. */
  plan->network.mode = CD_NET_ONLINE;
  const op online[] = {{OP_CONNECT, NULL, NULL, port, 0}, {OP_BIND, NULL, NULL, 0, 0}};
  expect_plan(plan, false, online, N_OF(online));

  /* Proxy (namespaced lowering): the proxy port only; binding as allowed. */
  set_proxy(plan, &port, 1, false);
  const op proxy[] = {
      {OP_CONNECT, NULL, NULL, port, 0},
      {OP_CONNECT, NULL, NULL, other, EACCES},
      {OP_BIND, NULL, NULL, 0, EACCES},
  };
  expect_plan(plan, true, proxy, N_OF(proxy));
  plan->network.allow_local_binding = true;
  const op binding[] = {{OP_BIND, NULL, NULL, 0, 0}, {OP_CONNECT, NULL, NULL, other, EACCES}};
  expect_plan(plan, true, binding, N_OF(binding));
  cd_plan_free(plan);
  close(listener);
  close(other_listener);
}

/* The command cannot signal processes outside its domain, nor reach the abstract
 * unix sockets of processes outside it; it still signals its own children. */
static void test_enforce_scopes(void **state) {
  if (kernel_abi < 6) {
    print_message("skipped: Landlock ABI %d has no scopes (6 needed)\n", kernel_abi);
    skip();
  }
  pid_t sibling = fork();
  assert_true(sibling >= 0);
  if (sibling == 0) {
    for (;;)
      pause();
  }
  char name[64];
  snprintf(name, sizeof name, "cordon-landlock-%d", (int)getpid());
  int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true(server >= 0);
  struct sockaddr_un sa;
  socklen_t len = abstract_address(name, &sa);
  assert_int_equal(bind(server, (struct sockaddr *)&sa, len), 0);
  assert_int_equal(listen(server, 16), 0);
  assert_int_equal(unix_ret(name), 0); /* reachable from outside the domain */

  const op ops[] = {
      {OP_KILL, NULL, NULL, sibling, EPERM},
      {OP_UNIX, name, NULL, 0, EPERM},
      {OP_KILL_CHILD, NULL, NULL, 0, 0},
  };
  cd_plan *plan = plan_new(CD_NET_ONLINE, base_plan);
  for (int namespaced = 1; namespaced >= 0; namespaced--)
    expect_plan(plan, namespaced, ops, N_OF(ops));
  cd_plan_free(plan);
  assert_int_equal(kill(sibling, 0), 0); /* still alive */
  assert_int_equal(kill(sibling, SIGKILL), 0);
  assert_int_equal(waitpid(sibling, NULL, 0), sibling);
  close(server);
}

/* A plan path that is gone at apply time fails closed, naming it; a missing
 * built-in device is skipped. */
static void test_apply_missing_paths(void **state) {
  static const entry e[] = {{CD_PLAN_READABLE_ROOT, "ro", false},
                            {CD_PLAN_WRITABLE_ROOT, "gone", false},
                            {0, NULL, false}};
  cd_plan *plan = plan_new(CD_NET_ONLINE, e);
  cd_landlock_ruleset rs = {0};
  lower_ok(plan, kernel_abi, true, &rs);
  cordon_error err;
  assert_int_equal(run_restricted(&rs, true, NULL, 0, &err), APPLY_FAILED);
  char want[PATH_MAX + 64];
  snprintf(want, sizeof want, "Landlock: cannot open '%s': No such file or directory", at("gone"));
  assert_string_equal(err.message, want);
  cd_landlock_ruleset_clear(&rs);
  cd_plan_free(plan);

  plan = plan_new(CD_NET_ONLINE, base_plan);
  lower_ok(plan, kernel_abi, true, &rs);
  cd_landlock_path_rule *null = (cd_landlock_path_rule *)rule_for(&rs, "/dev/null");
  free(null->path);
  null->path = strdup("/dev/cordon-no-such-device");
  const op ops[] = {{OP_READ, "/dev/zero", NULL, 0, 0}, {OP_WRITE, "/dev/null", NULL, 0, EACCES}};
  expect_ops(&rs, ops, N_OF(ops));
  cd_landlock_ruleset_clear(&rs);
  cd_plan_free(plan);
}

/* cordon always sets no_new_privs first; apply says so when it was forgotten, even
 * for root, whom the kernel would let through. */
static void test_apply_requires_no_new_privs(void **state) {
  cd_plan *plan = plan_new(CD_NET_ONLINE, base_plan);
  cd_landlock_ruleset rs = {0};
  lower_ok(plan, kernel_abi, true, &rs);
  cordon_error err;
  assert_int_equal(run_restricted(&rs, false, NULL, 0, &err), APPLY_FAILED);
  assert_string_equal(err.message, "Landlock: no_new_privs must be set first");
  cd_landlock_ruleset_clear(&rs);
  cd_plan_free(plan);
}

int main(void) {
  kernel_abi = cd_landlock_abi();
  if (kernel_abi < 1) {
    /* Lowering is data (test_landlock_lower); enforcement needs the kernel. */
    printf("# enforcement skipped: this kernel has no Landlock\n");
    return 77;
  }
  /* Each test in a fresh tree. */
#define IN_TREE(test) cmocka_unit_test_setup_teardown(test, tree_create, tree_remove)
  const struct CMUnitTest enforcement[] = {
      IN_TREE(test_enforce_filesystem),  IN_TREE(test_enforce_devices),
      IN_TREE(test_enforce_network),     IN_TREE(test_enforce_scopes),
      IN_TREE(test_apply_missing_paths), IN_TREE(test_apply_requires_no_new_privs),
  };
  return cmocka_run_group_tests_name("landlock enforcement", enforcement, NULL, NULL);
}
