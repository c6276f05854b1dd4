/* cordon explain: resolve the policy and print the plan, without running anything;
 * with --platform windows, the Windows ops the plan lowers to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/error.h"
#include "policy/plan_json.h"
#include "policy/resolve.h"
#include "windows/cap_sids.h"
#include "windows/ops_json.h"

enum { OPT_JSON = OPT_COMMAND_FIRST, OPT_PLATFORM };

static const char help[] =
    "usage: cordon explain [POLICY FLAGS] [--platform linux|windows] [--json]\n\n"
    "Print the plan the policy resolves to here: which paths are readable, writable,\n"
    "read-only or hidden, the network rules and the environment edits. --json prints\n"
    "one JSON object.\n\n"
    "--platform windows prints what the plan lowers to on Windows instead: capability\n"
    "SIDs (kept in <cordon home>/cap_sids, created if missing), ACEs in apply order,\n"
    "the restricted token, the sandbox identity, firewall rules and WFP filters, as on\n"
    "a machine where `cordon setup` has run. Off Windows the paths are this host's,\n"
    "the sandbox users' SIDs are unknown (shown as <account>) and no Everyone-writable\n"
    "directories are looked for. --platform linux (the default) prints the plan.\n\n"
    CD_POLICY_FLAGS_HELP;

static int explain_windows(const cd_plan *plan, bool json) {
  cordon_error err = {0};
  cd_win_cap_sids caps = {0};
  cd_win_ops ops;
  const char *home = plan->state_dir;
  if (!home) {
    cd_cli_error("explain: cordon home is unknown (set CORDON_HOME)");
    return CD_EXIT_ERROR;
  }
  /* danger-full-access runs unsandboxed: no SIDs to look up. */
  if (plan->mode != CD_MODE_DANGER_FULL_ACCESS &&
      cd_win_cap_sids_get(home, cd_win_workspace_root(plan), cd_win_random_os, NULL, &caps,
                          &err) < 0) {
    cd_cli_error("%s", err.message);
    return CD_EXIT_ERROR;
  }
  cd_win_lower_input in = {.variant = CD_WIN_ELEVATED, .caps = &caps};
  int r = cd_win_lower(plan, &in, &ops, &err);
  cd_win_cap_sids_clear(&caps);
  if (r < 0) {
    cd_cli_error("%s", err.message);
    return CD_EXIT_ERROR;
  }
  int status = 0;
  if (json) {
    json_object *o = cd_win_ops_to_json(&ops);
    const char *text = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                                 JSON_C_TO_STRING_SPACED |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE)
                         : NULL;
    if (text)
      puts(text);
    else
      status = CD_EXIT_ERROR;
    json_object_put(o);
  } else {
    printf("platform: windows (lowered from the plan resolved here; the paths are this "
           "host's)\ncapability SID store: %s/%s\n",
           home, CD_WIN_CAP_SIDS_FILE);
    cd_win_ops_print(&ops, stdout);
  }
  cd_win_ops_clear(&ops);
  return status;
}

int cd_cmd_explain(int argc, char *argv[]) {
  static const struct option options[] = {CD_POLICY_LONG_OPTIONS,
                                          {"json", no_argument, NULL, OPT_JSON},
                                          {"platform", required_argument, NULL, OPT_PLATFORM},
                                          {0}};
  cd_policy_flags flags = {0};
  bool json = false, windows = false;
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
    if (opt == OPT_PLATFORM) {
      if (strcmp(optarg, "linux") != 0 && strcmp(optarg, "windows") != 0) {
        cd_cli_error("explain: --platform %s: expected linux or windows", optarg);
        goto out;
      }
      windows = strcmp(optarg, "windows") == 0;
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
  if (windows) {
    status = explain_windows(plan, json);
  } else if (json) {
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
