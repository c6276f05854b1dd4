/* The command's restricted token (the elevated variant): the runner starts each
 * command with a restricted copy of its own token from the lowering's spec, and
 * a runner of another identity never starts without one (runner_harness.h). */
#include <string.h>

#include "runner_harness.h"

/* With --token the runner starts the command through cd_launch_restricted, on a
 * private desktop that also admits the logon SID. Wine ignores the token of
 * CreateProcessAsUserW, so what the command may then do is not checked here. */
static int restricted_spawn(void) {
  cd_win_token spec = command_spec();
  cd_runner_options opt = {.path = runner_path, .command_token = &spec};
  char *cmd[] = {helper_utf8, "echo", "restricted"};
  cd_msg req = request(cmd, 3, false);
  cd_runner *r;
  uint32_t pid;
  cordon_error err;
  int s = spawn_with(&opt, &req, &r, &pid, &err);
  CHECK(s != -1, "no runner");
  if (s == 0 &&
      (strstr(err.message, "logon SID") || strstr(err.message, "create the restricted token"))) {
    printf("SKIP: this system cannot build the sandbox's restricted token: %s\n", err.message);
    return SKIP;
  }
  CHECK(s == 1, "spawn: %s", err.message);
  result res;
  STEP(finish(r, &res, 30000));
  CHECK(strcmp(res.out.p, "restricted\n") == 0, "stdout [%s]", res.out.p);
  CHECK(!res.signaled && res.value == 0, "exit %u", res.value);
  return PASS;
}

/* The spec really decides how the command starts: one naming a sandbox user that
 * is not the runner's own (here: not even an account, under Wine) makes the spawn
 * fail, where CreateProcessW would have started it with the runner's full token. */
static int restricted_user_checked(void) {
  cd_win_token spec = command_spec();
  spec.sids[spec.n_sids++].kind = CD_WIN_TOKEN_SANDBOX_USER;
  cd_runner_options opt = {.path = runner_path, .shared_desktop = true, .command_token = &spec,
                           .command_user = CD_WIN_USER_OFFLINE};
  char *cmd[] = {helper_utf8, "echo", "x"};
  cd_msg req = request(cmd, 3, false);
  cordon_error err;
  STEP(spawn_refused(&opt, &req, "started the command as another user", &err));
  CHECK(strstr(err.message, CD_WIN_USER_OFFLINE) || strstr(err.message, "logon SID"),
        "error: %s", err.message);
  return PASS;
}

static int launch_called(void *ctx, wchar_t *cmdline, wchar_t *env, PROCESS_INFORMATION *pi,
                         cordon_error *err) {
  *(bool *)ctx = true;
  return cd_error_set(err, 0, "launched");
}

/* Fail closed: a runner of another identity (a launch hook or a token) is never
 * started without a token spec for its commands. */
static int launch_needs_token(void) {
  bool called = false;
  cd_runner_options opt = {.path = runner_path, .launch = launch_called, .launch_ctx = &called};
  cd_runner *r = NULL;
  cordon_error err = {0};
  CHECK(cd_runner_start(&opt, &r, &err) == -1, "started without a token spec");
  CHECK(!called, "the launch hook ran");
  CHECK(strstr(err.message, "no token spec"), "error: %s", err.message);
  /* With the spec, the hook runs and sees it as one --token word. */
  cd_win_token spec = command_spec();
  opt.command_token = &spec;
  CHECK(cd_runner_start(&opt, &r, &err) == -1 && called, "the launch hook did not run: %s",
        err.message);
  return PASS;
}

static const scenario scenarios[] = {
    SCENARIO(restricted_spawn), SCENARIO(restricted_user_checked), SCENARIO(launch_needs_token),
};

HARNESS_MAIN(scenarios)
