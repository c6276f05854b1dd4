#include "linux/init.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/wait.h>

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT};

static void watched(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGCHLD);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaddset(set, forwarded[i]);
}

void cd_signals_block(sigset_t *old) {
  sigset_t set;
  watched(&set);
  sigprocmask(SIG_BLOCK, &set, old);
}

static int exit_status(int status) {
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int cd_supervise(pid_t child, const cd_supervise_options *options) {
  sigset_t set;
  watched(&set);
  for (;;) {
    /* Reap first: the child may have exited before we started waiting. */
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == child)
        return exit_status(status);
    if (pid < 0 && errno == ECHILD)
      return 125; /* cannot happen: CHILD is ours until reaped */
    siginfo_t info;
    int sig = sigwaitinfo(&set, &info);
    if (sig < 0 || sig == SIGCHLD)
      continue;
    kill(options->target, sig == SIGTSTP && options->stop_as_stop ? SIGSTOP : sig);
    /* SIGCONT, when it comes, resumes us and is forwarded like any other. */
    if (sig == SIGTSTP && options->stop_self)
      raise(SIGSTOP);
  }
}
