/* cordon run on Linux.
 *
 *   cordon ── clone(new user, mount, pid, ipc, uts[, net] namespaces)
 *     └─ pid 1: uid/gid map, loopback up, new root (mount_apply), setsid, drop
 *               privileges, Landlock, seccomp ── fork
 *          └─ the command (its own process group), fds beyond stdio closed
 *
 * cordon forwards signals to pid 1, pid 1 to the command's process group; pid 1
 * dies with cordon (parent-death signal), and everything in the sandbox dies with
 * pid 1 (the kernel kills a pid namespace whose init exits).
 *
 * Where user namespaces are refused, the fallback runs the command under Landlock
 * and seccomp alone, for the plans they can express exactly. */
#include "linux/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/error.h"
#include "linux/init.h"
#include "linux/landlock.h"
#include "linux/mount_plan.h"
#include "linux/mount_apply.h"
#include "linux/namespaces.h"
#include "linux/seccomp.h"

/* Exit status of a child that failed before the command started; the child has
 * printed the one line that says why. */
#define SETUP_FAILED 125

typedef struct run_ctx {
  const cd_plan *plan;
  char *const *argv;
  char *const *envp;
  sigset_t old_mask;         /* restored in the command */
  uid_t uid;                 /* the caller's, mapped to itself in the sandbox */
  gid_t gid;
  int parent_alive;          /* read end: EOF once cordon is gone */
  bool namespaced;
  cd_mount_ops mounts;       /* namespaced only */
  cd_landlock_ruleset landlock;
  bool use_landlock;
} run_ctx;

static _Noreturn void setup_failed(const cordon_error *err) {
  fprintf(stderr, "cordon: %s\n", err->message);
  _exit(SETUP_FAILED);
}

static int exit_status_for(int error) { return error == ENOENT ? 127 : 126; }

static void report_exec_failure(const char *command, int error) {
  if (error == ENOENT)
    fprintf(stderr, "cordon: %s: command not found\n", command);
  else
    fprintf(stderr, "cordon: %s: %s\n", command, strerror(error));
}

/* The fallback's command replaces the sandbox's only process: the caller's signal
 * mask, and no file descriptor but stdio (an inherited descriptor of a host
 * directory would reach past every path rule). */
static _Noreturn void exec_command(const run_ctx *ctx) {
  sigprocmask(SIG_SETMASK, &ctx->old_mask, NULL);
  close_range(3, ~0U, 0);
  extern char **environ;
  environ = (char **)ctx->envp;
  execvp(ctx->argv[0], ctx->argv);
  int e = errno;
  report_exec_failure(ctx->argv[0], e);
  _exit(exit_status_for(e));
}

/* Pid 1 starts the command with posix_spawn (a vfork, not a copy of pid 1's
 * memory): its own process group (signals from pid 1 reach its whole pipeline),
 * the caller's signal mask, and no file descriptor but stdio, as above. Returns 0,
 * or the errno of the failure, which is the exec's (ENOENT: not found). */
static int spawn_command(const run_ctx *ctx, pid_t *pid) {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  int r = posix_spawnattr_init(&attr);
  if (r != 0)
    return r;
  r = posix_spawn_file_actions_init(&actions);
  if (r == 0) {
    r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    if (r == 0)
      r = posix_spawnattr_setpgroup(&attr, 0);
    if (r == 0)
      r = posix_spawnattr_setsigmask(&attr, &ctx->old_mask);
    if (r == 0)
      r = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (r == 0)
      r = posix_spawnp(pid, ctx->argv[0], &actions, &attr, ctx->argv, ctx->envp);
    posix_spawn_file_actions_destroy(&actions);
  }
  posix_spawnattr_destroy(&attr);
  return r;
}

/* Die when cordon dies, even if it died before the parent-death signal was set. */
static int die_with_parent(int parent_alive, cordon_error *err) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return cd_error_set(err, errno, "setting the parent-death signal");
  struct pollfd p = {.fd = parent_alive, .events = POLLIN};
  if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
    _exit(SETUP_FAILED);
  close(parent_alive);
  return 0;
}

/* What every sandboxed process gives up, in this order: capabilities and
 * no_new_privs first (Landlock and seccomp require no_new_privs), then Landlock,
 * then seccomp last (its filter denies calls the steps before it make). */
static int confine(const run_ctx *ctx, cordon_error *err) {
  if (cd_drop_privileges(err) < 0)
    return -1;
  if (ctx->use_landlock && cd_landlock_apply(&ctx->landlock, err) < 0)
    return -1;
  cd_seccomp_options seccomp = {.network = ctx->plan->network.mode,
                                .no_unix_sockets = !ctx->namespaced};
  return cd_seccomp_apply(&seccomp, err);
}

/* Pid 1 of the sandbox. */
static _Noreturn void run_init(const run_ctx *ctx) {
  cordon_error err = {0};
  if (die_with_parent(ctx->parent_alive, &err) < 0)
    setup_failed(&err);
  /* The caller's descriptors stop here: one of a host directory, reopened by the
   * command through /proc/1/fd, would lead out of the new root. */
  close_range(3, ~0U, 0);
  if (cd_namespaces_map_self(ctx->uid, ctx->gid, &err) < 0)
    setup_failed(&err);
  if (ctx->plan->network.mode != CD_NET_ONLINE && cd_loopback_up(&err) < 0)
    setup_failed(&err);
  if (cd_mount_apply(&ctx->mounts, &err) < 0)
    setup_failed(&err);
  if (chdir(ctx->plan->cwd) < 0) {
    cd_error_set(&err, errno, "entering the working directory '%s'", ctx->plan->cwd);
    setup_failed(&err);
  }
  /* Pid 1 keeps no secret, but its /proc entries (fd, environ, root) are nobody's
   * business inside; not dumpable closes them to the command. (Only now: the
   * uid_map it wrote above belongs to root while it is not dumpable.) */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
    cd_error_set(&err, errno, "PR_SET_DUMPABLE");
    setup_failed(&err);
  }
  /* A new session: the command has no controlling terminal, so it cannot reach
   * the caller's (TIOCSTI is also denied by seccomp). */
  if (setsid() < 0) {
    cd_error_set(&err, errno, "setsid");
    setup_failed(&err);
  }
  if (confine(ctx, &err) < 0)
    setup_failed(&err);
  pid_t command;
  int e = spawn_command(ctx, &command);
  if (e != 0) {
    report_exec_failure(ctx->argv[0], e);
    _exit(exit_status_for(e));
  }
  const cd_supervise_options supervise = {.target = -command};
  _exit(cd_supervise(command, &supervise));
}

/* The fallback's only process: the command itself. */
static _Noreturn void run_alone(const run_ctx *ctx) {
  cordon_error err = {0};
  if (die_with_parent(ctx->parent_alive, &err) < 0)
    setup_failed(&err);
  if (setsid() < 0) {
    cd_error_set(&err, errno, "setsid");
    setup_failed(&err);
  }
  if (chdir(ctx->plan->cwd) < 0) {
    cd_error_set(&err, errno, "entering the working directory '%s'", ctx->plan->cwd);
    setup_failed(&err);
  }
  if (confine(ctx, &err) < 0)
    setup_failed(&err);
  exec_command(ctx);
}

static const char enable_userns[] =
    "enable user namespaces (sysctl kernel.unprivileged_userns_clone=1 or "
    "kernel.apparmor_restrict_unprivileged_userns=0, or allow unshare and clone in the "
    "container's seccomp profile)";

/* Without user namespaces: Landlock + seccomp alone, if they express PLAN exactly. */
static int prepare_fallback(run_ctx *ctx, const cordon_error *why, int abi,
                            const cd_run_options *options, cordon_error *err) {
  if (options->require_namespaces)
    return cd_error_set(err, 0, "%s, and --require-namespaces forbids the fallback", why->message);
  if (abi == 0)
    return cd_error_set(err, 0,
                        "%s and the kernel has no Landlock, so nothing can enforce the plan; %s",
                        why->message, enable_userns);
  cordon_error reason = {0};
  if (cd_landlock_lower(ctx->plan, abi, false, &ctx->landlock, &reason) < 0)
    return cd_error_set(err, 0,
                        "%s, and Landlock and seccomp alone cannot enforce this plan: %s; %s",
                        why->message, reason.message, enable_userns);
  ctx->use_landlock = true;
  return 0;
}

static int exec_unsandboxed(char *const argv[], char *const envp[]) {
  extern char **environ;
  environ = (char **)envp;
  execvp(argv[0], argv);
  int e = errno;
  report_exec_failure(argv[0], e);
  return exit_status_for(e);
}

int cd_linux_run(const cd_plan *plan, char *const argv[], char *const envp[],
                 const cd_run_options *options, cordon_error *err) {
  /* danger-full-access is, by definition, no sandbox: the command replaces cordon. */
  if (plan->mode == CD_MODE_DANGER_FULL_ACCESS)
    return exec_unsandboxed(argv, envp);
  if (plan->network.mode == CD_NET_PROXY)
    return cd_error_set(err, 0,
                        "network 'proxy' is not supported by cordon run on Linux yet; use "
                        "offline or online");

  run_ctx ctx = {.plan = plan, .argv = argv, .envp = envp, .namespaced = true,
                 .uid = getuid(), .gid = getgid()};
  int abi = cd_landlock_abi();
  int r = 0;
  if (cd_mount_plan_lower(plan, &ctx.mounts, err) < 0)
    return -1;
  if (abi > 0) {
    r = cd_landlock_lower(plan, abi, true, &ctx.landlock, err);
    ctx.use_landlock = r == 0;
  }
  int alive[2] = {-1, -1};
  if (r == 0 && pipe2(alive, O_CLOEXEC) < 0)
    r = cd_error_set(err, errno, "pipe");
  if (r < 0)
    goto out;

  cd_signals_block(&ctx.old_mask);
  cordon_error why = {0};
  bool refused = false;
  pid_t pid = cd_namespaces_clone(plan->network.mode != CD_NET_ONLINE, &refused, &why);
  if (pid < 0 && !refused) {
    *err = why;
    r = -1;
  } else if (pid < 0) {
    ctx.namespaced = false;
    cd_landlock_ruleset_clear(&ctx.landlock);
    ctx.use_landlock = false;
    cd_error_prefix(&why, "user namespaces are unavailable");
    r = prepare_fallback(&ctx, &why, abi, options, err);
    /* Without a pid namespace the command can see cordon: keep it out of cordon's
     * /proc entries (its environment still holds what the command's lost). */
    if (r == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
      r = cd_error_set(err, errno, "PR_SET_DUMPABLE");
    pid = r == 0 ? fork() : -1;
    if (r == 0 && pid < 0)
      r = cd_error_set(err, errno, "starting the sandbox");
  }
  if (r == 0 && pid == 0) {
    close(alive[1]);
    ctx.parent_alive = alive[0];
    if (ctx.namespaced)
      run_init(&ctx);
    run_alone(&ctx);
  }
  if (r == 0) {
    close(alive[0]);
    alive[0] = -1;
    /* Pid 1 passes signals on to the command's group; the fallback's command leads
     * its own session and group. */
    const cd_supervise_options supervise = {
        .target = ctx.namespaced ? pid : -pid,
        .stop_self = true,
        .stop_as_stop = !ctx.namespaced,
    };
    r = cd_supervise(pid, &supervise);
  }
  sigprocmask(SIG_SETMASK, &ctx.old_mask, NULL);
out:
  if (alive[0] >= 0)
    close(alive[0]);
  if (alive[1] >= 0)
    close(alive[1]);
  cd_landlock_ruleset_clear(&ctx.landlock);
  cd_mount_ops_clear(&ctx.mounts);
  return r;
}
