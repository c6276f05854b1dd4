/* The privileged steps around the sandbox: entering the namespaces, bringing up
 * the private loopback, and giving up every privilege before the command runs. */
#ifndef CD_LINUX_NAMESPACES_H
#define CD_LINUX_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "cordon.h"

/* Start pid 1 of a new sandbox: a child in new user, mount, pid, ipc and uts
 * namespaces, and a net namespace when NET (fork semantics: returns the child's pid
 * in cordon, 0 in the child). cordon itself stays outside every namespace, so its
 * exit does not wait for their teardown. -1 with ERR on failure; *REFUSED tells that
 * the kernel refused the namespaces themselves (AppArmor, a container's seccomp
 * profile, a sysctl), which is what sends cordon to the fallback. */
pid_t cd_namespaces_clone(bool net, bool *refused, cordon_error *err);

/* In the child: map UID and GID (the caller's, read before the clone) to
 * themselves, so the command keeps the caller's identity. */
int cd_namespaces_map_self(uid_t uid, gid_t gid, cordon_error *err);

/* Bring up "lo" in a new net namespace: the command's private loopback. */
int cd_loopback_up(cordon_error *err);

/* Drop every capability (effective, permitted, inheritable, ambient and, when we
 * may, the bounding set), lock root's exec-time capabilities away, and set
 * no_new_privs. After this nothing the command execs can regain a privilege. */
int cd_drop_privileges(cordon_error *err);

#endif
