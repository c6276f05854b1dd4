/* cordon explain: resolve the policy and print the plan, without running anything. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/error.h"
#include "policy/plan_json.h"
#include "policy/resolve.h"

enum { OPT_JSON = OPT_COMMAND_FIRST };

static const char help[] = "usage: cordon explain [POLICY FLAGS] [--json]\n\n"
                           "Print the plan the policy resolves to here: which paths are\n"
                           "readable, writable, read-only or hidden, the network rules and\n"
                           "the environment edits. --json prints one JSON object.\n\n" CD_POLICY_FLAGS_HELP;

int cd_cmd_explain(int argc, char *argv[]) {
  static const struct option options[] = {CD_POLICY_LONG_OPTIONS,
                                          {"json", no_argument, NULL, OPT_JSON},
                                          {0}};
  cd_policy_flags flags = {0};
  bool json = false;
  int opt, status = CD_EXIT_ERROR;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
    if (opt == OPT_HELP) {
      fputs(help, stdout);
      status = 0;
      goto out;
    }
    if (opt == OPT_JSON) {
      json = true;
      continue;
    }
    int taken = cd_policy_flags_take(&flags, opt, optarg);
    if (taken < 0)
      goto out;
    if (taken == 0) {
      cd_cli_bad_option("explain", argv);
      goto out;
    }
  }
  if (optind < argc) {
    cd_cli_error("explain: unexpected argument '%s'", argv[optind]);
    goto out;
  }

  cordon_error err = {0};
  cd_policy policy;
  cd_policy_init(&policy);
  cd_plan *plan = NULL;
  if (cd_policy_flags_build(&flags, &policy, &err) == 0)
    plan = cd_resolve(&policy, flags.cwd, NULL, &err);
  cd_policy_clear(&policy);
  if (!plan) {
    cd_cli_error("%s", err.message);
    goto out;
  }
  if (json) {
    char *text = cordon_plan_to_json(plan);
    if (text)
      puts(text);
    free(text);
    status = text ? 0 : CD_EXIT_ERROR;
  } else {
    cd_plan_print(plan, stdout);
    status = 0;
  }
  cd_plan_free(plan);
out:
  cd_policy_flags_clear(&flags);
  return status;
}
