/* The parent's side: start a runner as the sandbox identity, connect to it over
 * two private named pipes, and speak the session protocol with bounded waits.
 *
 *   cd_runner *r;
 *   cd_runner_start(&(cd_runner_options){.path = exe, .token = sandbox_token,
 *                   .command_token = &ops.token, .command_user = ops.identity.user},
 *                   &r, &err);
 *   cd_runner_spawn(r, &request, &pid, &err);      // SpawnReady or an error
 *   cd_runner_send(r, &stdin_msg, &err);            // Stdin, CloseStdin, Resize, Terminate
 *   cd_runner_recv(r, &msg, INFINITE, &err);        // Output ... Exit
 *   cd_runner_free(r);                              // kills the runner if still alive
 *
 * Any failure of the handshake (a pipe connected by another process, no
 * connection before the deadline, the runner dying early) kills the runner. */
#ifndef CD_RUNNER_PARENT_H
#define CD_RUNNER_PARENT_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "cordon.h"
#include "session/frame.h"
#include "windows/ops.h"
#include "windows/win32/runner/pipe.h"

/* How long the runner has to connect both pipes, and to answer a SpawnRequest. */
#define CD_RUNNER_HANDSHAKE_MS 10000

/* Start the runner process from COMMAND_LINE with environment block ENV (both
 * prepared by cordon). It must not inherit handles. Fill *PI (the caller closes
 * its handles). The default (NULL) uses CreateProcessAsUserW with the options'
 * token, or CreateProcessW when there is none; the setup part can supply another
 * way to become the sandbox user (a logon with the stored password, say). */
typedef int (*cd_runner_launch_fn)(void *ctx, wchar_t *command_line, wchar_t *env,
                                   PROCESS_INFORMATION *pi, cordon_error *err);

typedef struct cd_runner_options {
  const wchar_t *path;       /* the runner executable (cd_sandbox_bin_install) */
  HANDLE token;              /* the runner's primary token; NULL: the current user */
  DWORD handshake_ms;        /* 0: CD_RUNNER_HANDSHAKE_MS */
  bool shared_desktop;       /* opt out of the per-command private desktop */
  cd_runner_launch_fn launch; /* NULL: the default above */
  void *launch_ctx;
  /* The lowering's token spec for every command (ops.token) and the identity's
   * user (ops.identity.user), passed as --token: the runner starts each command
   * with a restricted copy of its own token. Required when the runner runs as
   * another identity (TOKEN or LAUNCH set): that identity's full token would
   * otherwise be the command's. NULL otherwise: the command inherits the runner's
   * token (the unelevated variant, where the runner itself was started restricted). */
  const cd_win_token *command_token;
  const char *command_user;
} cd_runner_options;

/* The two pipes, created before the runner starts. */
typedef struct cd_runner_pipes {
  wchar_t to_name[CD_RN_PIPE_NAME_MAX], from_name[CD_RN_PIPE_NAME_MAX];
  HANDLE to, from;
} cd_runner_pipes;

/* Create both pipes under fresh random names, admitting only the identity of
 * TOKEN (NULL: the current user). */
int cd_runner_pipes_create(cd_runner_pipes *p, HANDLE token, cordon_error *err);
void cd_runner_pipes_close(cd_runner_pipes *p);

/* Start the runner for pipes P, with a minimal environment: the parent's own may
 * hold secrets (API keys), and a process of the sandbox user could read the
 * runner's memory. Fails, starting nothing, for a runner of another identity
 * without a command token (see cd_runner_options.command_token). */
int cd_runner_launch(const cd_runner_options *opt, const cd_runner_pipes *p,
                     PROCESS_INFORMATION *pi, cordon_error *err);

/* Wait up to TIMEOUT_MS in all for process PID to connect both pipes; refuse a
 * connection from any other process. On failure the runner (PROCESS) is killed
 * and reaped before returning. */
int cd_runner_handshake(cd_runner_pipes *p, HANDLE process, DWORD pid, DWORD timeout_ms,
                        cordon_error *err);

typedef struct cd_runner cd_runner;

/* Pipes, launch, handshake. */
int cd_runner_start(const cd_runner_options *opt, cd_runner **out, cordon_error *err);

/* Send a SpawnRequest and wait (the handshake timeout) for SpawnReady: 0 with *PID,
 * or -1 with ERR; SpawnFailed's message and errno come through ERR. A runner that
 * does not answer in time is killed. */
int cd_runner_spawn(cd_runner *r, const cd_msg *request, uint32_t *pid, cordon_error *err);

/* Send one message (Stdin, CloseStdin, Resize, Terminate), waiting at most the
 * handshake timeout for the runner to take it. */
int cd_runner_send(cd_runner *r, const cd_msg *msg, cordon_error *err);

/* Receive one message within TIMEOUT_MS (INFINITE: as long as the runner lives;
 * its death ends the wait). Returns 1 with MSG (cd_msg_free it), 0 when the runner
 * closed the channel, -1 on error. After a timeout or a malformed frame the
 * channel is unusable: free the runner. */
int cd_runner_recv(cd_runner *r, cd_msg *msg, DWORD timeout_ms, cordon_error *err);

/* The runner's process handle (owned by R). */
HANDLE cd_runner_process(const cd_runner *r);

/* Kill the runner if it still runs (its job, and so the command's tree, goes with
 * it), wait for it within bounds, and release everything. */
void cd_runner_free(cd_runner *r);

#endif
