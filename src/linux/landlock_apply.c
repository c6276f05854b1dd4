/* Landlock apply: the three system calls, and nothing else. glibc has no wrappers
 * for them, so they go through syscall(2). */
#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "linux/landlock.h"

/* struct landlock_ruleset_attr as of ABI 6 (Debian 12's header has only its first
 * field). A kernel older than a field accepts the larger struct as long as the
 * fields it does not know are zero, which the lowering guarantees for its ABI. */
struct ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};

/* struct landlock_net_port_attr (ABI 4), packed like the kernel's. */
struct net_port_attr {
  uint64_t allowed_access;
  uint64_t port;
} __attribute__((packed));

int cd_landlock_abi_errno(int *errnum) {
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi > 0)
    return (int)abi;
  if (errnum)
    *errnum = errno;
  return 0;
}

int cd_landlock_abi(void) { return cd_landlock_abi_errno(NULL); }

static int add_rule(int ruleset, int type, const void *attr) {
  return (int)syscall(SYS_landlock_add_rule, ruleset, type, attr, 0);
}

static int add_path_rule(int ruleset, const cd_landlock_path_rule *rule, cordon_error *err) {
  /* O_PATH: the rule needs the inode, not the right to read it, and opening a
   * device this way never runs its driver. */
  _cleanup_close_ int fd = open(rule->path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    /* A built-in device that does not exist grants nothing, so skipping it only
     * narrows. A plan path was resolved to exist: if it is gone (or never existed
     * in this root), the plan no longer describes this filesystem; fail closed. */
    if (rule->optional && errno == ENOENT)
      return 0;
    return cd_error_set(err, errno, "Landlock: cannot open '%s'", rule->path);
  }
  struct landlock_path_beneath_attr attr = {.allowed_access = rule->access, .parent_fd = fd};
  if (add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr) < 0)
    return cd_error_set(err, errno, "Landlock: cannot add the rule for '%s'", rule->path);
  return 0;
}

static int add_port_rule(int ruleset, uint16_t port, cordon_error *err) {
  struct net_port_attr attr = {.allowed_access = LANDLOCK_ACCESS_NET_CONNECT_TCP, .port = port};
  if (add_rule(ruleset, LANDLOCK_RULE_NET_PORT, &attr) < 0)
    return cd_error_set(err, errno, "Landlock: cannot allow TCP port %u", port);
  return 0;
}

int cd_landlock_apply(const cd_landlock_ruleset *rules, cordon_error *err) {
  /* The kernel also accepts CAP_SYS_ADMIN instead of no_new_privs; cordon never
   * relies on that, so a caller that forgot no_new_privs is told, even as root. */
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
    return cd_error_set(err, 0, "Landlock: no_new_privs must be set first");
  struct ruleset_attr attr = {
      .handled_access_fs = rules->handled_fs,
      .handled_access_net = rules->handled_net,
      .scoped = rules->scoped,
  };
  _cleanup_close_ int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    return cd_error_set(err, errno, "Landlock: cannot create a ruleset for ABI %d", rules->abi);
  for (size_t i = 0; i < rules->n_rules; i++)
    if (add_path_rule(ruleset, &rules->rules[i], err) < 0)
      return -1;
  for (size_t i = 0; i < rules->n_connect_ports; i++)
    if (add_port_rule(ruleset, rules->connect_ports[i], err) < 0)
      return -1;
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
    return cd_error_set(err, errno, "Landlock: cannot restrict the process");
  return 0;
}
