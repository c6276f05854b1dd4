/* PLACEHOLDER being written */
#include "linux/sandbox.h"
#include "common/error.h"
int cd_linux_run(const cd_plan *plan, char *const argv[], char *const envp[],
                 const cd_run_options *options, cordon_error *err) {
  return cd_error_set(err, 0, "not yet");
}
