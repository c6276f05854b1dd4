#include "windows/win32/runner/pipe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <wchar.h>

#include "common/error.h"
#include "windows/win32/runner/handle_io.h"
#include "windows/win32/common/winutil.h"

#define PIPE_BUFFER (64 * 1024)

void cd_rn_pipe_name(wchar_t out[CD_RN_PIPE_NAME_MAX], const wchar_t *suffix,
                     cd_rn_pipe_dir dir) {
  swprintf(out, CD_RN_PIPE_NAME_MAX, L"\\\\.\\pipe\\cordon-runner-%ls-%ls", suffix,
           dir == CD_RN_TO_RUNNER ? L"to" : L"from");
}

/* The rights the runner's end needs, and no more. CreateFile always adds
 * SYNCHRONIZE and FILE_READ_ATTRIBUTES to what is asked. Above all the mask leaves
 * out FILE_CREATE_PIPE_INSTANCE (the same bit as FILE_APPEND_DATA, part of
 * FILE_GENERIC_WRITE): whoever holds it could add an instance of the pipe and
 * receive connections meant for the parent. */
static DWORD client_rights(cd_rn_pipe_dir dir) {
  return (dir == CD_RN_TO_RUNNER ? FILE_READ_DATA : FILE_WRITE_DATA) | FILE_READ_ATTRIBUTES |
         SYNCHRONIZE;
}

int cd_rn_pipe_create(const wchar_t *name, cd_rn_pipe_dir dir, const cd_rn_identity *id,
                      HANDLE *out, cordon_error *err) {
  cd_rn_sd sd;
  if (cd_rn_sd_build(&sd, id, client_rights(dir), err) < 0)
    return -1;
  DWORD open_mode = (dir == CD_RN_TO_RUNNER ? PIPE_ACCESS_OUTBOUND : PIPE_ACCESS_INBOUND) |
                    FILE_FLAG_OVERLAPPED |
                    /* If the name already exists, someone is squatting on it to
                     * receive the runner's connection: fail instead of joining. */
                    FILE_FLAG_FIRST_PIPE_INSTANCE;
  /* One instance only, so nobody can queue a second server behind ours; remote
   * clients refused, the runner is always local. */
  HANDLE h = CreateNamedPipeW(name, open_mode,
                              PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
                                  PIPE_REJECT_REMOTE_CLIENTS,
                              1, PIPE_BUFFER, PIPE_BUFFER, 0, &sd.sa);
  DWORD code = GetLastError();
  cd_rn_sd_free(&sd);
  if (h == INVALID_HANDLE_VALUE) {
    _cleanup_free_ char *n = cd_utf8(name);
    return cd_win_error(err, code, "create pipe %s", n ? n : "?");
  }
  *out = h;
  return 0;
}

int cd_rn_pipe_accept(HANDLE pipe, const char *what, HANDLE process, DWORD pid,
                      ULONGLONG deadline, cordon_error *err) {
  _cleanup_handle_ HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!event)
    return cd_win_error(err, GetLastError(), "%s: create an event", what);
  OVERLAPPED ov = {.hEvent = event};
  if (!ConnectNamedPipe(pipe, &ov)) {
    DWORD code = GetLastError();
    if (code == ERROR_IO_PENDING) {
      HANDLE waits[2] = {event, process};
      DWORD w = WaitForMultipleObjects(2, waits, FALSE, cd_win_remaining(deadline));
      if (w == WAIT_OBJECT_0 + 1) {
        DWORD n;
        CancelIoEx(pipe, &ov);
        GetOverlappedResult(pipe, &ov, &n, TRUE);
        DWORD status = 0;
        GetExitCodeProcess(process, &status);
        return cd_error_set(err, 0, "%s: the runner exited (status %lu) before connecting",
                            what, (unsigned long)status);
      }
      DWORD n;
      /* Timed out (or failed): cancel and wait for the cancellation, bounded. */
      if (!cd_rn_overlapped_wait(pipe, &ov, w == WAIT_OBJECT_0 ? ULLONG_MAX : 0, NULL, &n)) {
        code = GetLastError();
        if (code == WAIT_TIMEOUT)
          return cd_error_set_code(err, ETIMEDOUT, "%s: the runner did not connect in time", what);
        return cd_win_error(err, code, "%s: wait for the runner to connect", what);
      }
    } else if (code != ERROR_PIPE_CONNECTED) { /* connected before we asked: fine */
      return cd_win_error(err, code, "%s: wait for the runner to connect", what);
    }
  }
  /* The DACL admits every process of the runner's identity (other commands of
   * the same sandbox user included): only the runner we started may talk here.
   * Its pid cannot have been reused: the caller holds its process handle. */
  ULONG client = 0;
  if (!GetNamedPipeClientProcessId(pipe, &client))
    return cd_win_error(err, GetLastError(), "%s: query the client's process id", what);
  if (client != pid)
    return cd_error_set_code(err, EACCES,
                        "%s: refused a connection from process %lu, which is not the runner "
                        "(process %lu)",
                        what, (unsigned long)client, (unsigned long)pid);
  return 0;
}

int cd_rn_pipe_open(const wchar_t *name, cd_rn_pipe_dir dir, DWORD server_pid, HANDLE *out,
                    cordon_error *err) {
  /* Identification only: a server that is not our parent could otherwise act
   * with the runner's identity by impersonating it. */
  HANDLE h = CreateFileW(name, dir == CD_RN_TO_RUNNER ? FILE_READ_DATA : FILE_WRITE_DATA, 0,
                         NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
                         NULL);
  if (h == INVALID_HANDLE_VALUE) {
    _cleanup_free_ char *n = cd_utf8(name);
    return cd_win_error(err, GetLastError(), "open pipe %s", n ? n : "?");
  }
  _cleanup_handle_ HANDLE owned = h;
  ULONG server = 0;
  if (!GetNamedPipeServerProcessId(h, &server))
    return cd_win_error(err, GetLastError(), "query the pipe server's process id");
  if (server != server_pid)
    return cd_error_set_code(err, EACCES,
                        "the pipe is served by process %lu, not by the parent (process %lu)",
                        (unsigned long)server, (unsigned long)server_pid);
  *out = cd_win_take_handle(&owned);
  return 0;
}
