/* seccomp: the system calls no sandboxed command may make, lowered as data and
 * loaded with libseccomp. Denied calls fail with EPERM (never a kill), so tools
 * fall back gracefully. */
#ifndef CD_LINUX_SECCOMP_H
#define CD_LINUX_SECCOMP_H

#include <stdbool.h>

#include "policy/plan.h"

typedef struct cd_seccomp_options {
  cd_network_mode network; /* offline and proxy also deny UDP and raw sockets */
} cd_seccomp_options;

/* Load the filter into the calling thread (no_new_privs must already be set). */
int cd_seccomp_apply(const cd_seccomp_options *options, cordon_error *err);

#endif
