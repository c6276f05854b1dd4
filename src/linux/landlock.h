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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/plan.h"

typedef struct cd_landlock_path_rule {
  char *path;      /* absolute, inside the sandbox's root */
  uint64_t access; /* LANDLOCK_ACCESS_FS_* allowed beneath PATH */
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

/* Lower PLAN for ABI (>= 1). NAMESPACED: the mount layer enforces the plan exactly,
 * inside a sandbox whose /dev, /proc and (when /tmp is writable) /tmp are its own,
 * and a private net namespace isolates offline runs; Landlock adds every right it
 * can express. Not NAMESPACED (the fallback): Landlock is the only filesystem layer,
 * so a plan it cannot express exactly is refused: -1 with ERR naming the entry and
 * the reason. */
int cd_landlock_lower(const cd_plan *plan, int abi, bool namespaced, cd_landlock_ruleset *out,
                      cordon_error *err);
/* Restrict the calling thread (no_new_privs must already be set). */
int cd_landlock_apply(const cd_landlock_ruleset *rules, cordon_error *err);
void cd_landlock_ruleset_clear(cd_landlock_ruleset *rules);

#endif
