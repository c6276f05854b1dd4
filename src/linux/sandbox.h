/* The Linux backend: run one command under a plan.
 *
 * With user namespaces (the normal case): user, mount, pid, ipc, uts and, when the
 * network is not online, net namespaces; a root rebuilt from bind mounts; Landlock
 * and seccomp on top. Without them (fallback): Landlock and seccomp alone, for the
 * plans they can express exactly. */
#ifndef CD_LINUX_SANDBOX_H
#define CD_LINUX_SANDBOX_H

#include <stdbool.h>

#include "policy/plan.h"

typedef struct cd_run_options {
  bool require_namespaces; /* refuse the Landlock+seccomp fallback */
} cd_run_options;

/* Run ARGV (searched in PATH) with environment ENVP under PLAN; stdio is passed
 * through. Returns the exit status cordon should exit with: the command's, 128+N
 * if it was killed by signal N, 126/127 if it is not executable / not found. On a
 * cordon error returns -1 with ERR set (the caller exits 125). */
int cd_linux_run(const cd_plan *plan, char *const argv[], char *const envp[],
                 const cd_run_options *options, cordon_error *err);

#endif
