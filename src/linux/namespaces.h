/* The privileged steps around the sandbox: entering the namespaces, bringing up
 * the private loopback, and giving up every privilege before the command runs. */
#ifndef CD_LINUX_NAMESPACES_H
#define CD_LINUX_NAMESPACES_H

#include <stdbool.h>

#include "cordon.h"

/* Enter new user (mapping the caller's uid and gid to themselves), mount, pid, ipc
 * and uts namespaces, and a net namespace when NET. The caller stays in its pid
 * namespace: its next child is pid 1 of the new one. -1 with ERR on failure;
 * *REFUSED tells that the kernel refused the namespaces themselves (AppArmor, a
 * container's seccomp profile, a sysctl), which is what sends cordon to the
 * fallback; any later failure is an error. */
int cd_namespaces_enter(bool net, bool *refused, cordon_error *err);

/* Bring up "lo" in a new net namespace: the command's private loopback. */
int cd_loopback_up(cordon_error *err);

/* Drop every capability (effective, permitted, inheritable, ambient and, when we
 * may, the bounding set), lock root's exec-time capabilities away, and set
 * no_new_privs. After this nothing the command execs can regain a privilege. */
int cd_drop_privileges(cordon_error *err);

#endif
