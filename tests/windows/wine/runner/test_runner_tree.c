/* The command's process tree: the job ends it all, whether the parent asks, the
 * runner dies or the parent goes away (runner_harness.h). */
#include <string.h>

#include "runner_harness.h"
#include "windows/win32/common/winutil.h"
#include "windows/win32/runner/handle_io.h"

/* A child that starts a grandchild; KILL ends the session one way or another. */
static int tree_kill(bool by_terminate) {
  cd_runner *r;
  uint32_t pid;
  unsigned long child, grandchild;
  STEP(spawn_tree(&r, &pid, &child, &grandchild));
  CHECK(!gone(child, 0) && !gone(grandchild, 0), "both should run before the kill");
  if (by_terminate) {
    STEP(send_msg(r, (cd_msg){.type = CD_MSG_TERMINATE, .terminate = {.signal = 9}}));
    /* Terminate itself kills the tree: the grandchild holds stdout, so were only
     * the child killed, the runner would wait out its drain grace (2 s) before
     * the job went. */
    CHECK(gone(child, 1500) && gone(grandchild, 1500), "Terminate left part of the tree");
    result res;
    STEP(collect(r, &res, 10000));
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

/* The parent goes away mid-session: the runner kills the tree and exits. */
static int parent_gone(void) {
  cd_runner_pipes p;
  PROCESS_INFORMATION pi;
  STEP(connect_raw(&p, &pi));
  cd_rn_stream to, from;
  cordon_error err = {0};
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
  STEP(check_runner_failed(pi.hProcess, 15000, "the runner lives on"));
  CHECK(gone(child, 5000) && gone(grandchild, 5000), "the tree survived its parent");
  return PASS;
}

static const scenario scenarios[] = {
    SCENARIO(tree_kill_terminate), SCENARIO(tree_kill_runner_death), SCENARIO(parent_gone),
};

HARNESS_MAIN(scenarios)
