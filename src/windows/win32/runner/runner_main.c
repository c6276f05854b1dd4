/* cordon-runner: started by cordon as the sandbox user, serves one command.
 *
 *   cordon-runner --to PIPE --from PIPE --parent PID [--shared-desktop] [--token SPEC]
 *
 * --token: the lowering's token spec (cd_win_token_encode); each command then starts
 * with a restricted copy of the runner's token (the elevated variant, where the
 * runner runs as the sandbox user). A SPEC the decoder refuses is a bad command
 * line: the runner never falls back to starting commands unrestricted.
 * It connects to the parent's two pipes (checking that PID serves them), then
 * speaks the session protocol: one SpawnRequest, the command's life, one Exit.
 * Exit status: 0 when the session ran to its end, 1 when it broke, 2 for a bad
 * command line. Errors have nowhere to go before the pipes are up; after that they
 * reach the parent as SpawnFailed, or as the channel closing. */
#include <stdbool.h>
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>

#include "windows/ops.h"
#include "windows/win32/common/winutil.h"
#include "windows/win32/runner/parent.h"
#include "windows/win32/runner/pipe.h"
#include "windows/win32/runner/session.h"

typedef struct args {
  const wchar_t *to, *from;
  DWORD parent;
  bool shared_desktop;
  bool restricted;
  cd_win_token token;
  const char *user;
} args;

static bool parse(int argc, wchar_t **argv, args *a) {
  *a = (args){0};
  for (int i = 1; i < argc; i++) {
    const wchar_t *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (wcscmp(argv[i], L"--shared-desktop") == 0) {
      a->shared_desktop = true;
    } else if (v && wcscmp(argv[i], L"--to") == 0) {
      a->to = v;
      i++;
    } else if (v && wcscmp(argv[i], L"--from") == 0) {
      a->from = v;
      i++;
    } else if (v && wcscmp(argv[i], L"--token") == 0) {
      _cleanup_free_ char *spec = cd_utf8(v);
      cordon_error err = {0};
      if (a->restricted || !spec || cd_win_token_decode(spec, &a->token, &a->user, &err) < 0)
        return false;
      a->restricted = true;
      i++;
    } else if (v && wcscmp(argv[i], L"--parent") == 0) {
      wchar_t *end;
      unsigned long pid = wcstoul(v, &end, 10);
      if (*end || pid == 0 || pid > MAXDWORD)
        return false;
      a->parent = (DWORD)pid;
      i++;
    } else {
      return false;
    }
  }
  return a->to && a->from && a->parent;
}

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv) {
  /* No error dialogs for the runner or, inherited, for the command: on a private
   * desktop nobody could answer them, and the command would hang. */
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
  args a;
  if (!parse(argc, argv, &a))
    return 2;
  cordon_error err = {0};
  HANDLE in, out;
  if (cd_rn_pipe_open(a.to, CD_RN_TO_RUNNER, a.parent, &in, &err) < 0)
    return 1;
  if (cd_rn_pipe_open(a.from, CD_RN_FROM_RUNNER, a.parent, &out, &err) < 0) {
    CloseHandle(in);
    return 1;
  }
  cd_rn_channel ch;
  if (cd_rn_channel_open(&ch, in, out, &err) < 0)
    return 1;
  cd_rn_spawn_opts opts = {.private_desktop = !a.shared_desktop,
                           .token = a.restricted ? &a.token : NULL,
                           .user = a.user};
  int r = cd_rn_session_run(&ch, CD_RUNNER_HANDSHAKE_MS, &opts, &err);
  cd_rn_channel_close(&ch);
  return r < 0 ? 1 : 0;
}
