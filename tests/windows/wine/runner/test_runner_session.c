/* The runner's sessions and their I/O: output, stdin, draining, command lines,
 * environments, refused spawns and broken protocol (runner_harness.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner_harness.h"

static int pipe_session(void) {
  result res;
  char *cmd[] = {"cmd", "/c", "echo hello"};
  STEP(run(cmd, 3, false, &res));
  CHECK(strcmp(res.out.p, "hello\r\n") == 0, "stdout [%s]", res.out.p);
  CHECK(!res.signaled && res.value == 0, "exit %u", res.value);

  char *fail[] = {helper_utf8, "fail", "to stderr", "3"};
  STEP(run(fail, 4, false, &res));
  CHECK(res.out.len == 0, "stdout [%s]", res.out.p);
  CHECK(strcmp(res.err.p, "to stderr") == 0, "stderr [%s]", res.err.p);
  CHECK(!res.signaled && res.value == 3, "exit %u", res.value);
  return PASS;
}

static int stdin_roundtrip(void) {
  cd_runner *r;
  STEP(open_cat(&r));
  /* More than the pipes hold, in frames of several sizes: the runner's writes to
   * the command's stdin must loop, and nothing may be lost or reordered. */
  size_t total = 300 * 1024;
  uint8_t *data = malloc(total);
  for (size_t i = 0; i < total; i++)
    data[i] = (uint8_t)(i * 31 + 7);
  size_t off = 0, chunk = 1;
  while (off < total) {
    size_t n = total - off < chunk ? total - off : chunk;
    STEP(send_msg(r, (cd_msg){.type = CD_MSG_STDIN,
                              .input = {.data = data + off, .len = (uint32_t)n}}));
    off += n;
    chunk = chunk * 3 + 1 > CD_FRAME_CHUNK ? CD_FRAME_CHUNK : chunk * 3 + 1;
  }
  STEP(close_stdin(r));
  result res;
  STEP(finish(r, &res, 30000));
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
  STEP(run(flood, 4, false, &res));
  CHECK(res.out.len == 1048576, "stdout: %lu bytes", (unsigned long)res.out.len);
  CHECK(res.err.len == 65536, "stderr: %lu bytes", (unsigned long)res.err.len);
  for (size_t i = 0; i < res.out.len; i++)
    CHECK(res.out.p[i] == (char)('a' + i % 26), "stdout byte %lu", (unsigned long)i);
  for (size_t i = 0; i < res.err.len; i++)
    CHECK(res.err.p[i] == (char)('a' + (i + 7) % 26), "stderr byte %lu", (unsigned long)i);
  CHECK(res.value == 0, "exit %u", res.value);
  return PASS;
}

/* The command exits but a grandchild keeps its stdout open: the drain ends
 * within its bounds (grace, then the job is killed), the tail is kept, and the
 * grandchild is gone. */
static int drain_bounded(void) {
  char *argv[] = {helper_utf8, "linger"};
  result res;
  ULONGLONG t0 = GetTickCount64();
  STEP(run(argv, 2, false, &res));
  ULONGLONG took = GetTickCount64() - t0;
  unsigned long grandchild;
  CHECK(sscanf(res.out.p, "grandchild=%lu", &grandchild) == 1, "[%s]", res.out.p);
  CHECK(res.value == 0, "exit %u", res.value);
  CHECK(took < 15000, "the session took %llu ms", took);
  CHECK(gone(grandchild, 5000), "the lingering grandchild %lu survived", grandchild);
  return PASS;
}

/* Arguments survive the trip through one Windows command line. */
static int cmdline_quoting(void) {
  char *argv[] = {helper_utf8, "args", "plain", "with space", "\"quoted\"", "back\\slash\\",
                  "trail\\\\", "", "a\\\"b", "tab\there", "\xc3\xbcnic\xc3\xb6" "de"};
  const char *want = "[plain]\n[with space]\n[\"quoted\"]\n[back\\slash\\]\n[trail\\\\]\n[]\n"
                     "[a\\\"b]\n[tab\there]\n[\xc3\xbcnic\xc3\xb6" "de]\n";
  result res;
  STEP(run(argv, N_OF(argv), false, &res));
  CHECK(strcmp(res.out.p, want) == 0, "got:\n%s", res.out.p);
  return PASS;
}

/* The command sees exactly the request's environment: not the runner's, not
 * the parent's. */
static int environment_exact(void) {
  SetEnvironmentVariableW(L"CORDON_PARENT_SECRET", L"hunter2");
  char *argv[] = {helper_utf8, "env", "CORDON_PARENT_SECRET"};
  char *env[] = {"CORDON_ONLY=1", "SystemRoot=C:\\windows"};
  cd_msg req = request(argv, 3, false);
  req.spawn.env = env;
  req.spawn.envc = 2;
  result res;
  STEP(session(NULL, &req, 10000, &res));
  CHECK(strcmp(res.out.p, "CORDON_PARENT_SECRET=<unset>\n") == 0, "[%s]", res.out.p);

  argv[2] = "CORDON_ONLY";
  STEP(session(NULL, &req, 10000, &res));
  CHECK(strcmp(res.out.p, "CORDON_ONLY=1\n") == 0, "[%s]", res.out.p);
  return PASS;
}

/* A fresh runner must refuse ARGV in CWD (NULL: the default), saying MESSAGE. */
static int refused(char **argv, uint32_t argc, char *cwd, const char *what,
                   const char *message, cordon_error *err) {
  cd_msg req = request(argv, argc, false);
  if (cwd)
    req.spawn.cwd = cwd;
  STEP(spawn_refused(NULL, &req, what, err));
  CHECK(strstr(err->message, message), "error: %s", err->message);
  return PASS;
}

static int spawn_failed(void) {
  cordon_error err;
  char *cmd[] = {"cordon-no-such-program-here"};
  STEP(refused(cmd, 1, NULL, "spawned a missing program", "start cordon-no-such-program-here",
               &err));
  CHECK(err.errnum == ENOENT, "errnum %d (%s)", err.errnum, err.message);

  char *quoted[] = {"bad\"name"};
  STEP(refused(quoted, 1, NULL, "spawned a name with a quote", "contains '\"'", &err));

  char *echo[] = {helper_utf8, "echo", "x"};
  return refused(echo, 3, "Z:\\cordon\\no\\such\\dir", "spawned in a missing directory",
                 "enter the working directory Z:\\cordon\\no\\such\\dir", &err);
}

static int protocol_error(void) {
  cd_runner *r = start(false);
  CHECK(r, "no runner");
  STEP(close_stdin(r));
  cd_msg m;
  cordon_error err = {0};
  CHECK(cd_runner_recv(r, &m, 10000, &err) == 1, "recv: %s", err.message);
  CHECK(m.type == CD_MSG_SPAWN_FAILED, "got %s", cd_msg_type_name(m.type));
  CHECK(strstr(m.failed.message, "expected a SpawnRequest, got CloseStdin"), "[%s]",
        m.failed.message);
  CHECK(m.failed.code == EPROTO, "code %u", m.failed.code);
  cd_msg_free(&m);
  STEP(check_runner_failed(cd_runner_process(r), 10000,
                           "the runner should exit after a protocol error"));
  cd_runner_free(r);

  /* A second SpawnRequest in a session: the runner ends it, tree and all, without
   * an Exit. */
  uint32_t pid;
  unsigned long child, grandchild;
  STEP(spawn_tree(&r, &pid, &child, &grandchild));
  char *tree[] = {helper_utf8, "tree"};
  STEP(send_msg(r, request(tree, 2, false)));
  CHECK(cd_runner_recv(r, &m, 15000, &err) == 0, "expected the channel to close: %s",
        err.message);
  CHECK(WaitForSingleObject(cd_runner_process(r), 10000) == WAIT_OBJECT_0, "runner alive");
  CHECK(gone(pid, 5000), "the command survived the broken session");
  cd_runner_free(r);
  return PASS;
}

static const scenario scenarios[] = {
    SCENARIO(pipe_session), SCENARIO(stdin_roundtrip), SCENARIO(output_drain),
    SCENARIO(drain_bounded), SCENARIO(cmdline_quoting), SCENARIO(environment_exact),
    SCENARIO(spawn_failed), SCENARIO(protocol_error),
};

HARNESS_MAIN(scenarios)
