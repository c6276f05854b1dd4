#include "windows/win32/runner/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/launch.h"
#include "windows/win32/runner/cmdline.h"
#include "windows/win32/runner/job.h"
#include "windows/win32/common/winutil.h"

#define STDIO_PIPE_BUFFER (64 * 1024)

/* A pipe whose end THEIRS is inheritable and whose end OURS is not. */
static int stdio_pipe(bool they_read, HANDLE *ours, HANDLE *theirs, cordon_error *err) {
  HANDLE r, w;
  if (!CreatePipe(&r, &w, NULL, STDIO_PIPE_BUFFER))
    return cd_win_error(err, GetLastError(), "create a stdio pipe");
  *ours = they_read ? w : r;
  *theirs = they_read ? r : w;
  if (!SetHandleInformation(*theirs, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
    return cd_win_error(err, GetLastError(), "make a stdio pipe inheritable");
  return 0;
}

static void free_attrs(LPPROC_THREAD_ATTRIBUTE_LIST *list) {
  if (*list) {
    DeleteProcThreadAttributeList(*list);
    free(*list);
  }
}

/* A list with room for one attribute, holding VALUE for ATTR. */
static int one_attr(DWORD_PTR attr, void *value, size_t size,
                    LPPROC_THREAD_ATTRIBUTE_LIST *out, cordon_error *err) {
  SIZE_T need = 0;
  InitializeProcThreadAttributeList(NULL, 1, 0, &need);
  LPPROC_THREAD_ATTRIBUTE_LIST list = malloc(need);
  if (!list)
    return cd_error_oom(err);
  if (!InitializeProcThreadAttributeList(list, 1, 0, &need)) {
    free(list);
    return cd_win_error(err, GetLastError(), "initialize a process attribute list");
  }
  *out = list;
  if (!UpdateProcThreadAttribute(list, 0, attr, value, size, NULL, NULL))
    return cd_win_error(err, GetLastError(), "set a process attribute");
  return 0;
}

/* CreateProcess finds a bare program name ("cmd", "git") through the calling
 * process's PATH and current directory, not those it passes on. The runner serves
 * one command, so it takes on that command's PATH and directory, and the name
 * resolves as it would in the command's own shell. */
static int adopt_search(const cd_msg *req, const wchar_t *cwd, cordon_error *err) {
  const char *path = NULL;
  for (uint32_t i = 0; i < req->spawn.envc; i++)
    if (_strnicmp(req->spawn.env[i], "PATH=", 5) == 0)
      path = req->spawn.env[i] + 5;
  _cleanup_free_ wchar_t *wpath = path ? cd_wide(path) : NULL;
  if (path && !wpath)
    return cd_error_set_code(err, EINVAL, "PATH is not valid UTF-8");
  if (!SetEnvironmentVariableW(L"PATH", wpath) && wpath)
    return cd_win_error(err, GetLastError(), "take on the command's PATH");
  if (cwd && !SetCurrentDirectoryW(cwd))
    return cd_win_error(err, GetLastError(), "enter the working directory %s",
                       req->spawn.cwd);
  return 0;
}

int cd_rn_spawn(const cd_msg *req, const cd_rn_spawn_opts *opts, cd_rn_child *out,
                cordon_error *err) {
  *out = (cd_rn_child){.tty = req->spawn.tty};
  _cleanup_free_ wchar_t *cmdline = NULL, *env = NULL, *cwd = NULL;
  if (cd_rn_cmdline(req->spawn.argv, req->spawn.argc, &cmdline, err) < 0 ||
      cd_rn_envblock(req->spawn.env, req->spawn.envc, &env, err) < 0)
    return -1;
  if (req->spawn.cwd[0] && !(cwd = cd_wide(req->spawn.cwd)))
    return cd_error_set_code(err, EINVAL, "the working directory is not valid UTF-8");
  if (adopt_search(req, cwd, err) < 0)
    return -1;

  _cleanup_(free_attrs) LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
  _cleanup_handle_ HANDLE child_in = NULL, child_out = NULL, child_err = NULL;
  STARTUPINFOEXW si = {.StartupInfo = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES}};
  DWORD flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT;
  BOOL inherit;

  if (cd_rn_job_create(&out->job, err) < 0)
    goto fail;
  if (opts->private_desktop) {
    if (cd_rn_desktop_create(&out->desktop, opts->token != NULL, err) < 0)
      goto fail;
    si.StartupInfo.lpDesktop = out->desktop.path;
  }
  if (out->tty) {
    if (cd_rn_conpty_open(&out->pty, req->spawn.rows, req->spawn.cols, err) < 0 ||
        /* The attribute's value is the HPCON itself, not its address. */
        one_attr(PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, out->pty.pc, sizeof out->pty.pc, &attrs,
                 err) < 0)
      goto fail;
    out->output[0] = out->pty.output;
    /* No handles are inherited and the std handles are NULL, so nothing of the
     * runner's own stdio reaches the command: it gets the pseudoconsole's. */
    inherit = FALSE;
  } else {
    if (stdio_pipe(true, &out->input, &child_in, err) < 0 ||
        stdio_pipe(false, &out->output[0], &child_out, err) < 0 ||
        stdio_pipe(false, &out->output[1], &child_err, err) < 0)
      goto fail;
    si.StartupInfo.hStdInput = child_in;
    si.StartupInfo.hStdOutput = child_out;
    si.StartupInfo.hStdError = child_err;
    /* Inherit exactly these three, whatever else in the runner is inheritable. */
    HANDLE list[3] = {child_in, child_out, child_err};
    if (one_attr(PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list, sizeof list, &attrs, err) < 0)
      goto fail;
    /* A console of its own, hidden: console programs work, and none shares the
     * runner's console (or its Ctrl events). */
    flags |= CREATE_NO_WINDOW;
    inherit = TRUE;
  }
  si.lpAttributeList = attrs;

  PROCESS_INFORMATION pi;
  if (opts->token) {
    /* The elevated variant: the runner runs as the sandbox user with that user's
     * full token, so the command must get the write-restricted copy the lowering
     * specified, or nothing but the user's own ACLs would limit its writes. */
    cd_launch l = {.command_line = cmdline, .flags = flags, .environment = env, .cwd = cwd,
                   .startup = &si.StartupInfo, .inherit_handles = inherit};
    if (cd_launch_restricted(opts->token, opts->user, &l, &pi, err) < 0) {
      cd_error_prefix(err, "start %s", req->spawn.argv[0]);
      goto fail;
    }
  } else if (!CreateProcessW(NULL, cmdline, NULL, NULL, inherit, flags, env, cwd,
                             &si.StartupInfo, &pi)) {
    cd_win_error(err, GetLastError(), "start %s", req->spawn.argv[0]);
    goto fail;
  }
  out->process = pi.hProcess;
  out->pid = pi.dwProcessId;
  /* Still suspended: it joins the job before any of its code runs, so nothing it
   * starts can be born outside the job. */
  if (cd_rn_job_assign(out->job, pi.hProcess, err) < 0) {
    TerminateProcess(pi.hProcess, 1);
    CloseHandle(pi.hThread);
    goto fail;
  }
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  return 0;
fail:
  cd_rn_child_close(out);
  return -1;
}

HANDLE cd_rn_child_input(const cd_rn_child *c) { return c->tty ? c->pty.input : c->input; }

void cd_rn_child_close_input(cd_rn_child *c) {
  if (c->tty) {
    cd_rn_conpty_close_input(&c->pty);
  } else {
    cd_win_closep(&c->input);
    c->input = NULL;
  }
}

void cd_rn_child_close(cd_rn_child *c) {
  cd_rn_child_close_input(c);
  if (c->tty)
    cd_rn_conpty_close(&c->pty);
  for (int i = 0; i < 2; i++)
    cd_win_closep(&c->output[i]);
  cd_win_closep(&c->process);
  /* Last: closing the job kills whatever is still in it. */
  cd_win_closep(&c->job);
  cd_rn_desktop_close(&c->desktop);
  *c = (cd_rn_child){0};
}
