/* The harness of the runner's Wine tests (runner_harness.h). */
#include "runner_harness.h"

#include <stdlib.h>
#include <string.h>

wchar_t *runner_path, *helper_path, *fake_silent_path, *fake_connect_path;
char *helper_utf8;

static char **test_env;
static uint32_t test_envc;

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

void append(bytes *b, const void *data, size_t n) {
  b->p = realloc(b->p, b->len + n + 1);
  memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
}

cd_msg request(char **argv, uint32_t argc, bool tty) {
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

cd_win_token command_spec(void) {
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

/* ---- starting a runner, opening a session ---- */

cd_runner *start_with(const cd_runner_options *opt) {
  cd_runner *r = NULL;
  cordon_error err = {0};
  if (cd_runner_start(opt, &r, &err) < 0) {
    printf("cd_runner_start: %s\n", err.message);
    return NULL;
  }
  return r;
}

cd_runner *start(bool shared_desktop) {
  return start_with(&(cd_runner_options){.path = runner_path, .shared_desktop = shared_desktop});
}

int pipes_create(cd_runner_pipes *p, HANDLE token) {
  cordon_error err = {0};
  CHECK(cd_runner_pipes_create(p, token, &err) == 0, "pipes: %s", err.message);
  return PASS;
}

int launch_raw(const wchar_t *path, cd_runner_pipes *p, PROCESS_INFORMATION *pi) {
  cordon_error err = {0};
  cd_runner_options opt = {.path = path};
  CHECK(cd_runner_launch(&opt, p, pi, &err) == 0, "launch: %s", err.message);
  return PASS;
}

int connect_raw(cd_runner_pipes *p, PROCESS_INFORMATION *pi) {
  STEP(pipes_create(p, NULL));
  STEP(launch_raw(runner_path, p, pi));
  cordon_error err = {0};
  CHECK(cd_runner_handshake(p, pi->hProcess, pi->dwProcessId, 10000, &err) == 0, "%s",
        err.message);
  return PASS;
}

int spawn_with(const cd_runner_options *opt, const cd_msg *req, cd_runner **out, uint32_t *pid,
               cordon_error *err) {
  *out = start_with(opt ? opt : &(cd_runner_options){.path = runner_path});
  if (!*out)
    return -1;
  *err = (cordon_error){0};
  if (cd_runner_spawn(*out, req, pid, err) < 0) {
    cd_runner_free(*out);
    *out = NULL;
    return 0;
  }
  return 1;
}

int open_session(const cd_runner_options *opt, const cd_msg *req, cd_runner **out,
                 uint32_t *pid) {
  cordon_error err;
  int s = spawn_with(opt, req, out, pid, &err);
  CHECK(s != -1, "no runner");
  CHECK(s == 1, "spawn: %s", err.message);
  return PASS;
}

int spawn_refused(const cd_runner_options *opt, const cd_msg *req, const char *what,
                  cordon_error *err) {
  cd_runner *r;
  uint32_t pid;
  int s = spawn_with(opt, req, &r, &pid, err);
  CHECK(s != -1, "no runner");
  if (s == 1)
    cd_runner_free(r);
  CHECK(s == 0, "%s", what);
  return PASS;
}

/* ---- reading a session ---- */

int collect(cd_runner *r, result *res, DWORD timeout_ms) {
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

int finish(cd_runner *r, result *res, DWORD timeout_ms) {
  int c = collect(r, res, timeout_ms);
  cd_runner_free(r);
  return c;
}

int session(const cd_runner_options *opt, const cd_msg *req, DWORD timeout_ms, result *res) {
  cd_runner *r;
  uint32_t pid;
  STEP(open_session(opt, req, &r, &pid));
  return finish(r, res, timeout_ms);
}

int run(char **argv, uint32_t argc, bool tty, result *res) {
  cd_msg req = request(argv, argc, tty);
  return session(NULL, &req, 30000, res);
}

int await_after(cd_runner *r, bytes *out, size_t from, const char *needle) {
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

int await_output(cd_runner *r, bytes *out, const char *needle) {
  return await_after(r, out, 0, needle);
}

/* ---- writing to a session ---- */

int send_msg(cd_runner *r, cd_msg m) {
  cordon_error err = {0};
  CHECK(cd_runner_send(r, &m, &err) == 0, "send %s: %s", cd_msg_type_name(m.type), err.message);
  return PASS;
}

int send_stdin(cd_runner *r, const char *text) {
  return send_msg(r, (cd_msg){.type = CD_MSG_STDIN,
                              .input = {.data = (uint8_t *)text, .len = (uint32_t)strlen(text)}});
}

int close_stdin(cd_runner *r) { return send_msg(r, (cd_msg){.type = CD_MSG_CLOSE_STDIN}); }

/* ---- processes ---- */

bool gone(DWORD pid, DWORD ms) {
  HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (!h)
    return true;
  bool done = WaitForSingleObject(h, ms) == WAIT_OBJECT_0;
  CloseHandle(h);
  return done;
}

int check_runner_failed(HANDLE process, DWORD ms, const char *alive) {
  CHECK(WaitForSingleObject(process, ms) == WAIT_OBJECT_0, "%s", alive);
  DWORD code;
  GetExitCodeProcess(process, &code);
  CHECK(code == 1, "runner exit %lu", code);
  return PASS;
}

int open_cat(cd_runner **r) {
  char *cat[] = {helper_utf8, "cat"};
  cd_msg req = request(cat, 2, false);
  uint32_t pid;
  return open_session(NULL, &req, r, &pid);
}

int spawn_tree(cd_runner **r, uint32_t *pid, unsigned long *child, unsigned long *grandchild) {
  char *tree[] = {helper_utf8, "tree"};
  cd_msg req = request(tree, 2, false);
  STEP(open_session(NULL, &req, r, pid));
  bytes out = {0};
  STEP(await_output(*r, &out, "\n"));
  CHECK(sscanf(out.p, "child=%lu grandchild=%lu", child, grandchild) == 2, "[%s]", out.p);
  CHECK(*child == *pid, "SpawnReady said %u, the child says %lu", *pid, *child);
  free(out.p);
  return PASS;
}

int conpty_spawn(cd_runner **out, char **argv, uint32_t argc) {
  cd_msg req = request(argv, argc, true);
  uint32_t pid;
  cordon_error err;
  int s = spawn_with(NULL, &req, out, &pid, &err);
  CHECK(s != -1, "no runner");
  if (s == 0 && strstr(err.message, "no pseudoconsole API")) {
    printf("SKIP: this system has no ConPTY API\n");
    return SKIP;
  }
  CHECK(s == 1, "spawn: %s", err.message);
  return PASS;
}

int check_took(ULONGLONG took, ULONGLONG min_ms, ULONGLONG max_ms) {
  CHECK(took >= min_ms && took < max_ms, "gave up after %llu ms", took);
  return PASS;
}

/* ---- main ---- */

int harness_main(int argc, wchar_t **argv, const scenario *scenarios, size_t n) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc != 6) {
    printf("usage: %ls SCENARIO RUNNER HELPER FAKE_SILENT FAKE_CONNECT\n", argv[0]);
    return FAIL;
  }
  runner_path = windows_path(argv[2]);
  helper_path = windows_path(argv[3]);
  fake_silent_path = windows_path(argv[4]);
  fake_connect_path = windows_path(argv[5]);
  helper_utf8 = utf8(helper_path);
  test_env = environment(&test_envc);
  char *name = utf8(argv[1]);
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, scenarios[i].name) == 0)
      return scenarios[i].fn();
  printf("unknown scenario %s\n", name);
  return FAIL;
}
