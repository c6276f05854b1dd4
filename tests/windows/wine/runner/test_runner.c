/* The runner, end to end over real named pipes: this program plays the parent.
 *
 *   test_runner SCENARIO RUNNER HELPER FAKE_SILENT FAKE_CONNECT
 *
 * Exit 0 pass, 1 fail, 77 skip (meson's code), with the reason on stdout. A skip
 * is only reported after observing that the system lacks the feature. */
#include <aclapi.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include "common/error.h"
#include "session/frame.h"
#include "windows/win32/runner/conpty.h"
#include "windows/win32/runner/handle_io.h"
#include "windows/win32/runner/parent.h"
#include "windows/win32/runner/pipe.h"
#include "windows/win32/runner/sandbox_bin.h"
#include "windows/win32/runner/sd.h"
#include "windows/win32/common/winutil.h"

enum { PASS = 0, FAIL = 1, SKIP = 77 };

#define CHECK(cond, ...)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      printf("%s:%d: failed: %s: ", __FILE__, __LINE__, #cond);                           \
      printf(__VA_ARGS__);                                                                 \
      printf("\n");                                                                        \
      return FAIL;                                                                         \
    }                                                                                      \
  } while (0)

static wchar_t *runner_path, *helper_path, *fake_silent_path, *fake_connect_path;
static char *helper_utf8;

/* ---- helpers ---- */

/* Meson hands out Unix paths, absolute or relative to the build directory; Wine
 * shows the Unix root as drive Z:. Windows paths pass through. The result is
 * absolute, as the runner and .sandbox-bin want. */
static wchar_t *windows_path(const wchar_t *p) {
  size_t n = wcslen(p);
  wchar_t *w = malloc((n + 3) * sizeof *w);
  if (p[0] == L'/')
    swprintf(w, n + 3, L"Z:%ls", p);
  else
    wcscpy(w, p);
  for (wchar_t *c = w; *c; c++)
    if (*c == L'/')
      *c = L'\\';
  wchar_t *full = malloc(MAX_PATH * sizeof *full);
  if (!GetFullPathNameW(w, MAX_PATH, full, NULL))
    wcscpy(full, w);
  free(w);
  return full;
}

static char *utf8(const wchar_t *w) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  char *s = malloc((size_t)n);
  WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
  return s;
}

/* This process's environment, for the commands: NAME=value strings. */
static char **environment(uint32_t *count) {
  wchar_t *block = GetEnvironmentStringsW();
  size_t n = 0;
  for (wchar_t *p = block; *p; p += wcslen(p) + 1)
    n++;
  char **env = calloc(n + 1, sizeof *env);
  *count = 0;
  for (wchar_t *p = block; *p; p += wcslen(p) + 1)
    if (wcschr(p + 1, L'='))
      env[(*count)++] = utf8(p);
  FreeEnvironmentStringsW(block);
  return env;
}

static char **test_env;
static uint32_t test_envc;

static cd_msg request(char **argv, uint32_t argc, bool tty) {
  return (cd_msg){.type = CD_MSG_SPAWN_REQUEST,
                  .spawn = {.argv = argv,
                            .argc = argc,
                            .cwd = "",
                            .env = test_env,
                            .envc = test_envc,
                            .tty = tty,
                            .rows = tty ? 25 : 0,
                            .cols = tty ? 80 : 0}};
}

typedef struct bytes {
  char *p;
  size_t len;
} bytes;

static void append(bytes *b, const void *data, size_t n) {
  b->p = realloc(b->p, b->len + n + 1);
  memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
}

typedef struct result {
  bytes out, err;
  bool signaled;
  uint32_t value;
} result;

/* Output until Exit, then the channel must close. */
static int collect(cd_runner *r, result *res, DWORD timeout_ms) {
  *res = (result){0};
  append(&res->out, "", 0);
  append(&res->err, "", 0);
  for (;;) {
    cd_msg m;
    cordon_error err = {0};
    int n = cd_runner_recv(r, &m, timeout_ms, &err);
    CHECK(n == 1, "recv: %d %s", n, err.message);
    if (m.type == CD_MSG_OUTPUT) {
      append(m.output.stream == CD_STREAM_STDOUT ? &res->out : &res->err, m.output.data,
             m.output.len);
    } else {
      CHECK(m.type == CD_MSG_EXIT, "unexpected %s", cd_msg_type_name(m.type));
      res->signaled = m.exit.signaled;
      res->value = m.exit.value;
      cd_msg_free(&m);
      break;
    }
    cd_msg_free(&m);
  }
  cd_msg m;
  cordon_error err = {0};
  int n = cd_runner_recv(r, &m, 5000, &err);
  CHECK(n == 0, "after Exit the runner should close the channel: %d %s", n, err.message);
  return PASS;
}

/* Read Output until stdout, from offset FROM on, contains NEEDLE. */
static int await_after(cd_runner *r, bytes *out, size_t from, const char *needle) {
  while (!out->p || out->len < from || !strstr(out->p + from, needle)) {
    cd_msg m;
    cordon_error err = {0};
    int n = cd_runner_recv(r, &m, 10000, &err);
    CHECK(n == 1, "waiting for \"%s\": %d %s (so far: %s)", needle, n, err.message,
          out->p ? out->p : "");
    CHECK(m.type == CD_MSG_OUTPUT, "waiting for \"%s\", got %s (so far: %s)", needle,
          cd_msg_type_name(m.type), out->p ? out->p : "");
    append(out, m.output.data, m.output.len);
    cd_msg_free(&m);
  }
  return PASS;
}

static int await_output(cd_runner *r, bytes *out, const char *needle) {
  return await_after(r, out, 0, needle);
}

static cd_runner *start(bool shared_desktop) {
  cd_runner *r = NULL;
  cordon_error err = {0};
  cd_runner_options opt = {.path = runner_path, .shared_desktop = shared_desktop};
  if (cd_runner_start(&opt, &r, &err) < 0) {
    printf("cd_runner_start: %s\n", err.message);
    return NULL;
  }
  return r;
}

/* Start a runner, spawn ARGV, collect everything. */
static int run(char **argv, uint32_t argc, bool tty, result *res) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  cd_msg req = request(argv, argc, tty);
  uint32_t pid;
  cordon_error err = {0};
  int s = cd_runner_spawn(r, &req, &pid, &err);
  if (s < 0)
    cd_runner_free(r);
  CHECK(s == 0, "spawn: %s", err.message);
  int c = collect(r, res, 30000);
  cd_runner_free(r);
  return c;
}

static int send_msg(cd_runner *r, cd_msg m) {
  cordon_error err = {0};
  CHECK(cd_runner_send(r, &m, &err) == 0, "send %s: %s", cd_msg_type_name(m.type), err.message);
  return PASS;
}

/* Whether process PID is gone, or goes within MS. */
static bool gone(DWORD pid, DWORD ms) {
  HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (!h)
    return true;
  bool done = WaitForSingleObject(h, ms) == WAIT_OBJECT_0;
  CloseHandle(h);
  return done;
}

/* The spec the lowering makes for a workspace run: logon, Everyone, a capability SID. */
static cd_win_token command_spec(void) {
  cd_win_token t = {.flags = CD_WIN_DISABLE_MAX_PRIVILEGE | CD_WIN_LUA_TOKEN |
                             CD_WIN_WRITE_RESTRICTED,
                    .n_sids = 3};
  t.sids[0].kind = CD_WIN_TOKEN_LOGON;
  t.sids[1].kind = CD_WIN_TOKEN_EVERYONE;
  strcpy(t.sids[1].sid, CD_WIN_SID_EVERYONE);
  t.sids[2].kind = CD_WIN_TOKEN_CAP;
  t.sids[2].cap = CD_WIN_CAP_WORKSPACE;
  strcpy(t.sids[2].sid, "S-1-5-21-9-8-7-6");
  return t;
}

/* ---- scenarios ---- */

static int pipe_session(void) {
  result res;
  char *cmd[] = {"cmd", "/c", "echo hello"};
  if (run(cmd, 3, false, &res) != PASS)
    return FAIL;
  CHECK(strcmp(res.out.p, "hello\r\n") == 0, "stdout [%s]", res.out.p);
  CHECK(!res.signaled && res.value == 0, "exit %u", res.value);

  char *fail[] = {helper_utf8, "fail", "to stderr", "3"};
  if (run(fail, 4, false, &res) != PASS)
    return FAIL;
  CHECK(res.out.len == 0, "stdout [%s]", res.out.p);
  CHECK(strcmp(res.err.p, "to stderr") == 0, "stderr [%s]", res.err.p);
  CHECK(!res.signaled && res.value == 3, "exit %u", res.value);
  return PASS;
}

static int stdin_roundtrip(void) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  char *cat[] = {helper_utf8, "cat"};
  cd_msg req = request(cat, 2, false);
  uint32_t pid;
  cordon_error err = {0};
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  /* More than the pipes hold, in frames of several sizes: the runner's writes to
   * the command's stdin must loop, and nothing may be lost or reordered. */
  size_t total = 300 * 1024;
  uint8_t *data = malloc(total);
  for (size_t i = 0; i < total; i++)
    data[i] = (uint8_t)(i * 31 + 7);
  size_t off = 0, chunk = 1;
  while (off < total) {
    size_t n = total - off < chunk ? total - off : chunk;
    if (send_msg(r, (cd_msg){.type = CD_MSG_STDIN,
                             .input = {.data = data + off, .len = (uint32_t)n}}) != PASS)
      return FAIL;
    off += n;
    chunk = chunk * 3 + 1 > CD_FRAME_CHUNK ? CD_FRAME_CHUNK : chunk * 3 + 1;
  }
  if (send_msg(r, (cd_msg){.type = CD_MSG_CLOSE_STDIN}) != PASS)
    return FAIL;
  result res;
  if (collect(r, &res, 30000) != PASS)
    return FAIL;
  cd_runner_free(r);
  CHECK(res.out.len == total, "%lu of %lu bytes came back", (unsigned long)res.out.len,
        (unsigned long)total);
  CHECK(memcmp(res.out.p, data, total) == 0, "the bytes differ");
  CHECK(res.value == 0, "exit %u", res.value);
  free(data);
  return PASS;
}

static int output_drain(void) {
  result res;
  /* 1 MiB on stdout and 64 KiB on stderr, then an immediate exit: every byte
   * must arrive, in order, before Exit. */
  char *flood[] = {helper_utf8, "flood", "1048576", "65536"};
  if (run(flood, 4, false, &res) != PASS)
    return FAIL;
  CHECK(res.out.len == 1048576, "stdout: %lu bytes", (unsigned long)res.out.len);
  CHECK(res.err.len == 65536, "stderr: %lu bytes", (unsigned long)res.err.len);
  for (size_t i = 0; i < res.out.len; i++)
    CHECK(res.out.p[i] == (char)('a' + i % 26), "stdout byte %lu", (unsigned long)i);
  for (size_t i = 0; i < res.err.len; i++)
    CHECK(res.err.p[i] == (char)('a' + (i + 7) % 26), "stderr byte %lu", (unsigned long)i);
  CHECK(res.value == 0, "exit %u", res.value);
  return PASS;
}

/* A child that starts a grandchild; KILL ends the session one way or another. */
static int tree_kill(bool by_terminate) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  char *tree[] = {helper_utf8, "tree"};
  cd_msg req = request(tree, 2, false);
  uint32_t pid;
  cordon_error err = {0};
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  bytes out = {0};
  if (await_output(r, &out, "\n") != PASS)
    return FAIL;
  unsigned long child, grandchild;
  CHECK(sscanf(out.p, "child=%lu grandchild=%lu", &child, &grandchild) == 2, "[%s]", out.p);
  CHECK(child == pid, "SpawnReady said %u, the child says %lu", pid, child);
  CHECK(!gone(child, 0) && !gone(grandchild, 0), "both should run before the kill");
  if (by_terminate) {
    if (send_msg(r, (cd_msg){.type = CD_MSG_TERMINATE, .terminate = {.signal = 9}}) != PASS)
      return FAIL;
    /* Terminate itself kills the tree: the grandchild holds stdout, so were only
     * the child killed, the runner would wait out its drain grace (2 s) before
     * the job went. */
    CHECK(gone(child, 1500) && gone(grandchild, 1500), "Terminate left part of the tree");
    result res;
    if (collect(r, &res, 10000) != PASS)
      return FAIL;
    CHECK(res.signaled && res.value == 9, "Exit: signaled %d value %u", res.signaled,
          res.value);
  } else {
    /* The runner dies: its job handle closes, and the job kills the tree. */
    TerminateProcess(cd_runner_process(r), 1);
  }
  CHECK(gone(child, 5000), "the child %lu survived", child);
  CHECK(gone(grandchild, 5000), "the grandchild %lu survived", grandchild);
  cd_runner_free(r);
  return PASS;
}

static int tree_kill_terminate(void) { return tree_kill(true); }
static int tree_kill_runner_death(void) { return tree_kill(false); }

/* A connection from another process is refused and the runner is killed. */
static int pid_check(void) {
  cd_runner_pipes p;
  cordon_error err = {0};
  CHECK(cd_runner_pipes_create(&p, NULL, &err) == 0, "pipes: %s", err.message);
  /* The impostor connects first and tells us so on its stdout. */
  HANDLE rd, wr;
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  CHECK(CreatePipe(&rd, &wr, &sa, 0), "pipe");
  SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
  wchar_t cmd[512];
  swprintf(cmd, 512, L"\"%ls\" impostor %ls", helper_path, p.to_name);
  STARTUPINFOW si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES, .hStdOutput = wr,
                     .hStdError = wr};
  PROCESS_INFORMATION imp;
  CHECK(CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &imp),
        "start the impostor: %lu", GetLastError());
  CloseHandle(wr);
  char said[32] = {0};
  DWORD n;
  CHECK(ReadFile(rd, said, sizeof said - 1, &n, NULL) && strstr(said, "connected"),
        "the impostor did not connect: [%s]", said);

  cd_runner_options opt = {.path = runner_path};
  PROCESS_INFORMATION pi;
  CHECK(cd_runner_launch(&opt, &p, &pi, &err) == 0, "launch: %s", err.message);
  int h = cd_runner_handshake(&p, pi.hProcess, pi.dwProcessId, 10000, &err);
  CHECK(h == -1, "the handshake accepted the impostor");
  char want[128];
  snprintf(want, sizeof want, "refused a connection from process %lu, which is not the runner",
           imp.dwProcessId);
  CHECK(strstr(err.message, want), "error: %s", err.message);
  CHECK(WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0,
        "the runner must be dead after a failed handshake");
  TerminateProcess(imp.hProcess, 0);
  cd_runner_pipes_close(&p);
  return PASS;
}

static int handshake_timeout(void) {
  /* The low-level steps, to keep the process handle and see it killed. */
  cd_runner_pipes p;
  cordon_error err = {0};
  CHECK(cd_runner_pipes_create(&p, NULL, &err) == 0, "pipes: %s", err.message);
  cd_runner_options opt = {.path = fake_silent_path};
  PROCESS_INFORMATION pi;
  CHECK(cd_runner_launch(&opt, &p, &pi, &err) == 0, "launch: %s", err.message);
  ULONGLONG t0 = GetTickCount64();
  int h = cd_runner_handshake(&p, pi.hProcess, pi.dwProcessId, 2000, &err);
  ULONGLONG took = GetTickCount64() - t0;
  CHECK(h == -1, "a runner that never connects passed the handshake");
  CHECK(strstr(err.message, "did not connect in time"), "error: %s", err.message);
  CHECK(took >= 1900 && took < 8000, "gave up after %llu ms", took);
  CHECK(WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0, "the silent runner still runs");
  cd_runner_pipes_close(&p);

  /* The same through cd_runner_start. */
  cd_runner *r = NULL;
  opt.handshake_ms = 1500;
  t0 = GetTickCount64();
  CHECK(cd_runner_start(&opt, &r, &err) == -1, "started a silent runner");
  took = GetTickCount64() - t0;
  CHECK(took < 8000, "gave up after %llu ms", took);
  return PASS;
}

static int spawn_timeout(void) {
  cd_runner *r = NULL;
  cordon_error err = {0};
  cd_runner_options opt = {.path = fake_connect_path, .handshake_ms = 2000};
  CHECK(cd_runner_start(&opt, &r, &err) == 0, "start: %s", err.message);
  char *cmd[] = {"cmd", "/c", "echo never"};
  cd_msg req = request(cmd, 3, false);
  uint32_t pid;
  ULONGLONG t0 = GetTickCount64();
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == -1, "a mute runner answered");
  ULONGLONG took = GetTickCount64() - t0;
  CHECK(strstr(err.message, "no data before the deadline"), "error: %s", err.message);
  CHECK(took >= 1900 && took < 8000, "gave up after %llu ms", took);
  CHECK(WaitForSingleObject(cd_runner_process(r), 0) == WAIT_OBJECT_0,
        "the mute runner was not killed");
  cd_runner_free(r);
  return PASS;
}

static int protocol_error(void) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  if (send_msg(r, (cd_msg){.type = CD_MSG_CLOSE_STDIN}) != PASS)
    return FAIL;
  cd_msg m;
  cordon_error err = {0};
  CHECK(cd_runner_recv(r, &m, 10000, &err) == 1, "recv: %s", err.message);
  CHECK(m.type == CD_MSG_SPAWN_FAILED, "got %s", cd_msg_type_name(m.type));
  CHECK(strstr(m.failed.message, "expected a SpawnRequest, got CloseStdin"), "[%s]",
        m.failed.message);
  CHECK(m.failed.code == EPROTO, "code %u", m.failed.code);
  cd_msg_free(&m);
  CHECK(WaitForSingleObject(cd_runner_process(r), 10000) == WAIT_OBJECT_0,
        "the runner should exit after a protocol error");
  DWORD code;
  GetExitCodeProcess(cd_runner_process(r), &code);
  CHECK(code == 1, "runner exit %lu", code);
  cd_runner_free(r);

  /* A second SpawnRequest in a session: the runner ends it, tree and all, without
   * an Exit. */
  r = start(false);
  CHECK(r, "no runner");
  char *tree[] = {helper_utf8, "tree"};
  cd_msg req = request(tree, 2, false);
  uint32_t pid;
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  bytes out = {0};
  if (await_output(r, &out, "\n") != PASS || send_msg(r, req) != PASS)
    return FAIL;
  CHECK(cd_runner_recv(r, &m, 15000, &err) == 0, "expected the channel to close: %s",
        err.message);
  CHECK(WaitForSingleObject(cd_runner_process(r), 10000) == WAIT_OBJECT_0, "runner alive");
  CHECK(gone(pid, 5000), "the command survived the broken session");
  cd_runner_free(r);
  return PASS;
}

static int spawn_failed(void) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  char *cmd[] = {"cordon-no-such-program-here"};
  cd_msg req = request(cmd, 1, false);
  uint32_t pid;
  cordon_error err = {0};
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == -1, "spawned a missing program");
  CHECK(err.errnum == ENOENT, "errnum %d (%s)", err.errnum, err.message);
  CHECK(strstr(err.message, "start cordon-no-such-program-here"), "error: %s", err.message);
  cd_runner_free(r);

  r = start(false);
  CHECK(r, "no runner");
  char *quoted[] = {"bad\"name"};
  req = request(quoted, 1, false);
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == -1, "spawned a name with a quote");
  CHECK(strstr(err.message, "contains '\"'"), "error: %s", err.message);
  cd_runner_free(r);

  r = start(false);
  CHECK(r, "no runner");
  char *echo[] = {helper_utf8, "echo", "x"};
  req = request(echo, 3, false);
  req.spawn.cwd = "Z:\\cordon\\no\\such\\dir";
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == -1, "spawned in a missing directory");
  CHECK(strstr(err.message, "enter the working directory Z:\\cordon\\no\\such\\dir"), "error: %s",
        err.message);
  cd_runner_free(r);
  return PASS;
}

/* Arguments survive the trip through one Windows command line. */
static int cmdline_quoting(void) {
  char *argv[] = {helper_utf8, "args", "plain", "with space", "\"quoted\"", "back\\slash\\",
                  "trail\\\\", "", "a\\\"b", "tab\there", "\xc3\xbcnic\xc3\xb6" "de"};
  const char *want = "[plain]\n[with space]\n[\"quoted\"]\n[back\\slash\\]\n[trail\\\\]\n[]\n"
                     "[a\\\"b]\n[tab\there]\n[\xc3\xbcnic\xc3\xb6" "de]\n";
  result res;
  if (run(argv, sizeof argv / sizeof argv[0], false, &res) != PASS)
    return FAIL;
  CHECK(strcmp(res.out.p, want) == 0, "got:\n%s", res.out.p);
  return PASS;
}

/* The command sees exactly the request's environment: not the runner's, not
 * the parent's. */
static int environment_exact(void) {
  SetEnvironmentVariableW(L"CORDON_PARENT_SECRET", L"hunter2");
  char *argv[] = {helper_utf8, "env", "CORDON_PARENT_SECRET"};
  result res;
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  char *env[] = {"CORDON_ONLY=1", "SystemRoot=C:\\windows"};
  cd_msg req = request(argv, 3, false);
  req.spawn.env = env;
  req.spawn.envc = 2;
  uint32_t pid;
  cordon_error err = {0};
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  cd_runner_free(r);
  CHECK(strcmp(res.out.p, "CORDON_PARENT_SECRET=<unset>\n") == 0, "[%s]", res.out.p);

  argv[2] = "CORDON_ONLY";
  r = start(false);
  CHECK(r, "no runner");
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  cd_runner_free(r);
  CHECK(strcmp(res.out.p, "CORDON_ONLY=1\n") == 0, "[%s]", res.out.p);
  return PASS;
}

static int private_desktop(void) {
  char *argv[] = {helper_utf8, "desktop"};
  result res;
  if (run(argv, 2, false, &res) != PASS)
    return FAIL;
  CHECK(strncmp(res.out.p, "desktop=CordonDesktop-", 22) == 0 && strlen(res.out.p) == 22 + 32 + 1,
        "[%s]", res.out.p);
  char first[80];
  snprintf(first, sizeof first, "%s", res.out.p);
  /* A fresh random name per launch. */
  if (run(argv, 2, false, &res) != PASS)
    return FAIL;
  CHECK(strcmp(first, res.out.p) != 0, "two launches shared %s", first);

  /* The opt-out: the runner's own desktop. */
  cd_runner *r = start(true);
  CHECK(r, "no runner");
  cd_msg req = request(argv, 2, false);
  uint32_t pid;
  cordon_error err = {0};
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  cd_runner_free(r);
  CHECK(strcmp(res.out.p, "desktop=Default\n") == 0, "[%s]", res.out.p);
  return PASS;
}

/* ConPTY: SKIP only when the system lacks the API, as the runner reports it. */
static int conpty_spawn(cd_runner **out, char **argv, uint32_t argc, const char **skip) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  cd_msg req = request(argv, argc, true);
  uint32_t pid;
  cordon_error err = {0};
  if (cd_runner_spawn(r, &req, &pid, &err) < 0) {
    cd_runner_free(r);
    if (strstr(err.message, "no pseudoconsole API")) {
      *skip = "this system has no ConPTY API";
      return SKIP;
    }
    CHECK(false, "spawn: %s", err.message);
  }
  *out = r;
  return PASS;
}

static int conpty_session(void) {
  cd_runner *r;
  const char *skip;
  char *argv[] = {helper_utf8, "pty"};
  int s = conpty_spawn(&r, argv, 2, &skip);
  if (s == SKIP)
    printf("SKIP: %s\n", skip);
  if (s != PASS)
    return s;
  bytes out = {0};
  if (await_output(r, &out, "pty-ready") != PASS)
    return FAIL;
  if (send_msg(r, (cd_msg){.type = CD_MSG_STDIN, .input = {.data = (uint8_t *)"ping\r",
                                                           .len = 5}}) != PASS)
    return FAIL;
  result res;
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  append(&out, res.out.p, res.out.len);
  CHECK(strstr(out.p, "got:ping"), "terminal output: [%s]", out.p);
  CHECK(res.err.len == 0, "a terminal has no separate stderr: [%s]", res.err.p);
  CHECK(!res.signaled && res.value == 5, "exit %u", res.value);
  cd_runner_free(r);
  return PASS;
}

/* A console program that writes to its std handles, as most do. */
static int conpty_std_handles(void) {
  cd_runner *r;
  const char *skip;
  char *probe[] = {helper_utf8, "pty-stdhandles"};
  int s = conpty_spawn(&r, probe, 2, &skip);
  if (s == SKIP)
    printf("SKIP: %s\n", skip);
  if (s != PASS)
    return s;
  result res;
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  cd_runner_free(r);
  if (strstr(res.out.p, "stdout-handle=null")) {
    printf("SKIP: this system (Wine) starts a ConPTY child with NULL std handles; Windows "
           "gives it the pseudoconsole's, so a plain `cmd /c echo` on a terminal cannot be "
           "checked here\n");
    return SKIP;
  }
  CHECK(strstr(res.out.p, "stdout-handle=set"), "probe: [%s]", res.out.p);
  char *echo[] = {"cmd", "/c", "echo marker-42"};
  if (conpty_spawn(&r, echo, 3, &skip) != PASS)
    return FAIL;
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  cd_runner_free(r);
  CHECK(strstr(res.out.p, "marker-42"), "terminal output: [%s]", res.out.p);
  return PASS;
}

/* Resize frames are taken without disturbing a session, with or without a
 * terminal. */
static int resize_accepted(void) {
  cd_msg resize = {.type = CD_MSG_RESIZE, .resize = {.rows = 30, .cols = 100}};
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  char *cat[] = {helper_utf8, "cat"};
  cd_msg req = request(cat, 2, false);
  uint32_t pid;
  cordon_error err = {0};
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == 0, "spawn: %s", err.message);
  if (send_msg(r, resize) != PASS ||
      send_msg(r, (cd_msg){.type = CD_MSG_STDIN, .input = {.data = (uint8_t *)"after\n",
                                                           .len = 6}}) != PASS ||
      send_msg(r, (cd_msg){.type = CD_MSG_CLOSE_STDIN}) != PASS)
    return FAIL;
  result res;
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  cd_runner_free(r);
  CHECK(strcmp(res.out.p, "after\n") == 0 && res.value == 0, "[%s] %u", res.out.p, res.value);

  const char *skip;
  char *size[] = {helper_utf8, "pty-size"};
  int s = conpty_spawn(&r, size, 2, &skip);
  if (s == SKIP)
    printf("SKIP: %s\n", skip);
  if (s != PASS)
    return s;
  bytes out = {0};
  if (await_output(r, &out, "size=") != PASS || send_msg(r, resize) != PASS ||
      send_msg(r, (cd_msg){.type = CD_MSG_STDIN, .input = {.data = (uint8_t *)"quit\r",
                                                           .len = 5}}) != PASS)
    return FAIL;
  if (collect(r, &res, 10000) != PASS)
    return FAIL;
  CHECK(res.value == 0, "exit %u", res.value);
  cd_runner_free(r);
  return PASS;
}

/* ... and on a real ConPTY the command sees the new size. */
static int conpty_resize_applied(void) {
  cd_runner *r;
  const char *skip;
  char *size[] = {helper_utf8, "pty-size"};
  int s = conpty_spawn(&r, size, 2, &skip);
  if (s == SKIP)
    printf("SKIP: %s\n", skip);
  if (s != PASS)
    return s;
  bytes out = {0};
  if (await_output(r, &out, "size=25x80") != PASS)
    return FAIL;
  cd_msg resize = {.type = CD_MSG_RESIZE, .resize = {.rows = 30, .cols = 100}};
  if (send_msg(r, resize) != PASS ||
      send_msg(r, (cd_msg){.type = CD_MSG_STDIN, .input = {.data = (uint8_t *)"again\r",
                                                           .len = 6}}) != PASS)
    return FAIL;
  /* The next size line, whole. */
  size_t before = out.len;
  if (await_after(r, &out, before, "size=") != PASS)
    return FAIL;
  size_t at = (size_t)(strstr(out.p + before, "size=") - out.p);
  if (await_after(r, &out, at, "\n") != PASS)
    return FAIL;
  const char *line = out.p + at;
  bool applied = strncmp(line, "size=30x100", 11) == 0;
  if (!applied) {
    /* Tell a system without resize support from a runner that failed to ask. */
    cd_rn_conpty pty;
    cordon_error err = {0};
    CHECK(cd_rn_conpty_open(&pty, 25, 80, &err) == 0, "%s", err.message);
    int rr = cd_rn_conpty_resize(&pty, 30, 100, &err);
    cd_rn_conpty_close(&pty);
    cd_rn_conpty_close_input(&pty);
    CloseHandle(pty.output);
    if (rr < 0 && strstr(err.message, "0x80004001")) {
      printf("SKIP: ResizePseudoConsole is not implemented here (E_NOTIMPL, as in Wine); the "
             "runner took the Resize and the session went on\n");
      cd_runner_free(r);
      return SKIP;
    }
  }
  CHECK(applied, "after Resize the command saw [%.20s]", line);
  cd_runner_free(r);
  return PASS;
}

/* The pipes' DACLs: one allow ACE each, for this user, with exactly the rights
 * its direction needs. Wine stores them; only Windows enforces them between
 * users (the README says so). */
static int check_dacl(HANDLE pipe, DWORD want_mask, PSID user) {
  PACL dacl;
  PSECURITY_DESCRIPTOR sd;
  DWORD e = GetSecurityInfo(pipe, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                            &dacl, NULL, &sd);
  CHECK(e == ERROR_SUCCESS, "GetSecurityInfo: %lu", e);
  CHECK(dacl && dacl->AceCount == 1, "%u ACEs", dacl ? dacl->AceCount : 0);
  ACCESS_ALLOWED_ACE *ace;
  CHECK(GetAce(dacl, 0, (void **)&ace), "GetAce");
  CHECK(ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE, "ACE type %u", ace->Header.AceType);
  CHECK(ace->Mask == want_mask, "mask 0x%lx, want 0x%lx", ace->Mask, want_mask);
  CHECK((ace->Mask & FILE_CREATE_PIPE_INSTANCE) == 0, "the runner could add instances");
  CHECK(EqualSid((PSID)&ace->SidStart, user), "the ACE is for another SID");
  LocalFree(sd);
  return PASS;
}

static int pipe_dacl(void) {
  HANDLE token;
  CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token), "token");
  char buf[256];
  DWORD n;
  CHECK(GetTokenInformation(token, TokenUser, buf, sizeof buf, &n), "user");
  PSID user = ((TOKEN_USER *)buf)->User.Sid;
  cd_runner_pipes p;
  cordon_error err = {0};
  CHECK(cd_runner_pipes_create(&p, NULL, &err) == 0, "pipes: %s", err.message);
  if (check_dacl(p.to, FILE_READ_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE, user) != PASS ||
      check_dacl(p.from, FILE_WRITE_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE, user) != PASS)
    return FAIL;
  /* Nobody can add a second instance behind ours... */
  HANDLE second = CreateNamedPipeW(p.to_name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 0, 0, 0,
                                   NULL);
  CHECK(second == INVALID_HANDLE_VALUE, "a second instance of the pipe was created");
  cd_runner_pipes_close(&p);

  /* ... and a name someone squats on is refused, not joined. */
  const wchar_t *name = L"\\\\.\\pipe\\cordon-runner-squatted-to";
  HANDLE squat = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE,
                                  PIPE_UNLIMITED_INSTANCES, 0, 0, 0, NULL);
  CHECK(squat != INVALID_HANDLE_VALUE, "squat");
  cd_rn_identity id;
  CHECK(cd_rn_identity_from_token(NULL, false, &id, &err) == 0, "%s", err.message);
  HANDLE ours;
  CHECK(cd_rn_pipe_create(name, CD_RN_TO_RUNNER, &id, &ours, &err) == -1,
        "created a pipe whose name was taken");
  CHECK(strstr(err.message, "create pipe"), "error: %s", err.message);
  cd_rn_identity_free(&id);
  CloseHandle(squat);
  CloseHandle(token);
  return PASS;
}

/* The command exits but a grandchild keeps its stdout open: the drain ends
 * within its bounds (grace, then the job is killed), the tail is kept, and the
 * grandchild is gone. */
static int drain_bounded(void) {
  char *argv[] = {helper_utf8, "linger"};
  result res;
  ULONGLONG t0 = GetTickCount64();
  if (run(argv, 2, false, &res) != PASS)
    return FAIL;
  ULONGLONG took = GetTickCount64() - t0;
  unsigned long grandchild;
  CHECK(sscanf(res.out.p, "grandchild=%lu", &grandchild) == 1, "[%s]", res.out.p);
  CHECK(res.value == 0, "exit %u", res.value);
  CHECK(took < 15000, "the session took %llu ms", took);
  CHECK(gone(grandchild, 5000), "the lingering grandchild %lu survived", grandchild);
  return PASS;
}

/* The parent goes away mid-session: the runner kills the tree and exits. */
static int parent_gone(void) {
  cd_runner_pipes p;
  cordon_error err = {0};
  CHECK(cd_runner_pipes_create(&p, NULL, &err) == 0, "pipes: %s", err.message);
  cd_runner_options opt = {.path = runner_path};
  PROCESS_INFORMATION pi;
  CHECK(cd_runner_launch(&opt, &p, &pi, &err) == 0, "launch: %s", err.message);
  CHECK(cd_runner_handshake(&p, pi.hProcess, pi.dwProcessId, 10000, &err) == 0, "%s",
        err.message);
  cd_rn_stream to, from;
  CHECK(cd_rn_stream_init(&to, p.to, true, "to", &err) == 0 &&
            cd_rn_stream_init(&from, p.from, true, "from", &err) == 0,
        "%s", err.message);
  from.deadline = cd_win_deadline(10000);
  cd_io to_io = cd_rn_stream_io(&to), from_io = cd_rn_stream_io(&from);
  char *tree[] = {helper_utf8, "tree"};
  cd_msg req = request(tree, 2, false), m;
  CHECK(cd_frame_write(&to_io, &req, &err) == 0, "%s", err.message);
  CHECK(cd_frame_read(&from_io, &m, &err) == 1 && m.type == CD_MSG_SPAWN_READY, "%s",
        err.message);
  CHECK(cd_frame_read(&from_io, &m, &err) == 1 && m.type == CD_MSG_OUTPUT, "%s", err.message);
  unsigned long child, grandchild;
  CHECK(sscanf((char *)m.output.data, "child=%lu grandchild=%lu", &child, &grandchild) == 2,
        "output");
  cd_msg_free(&m);
  cd_rn_stream_close(&to);
  cd_rn_stream_close(&from);
  cd_runner_pipes_close(&p);
  CHECK(WaitForSingleObject(pi.hProcess, 15000) == WAIT_OBJECT_0, "the runner lives on");
  DWORD code;
  GetExitCodeProcess(pi.hProcess, &code);
  CHECK(code == 1, "runner exit %lu", code);
  CHECK(gone(child, 5000) && gone(grandchild, 5000), "the tree survived its parent");
  return PASS;
}

typedef struct launch_spy {
  wchar_t env[4096];
  size_t env_len;
} launch_spy;

/* Records the runner's environment, and starts it with a --parent that is not
 * the pipes' server. */
static int launch_wrong_parent(void *ctx, wchar_t *cmdline, wchar_t *env,
                               PROCESS_INFORMATION *pi, cordon_error *err) {
  launch_spy *spy = ctx;
  const wchar_t *e = env;
  while (*e)
    e += wcslen(e) + 1;
  spy->env_len = (size_t)(e - env);
  memcpy(spy->env, env, (spy->env_len + 1) * sizeof *env);
  wchar_t *parent = wcsstr(cmdline, L"--parent ");
  swprintf(parent, 32, L"--parent %lu", (unsigned long)GetCurrentProcessId() + 4);
  STARTUPINFOW si = {.cb = sizeof si};
  if (!CreateProcessW(NULL, cmdline, NULL, NULL, FALSE,
                      CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, env, NULL, &si, pi))
    return cd_error_set(err, 0, "CreateProcessW failed: %lu", GetLastError());
  return 0;
}

/* The runner talks only to the pipes its parent serves; and it starts with
 * nothing of the parent's environment but what Windows needs. */
static int server_check(void) {
  launch_spy spy = {0};
  cd_win_token spec = command_spec();
  cd_runner_options opt = {.path = runner_path, .launch = launch_wrong_parent,
                           .launch_ctx = &spy, .command_token = &spec};
  cd_runner *r = NULL;
  cordon_error err = {0};
  CHECK(cd_runner_start(&opt, &r, &err) == -1, "a runner with the wrong parent connected");
  CHECK(strstr(err.message, "the runner exited (status 1) before connecting"), "error: %s",
        err.message);
  bool system_root = false;
  for (const wchar_t *e = spy.env; *e; e += wcslen(e) + 1) {
    CHECK(wcsncmp(e, L"SystemDrive=", 12) == 0 || wcsncmp(e, L"SystemRoot=", 11) == 0 ||
              wcsncmp(e, L"windir=", 7) == 0,
          "the runner's environment has %ls", e);
    system_root = system_root || wcsncmp(e, L"SystemRoot=", 11) == 0;
  }
  CHECK(system_root, "no SystemRoot for the runner");
  return PASS;
}

/* A restricted runner token: the pipes admit its user and its logon SID (the
 * restricted check needs one of its restricting SIDs), nothing else. */
static int pipe_dacl_restricted(void) {
  HANDLE token, restricted = NULL;
  CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &token), "token");
  char groups_buf[4096];
  DWORD n;
  CHECK(GetTokenInformation(token, TokenGroups, groups_buf, sizeof groups_buf, &n), "groups");
  TOKEN_GROUPS *groups = (TOKEN_GROUPS *)groups_buf;
  SID_AND_ATTRIBUTES logon = {0};
  for (DWORD i = 0; i < groups->GroupCount; i++)
    if ((groups->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
      logon = groups->Groups[i];
  if (!logon.Sid) {
    printf("SKIP: this system's tokens carry no logon SID, so no restricted token like the "
           "sandbox's can be made\n");
    return SKIP;
  }
  logon.Attributes = 0;
  if (!CreateRestrictedToken(token, 0, 0, NULL, 0, NULL, 1, &logon, &restricted) ||
      !IsTokenRestricted(restricted)) {
    printf("SKIP: this system cannot make a token with restricting SIDs (CreateRestrictedToken: "
           "error %lu; Wine does not implement them)\n",
           GetLastError());
    return SKIP;
  }
  cd_rn_identity id;
  cordon_error err = {0};
  CHECK(cd_rn_identity_from_token(restricted, false, &id, &err) == 0, "%s", err.message);
  CHECK(id.count == 2 && EqualSid(id.sids[1], logon.Sid), "identity of %lu SIDs", id.count);
  cd_runner_pipes p;
  CHECK(cd_runner_pipes_create(&p, restricted, &err) == 0, "pipes: %s", err.message);
  PACL dacl;
  PSECURITY_DESCRIPTOR sd;
  CHECK(GetSecurityInfo(p.to, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl,
                        NULL, &sd) == ERROR_SUCCESS,
        "GetSecurityInfo");
  CHECK(dacl->AceCount == 2, "%u ACEs", dacl->AceCount);
  for (DWORD i = 0; i < 2; i++) {
    ACCESS_ALLOWED_ACE *ace;
    CHECK(GetAce(dacl, i, (void **)&ace), "GetAce");
    CHECK(EqualSid((PSID)&ace->SidStart, id.sids[i]), "ACE %lu is for another SID", i);
  }
  LocalFree(sd);
  cd_runner_pipes_close(&p);
  cd_rn_identity_free(&id);
  CloseHandle(restricted);
  CloseHandle(token);
  return PASS;
}

/* ---- the command's restricted token (elevated variant) ---- */

/* With --token the runner starts the command through cd_launch_restricted, on a
 * private desktop that also admits the logon SID. Wine ignores the token of
 * CreateProcessAsUserW, so what the command may then do is not checked here. */
static int restricted_spawn(void) {
  cd_win_token spec = command_spec();
  cd_runner_options opt = {.path = runner_path, .command_token = &spec};
  cd_runner *r = NULL;
  cordon_error err = {0};
  CHECK(cd_runner_start(&opt, &r, &err) == 0, "start: %s", err.message);
  char *cmd[] = {helper_utf8, "echo", "restricted"};
  cd_msg req = request(cmd, 3, false);
  uint32_t pid;
  if (cd_runner_spawn(r, &req, &pid, &err) < 0) {
    cd_runner_free(r);
    if (strstr(err.message, "logon SID") || strstr(err.message, "create the restricted token")) {
      printf("SKIP: this system cannot build the sandbox's restricted token: %s\n", err.message);
      return SKIP;
    }
    CHECK(false, "spawn: %s", err.message);
  }
  result res;
  int c = collect(r, &res, 30000);
  cd_runner_free(r);
  if (c != PASS)
    return c;
  CHECK(strcmp(res.out.p, "restricted\n") == 0, "stdout [%s]", res.out.p);
  CHECK(!res.signaled && res.value == 0, "exit %u", res.value);
  return PASS;
}

/* The spec really decides how the command starts: one naming a sandbox user that
 * is not the runner's own (here: not even an account, under Wine) makes the spawn
 * fail, where CreateProcessW would have started it with the runner's full token. */
static int restricted_user_checked(void) {
  cd_win_token spec = command_spec();
  spec.sids[spec.n_sids++].kind = CD_WIN_TOKEN_SANDBOX_USER;
  cd_runner_options opt = {.path = runner_path, .shared_desktop = true, .command_token = &spec,
                           .command_user = CD_WIN_USER_OFFLINE};
  cd_runner *r = NULL;
  cordon_error err = {0};
  CHECK(cd_runner_start(&opt, &r, &err) == 0, "start: %s", err.message);
  char *cmd[] = {helper_utf8, "echo", "x"};
  cd_msg req = request(cmd, 3, false);
  uint32_t pid;
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == -1, "started the command as another user");
  CHECK(strstr(err.message, CD_WIN_USER_OFFLINE) || strstr(err.message, "logon SID"),
        "error: %s", err.message);
  cd_runner_free(r);
  return PASS;
}

static int launch_called(void *ctx, wchar_t *cmdline, wchar_t *env, PROCESS_INFORMATION *pi,
                         cordon_error *err) {
  *(bool *)ctx = true;
  return cd_error_set(err, 0, "launched");
}

/* Fail closed: a runner of another identity (a launch hook or a token) is never
 * started without a token spec for its commands. */
static int launch_needs_token(void) {
  bool called = false;
  cd_runner_options opt = {.path = runner_path, .launch = launch_called, .launch_ctx = &called};
  cd_runner *r = NULL;
  cordon_error err = {0};
  CHECK(cd_runner_start(&opt, &r, &err) == -1, "started without a token spec");
  CHECK(!called, "the launch hook ran");
  CHECK(strstr(err.message, "no token spec"), "error: %s", err.message);
  /* With the spec, the hook runs and sees it as one --token word. */
  cd_win_token spec = command_spec();
  opt.command_token = &spec;
  CHECK(cd_runner_start(&opt, &r, &err) == -1 && called, "the launch hook did not run: %s",
        err.message);
  return PASS;
}

/* ---- .sandbox-bin ---- */

typedef struct acl_calls {
  int count;
  wchar_t dir[MAX_PATH];
  bool fail;
} acl_calls;

static int record_acl(const wchar_t *dir, void *ctx, cordon_error *err) {
  acl_calls *c = ctx;
  c->count++;
  wcsncpy(c->dir, dir, MAX_PATH - 1);
  if (c->fail)
    return cd_error_set(err, 0, "scripted ACL failure");
  return 0;
}

static bool file_id(const wchar_t *path, ULONGLONG *id) {
  HANDLE h = CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                         OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return false;
  BY_HANDLE_FILE_INFORMATION info;
  BOOL ok = GetFileInformationByHandle(h, &info);
  CloseHandle(h);
  *id = (ULONGLONG)info.nFileIndexHigh << 32 | info.nFileIndexLow;
  return ok;
}

static bool same_bytes(const wchar_t *a, const wchar_t *b) {
  FILE *fa = _wfopen(a, L"rb"), *fb = _wfopen(b, L"rb");
  bool same = fa && fb;
  while (same) {
    int x = fgetc(fa), y = fgetc(fb);
    same = x == y;
    if (x == EOF)
      break;
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

static int sandbox_bin(void) {
  wchar_t tmp[MAX_PATH], home[MAX_PATH];
  GetTempPathW(MAX_PATH, tmp);
  swprintf(home, MAX_PATH, L"%lscordon-home-%lu", tmp, GetCurrentProcessId());
  CHECK(CreateDirectoryW(home, NULL), "mkdir home");
  acl_calls calls = {0};
  cordon_error err = {0};
  wchar_t *path;

  /* A release: <home>\.sandbox-bin\<version>\cordon-runner.exe, same bytes. */
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &path, &err) == 0,
        "install: %s", err.message);
  wchar_t want[MAX_PATH];
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0\\cordon-runner.exe", home);
  CHECK(wcscmp(path, want) == 0, "path %ls", path);
  CHECK(same_bytes(path, runner_path), "the copy differs");
  CHECK(calls.count == 1, "ACL calls %d", calls.count);
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0", home);
  CHECK(wcscmp(calls.dir, want) == 0, "ACL on %ls", calls.dir);

  /* Again: the copy is reused, not rewritten; the ACL is applied again. */
  ULONGLONG id1, id2;
  CHECK(file_id(path, &id1), "id");
  wchar_t *again;
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &again, &err) ==
            0,
        "reinstall: %s", err.message);
  CHECK(file_id(again, &id2) && id1 == id2, "the copy was rewritten");
  CHECK(calls.count == 2, "ACL calls %d", calls.count);

  /* A damaged copy is replaced. */
  FILE *f = _wfopen(path, L"wb");
  CHECK(f, "open the copy");
  fputs("damaged", f);
  fclose(f);
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &again, &err) ==
            0,
        "repair: %s", err.message);
  CHECK(same_bytes(again, runner_path), "the damaged copy stayed");

  /* A development build: dev-<size>-<mtime>, next to the release. */
  WIN32_FILE_ATTRIBUTE_DATA a;
  CHECK(GetFileAttributesExW(runner_path, GetFileExInfoStandard, &a), "stat");
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\dev-%llu-%016llx\\cordon-runner.exe", home,
           (unsigned long long)a.nFileSizeHigh << 32 | a.nFileSizeLow,
           (unsigned long long)a.ftLastWriteTime.dwHighDateTime << 32 |
               a.ftLastWriteTime.dwLowDateTime);
  CHECK(cd_sandbox_bin_install(home, runner_path, NULL, record_acl, &calls, &again, &err) == 0,
        "dev install: %s", err.message);
  CHECK(wcscmp(again, want) == 0, "dev path %ls", again);
  CHECK(same_bytes(again, runner_path), "the dev copy differs");
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0\\cordon-runner.exe", home);
  CHECK(GetFileAttributesW(want) != INVALID_FILE_ATTRIBUTES, "the release copy went away");

  /* No temporary files are left behind. */
  wchar_t pattern[MAX_PATH];
  swprintf(pattern, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0\\*.tmp", home);
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileW(pattern, &fd);
  CHECK(find == INVALID_HANDLE_VALUE, "left behind: %ls", fd.cFileName);

  /* Refusals: a version that would climb out, no ACL step, a failing ACL step. */
  CHECK(cd_sandbox_bin_install(home, runner_path, "..\\evil", record_acl, &calls, &again,
                               &err) == -1,
        "installed under ..\\evil");
  CHECK(strstr(err.message, "cannot name a directory"), "error: %s", err.message);
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", NULL, NULL, &again, &err) == -1,
        "installed without an ACL step");
  calls.fail = true;
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &again, &err) ==
            -1,
        "installed despite a failing ACL step");
  CHECK(strstr(err.message, "restrict the runner's directory: scripted ACL failure"),
        "error: %s", err.message);
  return PASS;
}

/* ---- main ---- */

static const struct {
  const char *name;
  int (*fn)(void);
} scenarios[] = {
    {"pipe_session", pipe_session},
    {"stdin_roundtrip", stdin_roundtrip},
    {"output_drain", output_drain},
    {"tree_kill_terminate", tree_kill_terminate},
    {"tree_kill_runner_death", tree_kill_runner_death},
    {"pid_check", pid_check},
    {"handshake_timeout", handshake_timeout},
    {"spawn_timeout", spawn_timeout},
    {"protocol_error", protocol_error},
    {"spawn_failed", spawn_failed},
    {"cmdline_quoting", cmdline_quoting},
    {"environment_exact", environment_exact},
    {"private_desktop", private_desktop},
    {"conpty_session", conpty_session},
    {"conpty_std_handles", conpty_std_handles},
    {"resize_accepted", resize_accepted},
    {"conpty_resize_applied", conpty_resize_applied},
    {"pipe_dacl", pipe_dacl},
    {"pipe_dacl_restricted", pipe_dacl_restricted},
    {"drain_bounded", drain_bounded},
    {"parent_gone", parent_gone},
    {"server_check", server_check},
    {"sandbox_bin", sandbox_bin},
    {"restricted_spawn", restricted_spawn},
    {"restricted_user_checked", restricted_user_checked},
    {"launch_needs_token", launch_needs_token},
};

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc != 6) {
    printf("usage: test_runner SCENARIO RUNNER HELPER FAKE_SILENT FAKE_CONNECT\n");
    return FAIL;
  }
  runner_path = windows_path(argv[2]);
  helper_path = windows_path(argv[3]);
  fake_silent_path = windows_path(argv[4]);
  fake_connect_path = windows_path(argv[5]);
  helper_utf8 = utf8(helper_path);
  test_env = environment(&test_envc);
  char *name = utf8(argv[1]);
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
    if (strcmp(name, scenarios[i].name) == 0)
      return scenarios[i].fn();
  printf("unknown scenario %s\n", name);
  return FAIL;
}
