/* cordon run: resolve the policy, then run the command in the sandbox. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/error.h"
#include "linux/sandbox.h"
#include "policy/resolve.h"

enum { OPT_REQUIRE_NAMESPACES = OPT_COMMAND_FIRST };

static const char help[] =
    "usage: cordon run [POLICY FLAGS] [--require-namespaces] -- CMD [ARGS...]\n\n"
    "Run CMD in the sandbox. stdio passes through; the exit status is CMD's,\n"
    "128+N if it was killed by signal N, 126/127 if it is not executable or not\n"
    "found, and 125 with one line on stderr for any cordon error.\n\n"
    "  --require-namespaces   fail instead of falling back to Landlock and seccomp\n"
    "                         alone where user namespaces are unavailable\n\n" CD_POLICY_FLAGS_HELP;

/* Explicit carveouts that do not exist yet are created before the command starts,
 * so the command cannot create them itself and get around the carveout. */
static int create_carveouts(const cd_plan *plan, cordon_error *err) {
  for (size_t i = 0; i < plan->create.len; i++) {
    char *path = strdup(plan->create.items[i]);
    if (!path)
      return cd_error_oom(err);
    for (char *c = path + 1;; c++) {
      if (*c != '/' && *c != '\0')
        continue;
      char saved = *c;
      *c = '\0';
      if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        int e = errno;
        free(path);
        return cd_error_set(err, e, "creating carveout '%s'", plan->create.items[i]);
      }
      *c = saved;
      if (saved == '\0')
        break;
    }
    free(path);
  }
  return 0;
}

int cd_cmd_run(int argc, char *argv[]) {
  static const struct option options[] = {
      CD_POLICY_LONG_OPTIONS,
      {"require-namespaces", no_argument, NULL, OPT_REQUIRE_NAMESPACES},
      {0}};
  cd_policy_flags flags = {0};
  cd_run_options run_options = {0};
  int opt, status = CD_EXIT_ERROR;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
    if (opt == OPT_HELP) {
      fputs(help, stdout);
      status = 0;
      goto out;
    }
    if (opt == OPT_REQUIRE_NAMESPACES) {
      run_options.require_namespaces = true;
      continue;
    }
    int taken = cd_policy_flags_take(&flags, opt, optarg);
    if (taken < 0)
      goto out;
    if (taken == 0) {
      cd_cli_bad_option("run", argv);
      goto out;
    }
  }
  if (optind >= argc) {
    cd_cli_error("run: no command given (cordon run [FLAGS] -- CMD [ARGS...])");
    goto out;
  }

  extern char **environ;
  cordon_error err = {0};
  cd_policy policy;
  cd_policy_init(&policy);
  cd_plan *plan = NULL;
  if (cd_policy_flags_build(&flags, &policy, &err) == 0)
    plan = cd_resolve(&policy, flags.cwd, environ, &err);
  cd_policy_clear(&policy);
  if (!plan) {
    cd_cli_error("%s", err.message);
    goto out;
  }
  char **envp = cd_plan_environment(plan, environ);
  if (!envp)
    cd_error_oom(&err);
  else if (create_carveouts(plan, &err) == 0)
    status = cd_linux_run(plan, argv + optind, envp, &run_options, &err);
  if (!envp || status < 0) {
    cd_cli_error("%s", err.message);
    status = CD_EXIT_ERROR;
  }
  free(envp);
  cd_plan_free(plan);
out:
  cd_policy_flags_clear(&flags);
  return status;
}
