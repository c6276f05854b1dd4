/* Starting processes as the sandbox identities.
 *
 *  - cd_launch_restricted: a child with a restricted copy of this process's own
 *    token (cd_token_restricted). A process may always do this without any
 *    privilege, so it serves both variants: the unelevated parent for its command
 *    (or its runner), and the runner, already running as a sandbox user, for each
 *    command in the elevated variant (restricting SIDs plus the user's own SID).
 *  - cd_launch_logon: the runner as a sandbox user, from the stored password. It
 *    is a cd_runner_launch_fn (runner/parent.h). CreateProcessAsUserW with a
 *    LogonUserW token needs SeAssignPrimaryTokenPrivilege, which neither users nor
 *    administrators hold, so the process is created by the Secondary Logon service
 *    (CreateProcessWithLogonW), which needs none. Call cd_user_logon first for the
 *    token the runner's pipe DACL names (cd_runner_options.token). */
#ifndef CD_WIN_COMMON_LAUNCH_H
#define CD_WIN_COMMON_LAUNCH_H

#include <windows.h>

#include "cordon.h"
#include "windows/ops.h"

typedef struct cd_launch {
  const wchar_t *application; /* NULL: the first word of command_line */
  wchar_t *command_line;      /* writable, as CreateProcess wants */
  DWORD flags;                /* CREATE_UNICODE_ENVIRONMENT is added */
  void *environment;          /* a UTF-16 block, or NULL: the caller's */
  const wchar_t *cwd;         /* NULL: the caller's */
  STARTUPINFOW *startup;      /* may be a STARTUPINFOEXW (with the flag set) */
  BOOL inherit_handles;
} cd_launch;

/* SPEC, USER: as cd_token_restricted takes them. */
int cd_launch_restricted(const cd_win_token *spec, const char *user, const cd_launch *l,
                         PROCESS_INFORMATION *pi, cordon_error *err);

typedef struct cd_logon_launch {
  const char *user;     /* CD_WIN_USER_OFFLINE or CD_WIN_USER_ONLINE */
  const char *password; /* from cd_secret_load */
} cd_logon_launch;

/* CTX is a cd_logon_launch. The child has no window and inherits no handle. */
int cd_launch_logon(void *ctx, wchar_t *command_line, wchar_t *env, PROCESS_INFORMATION *pi,
                    cordon_error *err);

#endif
