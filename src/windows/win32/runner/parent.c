#include "windows/win32/runner/parent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/error.h"
#include "windows/win32/runner/handle_io.h"
#include "windows/win32/common/winutil.h"

/* How long a killed runner may take to disappear. */
#define REAP_MS 5000

struct cd_runner {
  cd_runner_pipes pipes;
  PROCESS_INFORMATION pi;
  DWORD handshake_ms;
  cd_rn_stream to, from;
  cd_io to_io, from_io;
  bool broken;
};

int cd_runner_pipes_create(cd_runner_pipes *p, HANDLE token, cordon_error *err) {
  *p = (cd_runner_pipes){0};
  wchar_t suffix[33];
  if (cd_win_random_hex(suffix, 16, err) < 0)
    return -1;
  cd_rn_pipe_name(p->to_name, suffix, CD_RN_TO_RUNNER);
  cd_rn_pipe_name(p->from_name, suffix, CD_RN_FROM_RUNNER);
  cd_rn_identity id;
  if (cd_rn_identity_from_token(token, false, &id, err) < 0)
    return cd_error_prefix(err, "the runner's identity");
  int r = cd_rn_pipe_create(p->to_name, CD_RN_TO_RUNNER, &id, &p->to, err);
  if (r == 0)
    r = cd_rn_pipe_create(p->from_name, CD_RN_FROM_RUNNER, &id, &p->from, err);
  cd_rn_identity_free(&id);
  if (r < 0)
    cd_runner_pipes_close(p);
  return r;
}

void cd_runner_pipes_close(cd_runner_pipes *p) {
  cd_win_closep(&p->to);
  cd_win_closep(&p->from);
  p->to = p->from = NULL;
}

/* The variables Windows itself needs to load a program and its DLLs; nothing of
 * the parent's environment beyond them. */
static wchar_t *minimal_env(void) {
  static const wchar_t *const keep[] = {L"SystemDrive", L"SystemRoot", L"windir"};
  size_t cap = 1, len = 0;
  wchar_t values[3][MAX_PATH];
  DWORD n[3];
  for (int i = 0; i < 3; i++) {
    n[i] = GetEnvironmentVariableW(keep[i], values[i], MAX_PATH);
    if (n[i] >= MAX_PATH)
      n[i] = 0;
    if (n[i])
      cap += wcslen(keep[i]) + 1 + n[i] + 1;
  }
  wchar_t *block = malloc((cap + 1) * sizeof *block);
  if (!block)
    return NULL;
  for (int i = 0; i < 3; i++)
    if (n[i])
      len += (size_t)swprintf(block + len, cap - len, L"%ls=%ls", keep[i], values[i]) + 1;
  block[len++] = L'\0';
  block[len] = L'\0';
  return block;
}

static int default_launch(const cd_runner_options *opt, wchar_t *cmdline, wchar_t *env,
                          PROCESS_INFORMATION *pi, cordon_error *err) {
  STARTUPINFOW si = {.cb = sizeof si};
  /* A hidden console of its own; no handles inherited (the pipes are opened by
   * name, so the runner gets nothing of the parent's). */
  DWORD flags = CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW;
  BOOL ok = opt->token ? CreateProcessAsUserW(opt->token, opt->path, cmdline, NULL, NULL, FALSE,
                                              flags, env, NULL, &si, pi)
                       : CreateProcessW(opt->path, cmdline, NULL, NULL, FALSE, flags, env, NULL,
                                        &si, pi);
  if (!ok)
    return cd_win_error(err, GetLastError(), "start the runner");
  return 0;
}

int cd_runner_launch(const cd_runner_options *opt, const cd_runner_pipes *p,
                     PROCESS_INFORMATION *pi, cordon_error *err) {
  /* Fail closed: a runner started as another identity (the sandbox user, elevated
   * variant) without a token spec would run every command with that identity's
   * full token, i.e. with no write restriction at all. */
  if ((opt->token || opt->launch) && !opt->command_token)
    return cd_error_set_code(err, EINVAL, "the runner runs as another identity but was given no "
                                    "token spec for its commands: refusing to start it");
  char spec[CD_WIN_TOKEN_ARG_MAX] = "";
  if (opt->command_token &&
      cd_win_token_encode(opt->command_token, opt->command_user, spec, err) < 0)
    return -1;
  _cleanup_free_ wchar_t *wspec = cd_wide(spec);
  if (!wspec)
    return cd_error_oom(err);
  size_t cap = wcslen(opt->path) + 2 * CD_RN_PIPE_NAME_MAX + wcslen(wspec) + 128;
  _cleanup_free_ wchar_t *cmdline = malloc(cap * sizeof *cmdline);
  _cleanup_free_ wchar_t *env = minimal_env();
  if (!cmdline || !env)
    return cd_error_oom(err);
  /* The path is quoted (it may hold spaces) and cannot hold '"' (not allowed in
   * Windows file names); the pipe names are ours and plain. */
  /* The spec is one plain word (cd_win_token_encode: no space, no quote). */
  swprintf(cmdline, cap, L"\"%ls\" --to %ls --from %ls --parent %lu%ls%ls%ls", opt->path,
           p->to_name, p->from_name, (unsigned long)GetCurrentProcessId(),
           opt->shared_desktop ? L" --shared-desktop" : L"", spec[0] ? L" --token " : L"",
           wspec);
  if (opt->launch)
    return opt->launch(opt->launch_ctx, cmdline, env, pi, err);
  return default_launch(opt, cmdline, env, pi, err);
}

int cd_runner_handshake(cd_runner_pipes *p, HANDLE process, DWORD pid, DWORD timeout_ms,
                        cordon_error *err) {
  ULONGLONG deadline = cd_win_deadline(timeout_ms);
  if (cd_rn_pipe_accept(p->to, "the pipe to the runner", process, pid, deadline, err) == 0 &&
      cd_rn_pipe_accept(p->from, "the pipe from the runner", process, pid, deadline, err) == 0)
    return 0;
  /* Fail closed: a runner we cannot trust the channel of must not live on. */
  TerminateProcess(process, 1);
  WaitForSingleObject(process, REAP_MS);
  return -1;
}

static void kill_runner(cd_runner *r) {
  if (WaitForSingleObject(r->pi.hProcess, 0) == WAIT_TIMEOUT) {
    TerminateProcess(r->pi.hProcess, 1);
    WaitForSingleObject(r->pi.hProcess, REAP_MS);
  }
  r->broken = true;
}

int cd_runner_start(const cd_runner_options *opt, cd_runner **out, cordon_error *err) {
  cd_runner *r = calloc(1, sizeof *r);
  if (!r)
    return cd_error_oom(err);
  r->handshake_ms = opt->handshake_ms ? opt->handshake_ms : CD_RUNNER_HANDSHAKE_MS;
  if (cd_runner_pipes_create(&r->pipes, opt->token, err) < 0)
    goto fail;
  if (cd_runner_launch(opt, &r->pipes, &r->pi, err) < 0)
    goto fail;
  if (cd_runner_handshake(&r->pipes, r->pi.hProcess, r->pi.dwProcessId, r->handshake_ms, err) <
      0)
    goto fail;
  if (cd_rn_stream_init(&r->to, r->pipes.to, true, "the pipe to the runner", err) < 0 ||
      cd_rn_stream_init(&r->from, r->pipes.from, true, "the pipe from the runner", err) < 0)
    goto fail;
  r->to_io = cd_rn_stream_io(&r->to);
  r->from_io = cd_rn_stream_io(&r->from);
  *out = r;
  return 0;
fail:
  cd_runner_free(r);
  return -1;
}

int cd_runner_send(cd_runner *r, const cd_msg *msg, cordon_error *err) {
  if (r->broken)
    return cd_error_set_code(err, EPIPE, "the runner's channel is closed");
  r->to.deadline = cd_win_deadline(r->handshake_ms);
  if (cd_frame_write(&r->to_io, msg, err) < 0) {
    r->broken = true;
    return -1;
  }
  return 0;
}

int cd_runner_recv(cd_runner *r, cd_msg *msg, DWORD timeout_ms, cordon_error *err) {
  *msg = (cd_msg){0};
  if (r->broken)
    return cd_error_set_code(err, EPIPE, "the runner's channel is closed");
  r->from.deadline = cd_win_deadline(timeout_ms);
  int n = cd_frame_read(&r->from_io, msg, err);
  if (n < 0) {
    r->broken = true;
    return cd_error_prefix(err, "runner");
  }
  return n;
}

int cd_runner_spawn(cd_runner *r, const cd_msg *request, uint32_t *pid, cordon_error *err) {
  if (cd_runner_send(r, request, err) < 0)
    goto fail;
  cd_msg m;
  int n = cd_runner_recv(r, &m, r->handshake_ms, err);
  if (n == 0)
    cd_error_set_code(err, EPIPE, "the runner closed the channel instead of answering");
  if (n <= 0)
    goto fail;
  if (m.type == CD_MSG_SPAWN_READY) {
    *pid = m.ready.pid;
    return 0;
  }
  if (m.type == CD_MSG_SPAWN_FAILED) {
    cd_error_set_code(err, (int)m.failed.code, "%s", m.failed.message);
    cd_msg_free(&m);
    return -1; /* an answer: the runner exits by itself */
  }
  cd_error_set_code(err, EPROTO, "runner: answered a SpawnRequest with %s",
               cd_msg_type_name(m.type));
  cd_msg_free(&m);
fail:
  kill_runner(r);
  return -1;
}

HANDLE cd_runner_process(const cd_runner *r) { return r->pi.hProcess; }

void cd_runner_free(cd_runner *r) {
  if (!r)
    return;
  if (r->pi.hProcess) {
    kill_runner(r);
    CloseHandle(r->pi.hProcess);
    CloseHandle(r->pi.hThread);
  }
  cd_rn_stream_close(&r->to);
  cd_rn_stream_close(&r->from);
  cd_runner_pipes_close(&r->pipes);
  free(r);
}
