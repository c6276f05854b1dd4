#include "linux/mount_plan.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* The sandbox's own pseudo-filesystems, slotted into the plan's order. */
static const cd_mount_op own_mounts[] = {
    {.kind = CD_MOUNT_DEV, .target = "/dev", .is_dir = true},
    {.kind = CD_MOUNT_PROC, .target = "/proc", .is_dir = true},
};
#define N_OWN (sizeof own_mounts / sizeof own_mounts[0])

static cd_mount_op op_for(const cd_plan *plan, const cd_plan_path *p) {
  cd_mount_op op = {.source = p->path, .target = p->path, .is_dir = p->is_dir};
  switch (p->kind) {
  case CD_PLAN_WRITABLE_ROOT:
    /* A writable /tmp is the sandbox's own: the command gets a scratch space, and
     * neither sees nor leaves anything in the host's /tmp (other users' sockets and
     * files live there). Workspaces inside /tmp are bound on top of it; a command
     * whose workspace is /tmp itself gets the host's, or its work would be lost. */
    op.kind = strcmp(p->path, "/tmp") == 0 && strcmp(plan->cwd, "/tmp") != 0 ? CD_MOUNT_TMPFS
                                                                               : CD_MOUNT_BIND;
    break;
  case CD_PLAN_READABLE_ROOT:
  case CD_PLAN_DENY_WRITE:
    op.kind = CD_MOUNT_BIND;
    op.readonly = true;
    break;
  case CD_PLAN_DENY_READ:
    op.kind = CD_MOUNT_MASK;
    break;
  }
  return op;
}

/* The op already emitted whose target is the nearest ancestor of TARGET. */
static const cd_mount_op *enclosing(const cd_mount_ops *ops, const char *target) {
  const cd_mount_op *best = NULL;
  for (size_t i = 0; i < ops->len; i++)
    if (cd_path_is_within(target, ops->items[i].target) &&
        (!best || strlen(ops->items[i].target) > strlen(best->target)))
      best = &ops->items[i];
  return best;
}

/* An identity bind inside an identity bind with the same access shows exactly the
 * same files: skipping it saves a mount per sandbox start. */
static bool redundant(const cd_mount_ops *ops, const cd_mount_op *op) {
  if (op->kind != CD_MOUNT_BIND)
    return false;
  const cd_mount_op *outer = enclosing(ops, op->target);
  return outer && outer->kind == CD_MOUNT_BIND && outer->readonly == op->readonly;
}

int cd_mount_plan_lower(const cd_plan *plan, cd_mount_ops *out, cordon_error *err) {
  *out = (cd_mount_ops){0};
  out->items = calloc(plan->n_paths + N_OWN, sizeof *out->items);
  if (!out->items)
    return cd_error_oom(err);
  size_t own = 0;
  for (size_t i = 0; i <= plan->n_paths; i++) {
    const cd_plan_path *p = i < plan->n_paths ? &plan->paths[i] : NULL;
    /* Merge: the sandbox's own mounts go where their path sorts among the plan's. */
    while (own < N_OWN && (!p || strcmp(own_mounts[own].target, p->path) < 0))
      out->items[out->len++] = own_mounts[own++];
    if (!p)
      break;
    for (size_t k = 0; k < N_OWN; k++)
      if (cd_path_is_within(p->path, own_mounts[k].target)) {
        cd_mount_ops_clear(out);
        return cd_error_set(err, 0,
                            "%s '%s': the sandbox has its own %s, so a path in it cannot "
                            "be granted or hidden",
                            cd_plan_kind_name(p->kind), p->path, own_mounts[k].target);
      }
    cd_mount_op op = op_for(plan, p);
    if (!redundant(out, &op))
      out->items[out->len++] = op;
  }
  return 0;
}

void cd_mount_ops_clear(cd_mount_ops *ops) {
  free(ops->items);
  *ops = (cd_mount_ops){0};
}
