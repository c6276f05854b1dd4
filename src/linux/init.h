/* Supervision: wait for a child while forwarding the caller's signals to it.
 *
 * Used twice: by cordon, outside, for the sandbox's pid 1; and by pid 1, inside,
 * for the command. Pid 1 of a pid namespace also inherits every orphan, so it reaps
 * whatever exits; when it exits, the kernel kills everything left in the sandbox. */
#ifndef CD_LINUX_INIT_H
#define CD_LINUX_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Block SIGCHLD and the forwarded signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGWINCH, SIGTSTP, SIGCONT) so none is lost between fork and cd_supervise; OLD
 * gets the previous mask, which a child restores before exec. */
void cd_signals_block(sigset_t *old);

typedef struct cd_supervise_options {
  pid_t target;      /* forwarded signals go here: a pid, or a negative group */
  bool stop_self;    /* after forwarding SIGTSTP, stop as a terminal job would, so the
                      * caller's shell sees the job stopped (cordon, not pid 1) */
  bool stop_as_stop; /* forward SIGTSTP as SIGSTOP: the target's group is orphaned
                      * (it has its own session), and the kernel discards SIGTSTP
                      * sent to an orphaned group */
} cd_supervise_options;

/* Wait for CHILD, forwarding every forwarded signal and reaping any other child
 * that exits. Returns the status to exit with: CHILD's exit code, or 128+N if
 * signal N killed it. */
int cd_supervise(pid_t child, const cd_supervise_options *options);

#endif
