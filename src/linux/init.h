/* Supervision: wait for a child while forwarding the caller's signals to it.
 *
 * Used twice: by cordon, outside, for the sandbox's pid 1; and by pid 1, inside,
 * for the command. Pid 1 of a pid namespace also inherits every orphan, so it reaps
 * whatever exits; when it exits, the kernel kills everything left in the sandbox. */
#ifndef CD_LINUX_INIT_H
#define CD_LINUX_INIT_H

#include <signal.h>
#include <sys/types.h>

/* Block SIGCHLD and the forwarded signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGWINCH) so none is lost between fork and cd_supervise; OLD gets the previous
 * mask, which a child restores before exec. */
void cd_signals_block(sigset_t *old);

/* Wait for CHILD, forwarding every forwarded signal to TARGET (a pid, or a negative
 * process group) and reaping any other child that exits. Returns the status to exit
 * with: CHILD's exit code, or 128+N if signal N killed it. */
int cd_supervise(pid_t child, pid_t target);

#endif
