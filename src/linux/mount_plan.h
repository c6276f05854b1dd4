/* Lowering for the mount layer: plan -> the ordered mount operations that build the
 * sandbox's root. Pure data, so it is unit-tested without mounting anything.
 *
 * The root is built from the plan's paths in sorted order (parents first), so a
 * nested carveout is mounted after, and on top of, the root that holds it: a
 * read-only .git over a writable workspace, a writable docs/tmp over a read-only
 * docs, an empty mask over ~/.ssh. The sandbox's own /dev, /proc, /tmp and
 * /dev/shm are slotted into the same order. */
#ifndef CD_LINUX_MOUNT_PLAN_H
#define CD_LINUX_MOUNT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/plan.h"

typedef enum cd_mount_kind {
  CD_MOUNT_BIND,       /* SOURCE (host path, recursively) at TARGET; READONLY or not */
  CD_MOUNT_MASK,       /* hide TARGET: an empty read-only directory, or /dev/null for a file */
  CD_MOUNT_TMPFS,      /* a private, empty, writable tmpfs at TARGET (/tmp, /dev/shm) */
  CD_MOUNT_DEV,        /* the minimal /dev at TARGET: a tmpfs with device binds, devpts */
  CD_MOUNT_PROC,       /* a fresh procfs for the sandbox's pid namespace at TARGET */
} cd_mount_kind;

typedef struct cd_mount_op {
  cd_mount_kind kind;
  const char *source; /* CD_MOUNT_BIND: the host path (borrowed from the plan) */
  const char *target; /* absolute path inside the sandbox (borrowed or static) */
  bool readonly;      /* CD_MOUNT_BIND */
  bool is_dir;        /* CD_MOUNT_BIND, CD_MOUNT_MASK: directory, or a file */
} cd_mount_op;

typedef struct cd_mount_ops {
  cd_mount_op *items;
  size_t len;
} cd_mount_ops;

/* Lower PLAN. The ops borrow strings from PLAN, which must outlive them. Refused:
 * a plan path inside /dev or /proc (the sandbox has its own), with a message
 * naming it. */
int cd_mount_plan_lower(const cd_plan *plan, cd_mount_ops *out, cordon_error *err);
void cd_mount_ops_clear(cd_mount_ops *ops);

#endif
