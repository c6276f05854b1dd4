/* Landlock: the sandbox's second, independent layer (filesystem rights, TCP ports,
 * signal and abstract-unix-socket scoping), lowered from the plan as data and then
 * applied. Used at the highest ABI the kernel offers; each ABI adds rights, and a
 * right the kernel does not know is simply not handled.
 *
 * Landlock grants are inherited by everything beneath a path, so a narrower child
 * (a read-only .git inside a writable workspace, a hidden ~/.ssh inside a readable
 * root) cannot be expressed. With namespaces the mount layer enforces those; alone
 * (the fallback), such a plan is refused. */
#ifndef CD_LINUX_LANDLOCK_H
#define CD_LINUX_LANDLOCK_H

#include <linux/landlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/plan.h"

/* Debian 12's <linux/landlock.h> (Linux 6.1) stops at ABI 2; these are the later
 * constants of the kernel's stable UAPI, defined only where the header lacks them. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0) /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define LANDLOCK_RULE_NET_PORT 2
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* The newest ABI whose rights cordon knows; a newer kernel is used at this one. */
#define CD_LANDLOCK_ABI_KNOWN 7

typedef struct cd_landlock_path_rule {
  char *path;      /* absolute, inside the sandbox's root */
  uint64_t access; /* LANDLOCK_ACCESS_FS_* allowed beneath PATH */
  bool optional;   /* a built-in device or pseudo-filesystem: skipped if absent */
} cd_landlock_path_rule;

typedef struct cd_landlock_ruleset {
  int abi;              /* the ABI these rules were lowered for */
  uint64_t handled_fs;  /* LANDLOCK_ACCESS_FS_* restricted */
  uint64_t handled_net; /* LANDLOCK_ACCESS_NET_* restricted (ABI >= 4) */
  uint64_t scoped;      /* LANDLOCK_SCOPE_* (ABI >= 6) */
  cd_landlock_path_rule *rules;
  size_t n_rules;
  uint16_t *connect_ports; /* TCP ports that may be connected to, when handled */
  size_t n_connect_ports;
} cd_landlock_ruleset;

/* The highest Landlock ABI the running kernel offers, 0 when it has none. */
int cd_landlock_abi(void);
/* The same, and when it is 0, why in *ERRNUM: ENOSYS (not built into the kernel) or
 * EOPNOTSUPP (built in, but not enabled at boot). */
int cd_landlock_abi_errno(int *errnum);

/* Lower PLAN for ABI (>= 1). NAMESPACED: the mount layer enforces the plan exactly,
 * inside a sandbox whose /dev, /proc and (when /tmp is writable) /tmp are its own,
 * and a private net namespace isolates offline runs; Landlock adds every right it
 * can express. Not NAMESPACED (the fallback): Landlock is the only filesystem layer,
 * so a plan it cannot express exactly is refused: -1 with ERR naming the entry and
 * the reason. OUT is filled only on success; clear it with
 * cd_landlock_ruleset_clear. */
int cd_landlock_lower(const cd_plan *plan, int abi, bool namespaced, cd_landlock_ruleset *out,
                      cordon_error *err);
/* Restrict the calling thread (no_new_privs must already be set). Every path is
 * opened now: a built-in rule whose path is absent is skipped, a plan path that
 * cannot be opened is an error. */
int cd_landlock_apply(const cd_landlock_ruleset *rules, cordon_error *err);
void cd_landlock_ruleset_clear(cd_landlock_ruleset *rules);

#endif
