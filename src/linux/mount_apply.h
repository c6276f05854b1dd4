/* Apply the mount ops: build the sandbox's root and pivot into it.
 *
 * Runs as pid 1 of the sandbox, inside its new user, mount and pid namespaces, with
 * the capabilities the user namespace grants over them. Uses the new mount API
 * (open_tree, move_mount, fsopen, mount_setattr: Linux >= 5.12) so that every
 * source is cloned once from the host's view and every read-only attribute is set
 * recursively in one call. */
#ifndef CD_LINUX_MOUNT_APPLY_H
#define CD_LINUX_MOUNT_APPLY_H

#include "linux/mount_plan.h"

/* On success the calling process's root and cwd are the new root's "/". */
int cd_mount_apply(const cd_mount_ops *ops, cordon_error *err);

#endif
