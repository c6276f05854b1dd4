/* seccomp, apply: load the filter for the options into the calling thread, as
 * compiled at build time.
 *
 * Why at build time: the filter depends only on the options and the architecture,
 * and building it in every `cordon run` (libseccomp's kernel probes, its BPF
 * generation in user space, loading the library) cost 300-450 us of start-up.
 * seccomp_gen.c builds each variant with the same lowering and libseccomp
 * (seccomp_build.c) and writes the BPF programs out as C; here one system call
 * loads one, and cordon does not link libseccomp. The unit tests rebuild every
 * variant from the rule table and compare it with the program compiled in, byte
 * for byte, so a stale program cannot go unnoticed. */
#include <errno.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.h"
#include "linux/seccomp.h"

const cd_seccomp_program *cd_seccomp_program_for(const cd_seccomp_options *options) {
  return &cd_seccomp_programs[options->network != CD_NET_ONLINE][options->no_unix_sockets];
}

int cd_seccomp_apply(const cd_seccomp_options *options, cordon_error *err) {
  const cd_seccomp_program *program = cd_seccomp_program_for(options);
  /* The kernel copies the program in and never writes through the pointer, which
   * struct sock_fprog declares without const. */
  struct sock_fprog prog = {.len = program->len, .filter = (struct sock_filter *)program->insns};
  /* No flags, as libseccomp loaded it: the kernel's own errno on failure. */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    return cd_error_set(err, errno, "seccomp: loading the filter");
  return 0;
}
