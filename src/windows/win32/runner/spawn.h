/* Starting the command of a SpawnRequest inside its job, on its desktop, with its
 * stdio on pipes or on a pseudoconsole. */
#ifndef CD_RUNNER_SPAWN_H
#define CD_RUNNER_SPAWN_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"
#include "session/frame.h"
#include "windows/ops.h"
#include "windows/win32/runner/conpty.h"
#include "windows/win32/runner/desktop.h"

typedef struct cd_rn_child {
  HANDLE process;
  DWORD pid;
  HANDLE job;
  bool tty;
  cd_rn_conpty pty; /* tty: input and output go through here */
  HANDLE input;     /* pipe mode: the write end of the command's stdin */
  HANDLE output[2]; /* pipe mode: read ends of stdout and stderr; tty: [0] only */
  cd_rn_desktop desktop;
} cd_rn_child;

typedef struct cd_rn_spawn_opts {
  bool private_desktop; /* put the command on a desktop of its own */
  /* The lowering's token spec (from --token): the command starts with a restricted
   * copy of the runner's token (cd_launch_restricted). NULL: it inherits the
   * runner's token, which the parent then made restricted already (the unelevated
   * variant). USER: the sandbox user the spec names, or NULL. */
  const cd_win_token *token;
  const char *user;
} cd_rn_spawn_opts;

/* Start REQ's command (a decoded, valid SpawnRequest). On failure nothing is left
 * running, and ERR's errnum says what kind of failure it was (ENOENT: no such
 * program, ...) for SpawnFailed. */
int cd_rn_spawn(const cd_msg *req, const cd_rn_spawn_opts *opts, cd_rn_child *out,
                cordon_error *err);

/* The handle stdin bytes are written to (NULL once closed). */
HANDLE cd_rn_child_input(const cd_rn_child *c);
/* Close stdin: the pipe's write end, or the pseudoconsole's input. */
void cd_rn_child_close_input(cd_rn_child *c);
/* Release everything; the job's processes die with its handle. */
void cd_rn_child_close(cd_rn_child *c);

#endif
