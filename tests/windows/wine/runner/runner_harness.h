/* The harness of the runner's Wine tests: each test program plays the parent over
 * real named pipes against the real cordon-runner.exe.
 *
 *   test_runner_* SCENARIO RUNNER HELPER FAKE_SILENT FAKE_CONNECT
 *
 * Exit 0 pass, 1 fail, 77 skip (meson's code), with the reason on stdout. A skip
 * is only reported after observing that the system lacks the feature. */
#ifndef CORDON_TESTS_RUNNER_HARNESS_H
#define CORDON_TESTS_RUNNER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>
#include <windows.h>

#include "common/error.h"
#include "session/frame.h"
#include "windows/win32/runner/parent.h"

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

/* Run STEP, an int-returning check; anything but PASS ends the scenario with it. */
#define STEP(step)                                                                         \
  do {                                                                                     \
    int step_status_ = (step);                                                             \
    if (step_status_ != PASS)                                                              \
      return step_status_;                                                                 \
  } while (0)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* From the command line: absolute Windows paths, and the helper's in UTF-8. */
extern wchar_t *runner_path, *helper_path, *fake_silent_path, *fake_connect_path;
extern char *helper_utf8;

typedef struct bytes {
  char *p;
  size_t len;
} bytes;

void append(bytes *b, const void *data, size_t n);

typedef struct result {
  bytes out, err;
  bool signaled;
  uint32_t value;
} result;

/* A SpawnRequest for ARGV with this process's environment, in the runner's
 * working directory; a 25x80 terminal when TTY. */
cd_msg request(char **argv, uint32_t argc, bool tty);

/* The spec the lowering makes for a workspace run: logon, Everyone, a capability SID. */
cd_win_token command_spec(void);

/* A runner with OPT, or NULL after saying why. */
cd_runner *start_with(const cd_runner_options *opt);
/* A runner of RUNNER_PATH, on a private desktop unless SHARED_DESKTOP. */
cd_runner *start(bool shared_desktop);

/* The low-level steps, to keep the runner's process at hand: the two pipes (for
 * the runner of TOKEN, NULL: this user's), then the runner PATH started on them. */
int pipes_create(cd_runner_pipes *p, HANDLE token);
int launch_raw(const wchar_t *path, cd_runner_pipes *p, PROCESS_INFORMATION *pi);
/* Both, then the handshake, which must succeed: a runner connected by hand. */
int connect_raw(cd_runner_pipes *p, PROCESS_INFORMATION *pi);

/* Start a runner with OPT (NULL: the defaults) and send it REQ. 1 with the runner
 * in *OUT when the command started; 0 when the runner refused it (the error in
 * *ERR, the runner freed); -1 when no runner started (said on stdout). */
int spawn_with(const cd_runner_options *opt, const cd_msg *req, cd_runner **out, uint32_t *pid,
               cordon_error *err);
/* The same where the command must start: PASS with the runner in *OUT, or FAIL. */
int open_session(const cd_runner_options *opt, const cd_msg *req, cd_runner **out,
                 uint32_t *pid);
/* The same where the runner must refuse REQ (WHAT names the wrong outcome); PASS
 * with the refusal in *ERR. */
int spawn_refused(const cd_runner_options *opt, const cd_msg *req, const char *what,
                  cordon_error *err);

/* Output until Exit, then the channel must close. */
int collect(cd_runner *r, result *res, DWORD timeout_ms);
/* collect, then free the runner. */
int finish(cd_runner *r, result *res, DWORD timeout_ms);
/* A whole session: open_session, then finish. */
int session(const cd_runner_options *opt, const cd_msg *req, DWORD timeout_ms, result *res);
/* Start a runner, spawn ARGV, collect everything. */
int run(char **argv, uint32_t argc, bool tty, result *res);

/* Read Output until stdout, from offset FROM on, contains NEEDLE. */
int await_after(cd_runner *r, bytes *out, size_t from, const char *needle);
int await_output(cd_runner *r, bytes *out, const char *needle);

int send_msg(cd_runner *r, cd_msg m);
int send_stdin(cd_runner *r, const char *text);
int close_stdin(cd_runner *r);

/* Whether process PID is gone, or goes within MS. */
bool gone(DWORD pid, DWORD ms);

/* The runner PROCESS must end within MS (ALIVE says what it means if not), with
 * status 1. */
int check_runner_failed(HANDLE process, DWORD ms, const char *alive);

/* The helper's `cat` (stdin back on stdout) in a fresh runner, without a terminal. */
int open_cat(cd_runner **r);

/* The helper's `tree` (a child that starts a grandchild) in a fresh runner, up to
 * its first line, which names both; the child must be the one SpawnReady named. */
int spawn_tree(cd_runner **r, uint32_t *pid, unsigned long *child, unsigned long *grandchild);

/* ARGV on a ConPTY (a 25x80 terminal) in a fresh runner. SKIP
 * (said on stdout) only when the system lacks the API, as the runner reports it. */
int conpty_spawn(cd_runner **out, char **argv, uint32_t argc);

/* Deadlines: TOOK, the milliseconds a wait took, must fall in [MIN_MS, MAX_MS). */
int check_took(ULONGLONG took, ULONGLONG min_ms, ULONGLONG max_ms);

typedef struct scenario {
  const char *name;
  int (*fn)(void);
} scenario;

/* A table entry: the scenario FN, named as the meson test that runs it. */
#define SCENARIO(fn) {#fn, fn}

/* Parse the command line and run the scenario it names. */
int harness_main(int argc, wchar_t **argv, const scenario *scenarios, size_t n);

/* A test program's wmain, for its table SCENARIOS. */
#define HARNESS_MAIN(scenarios)                                                            \
  int wmain(int argc, wchar_t **argv);                                                     \
  int wmain(int argc, wchar_t **argv) {                                                    \
    return harness_main(argc, argv, scenarios, N_OF(scenarios));                           \
  }

#endif
