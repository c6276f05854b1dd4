#include "windows/win32/runner/session.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "common/error.h"
#include "session/frame.h"
#include "windows/win32/runner/job.h"
#include "windows/win32/runner/spawn.h"
#include "windows/win32/common/winutil.h"

int cd_rn_channel_open(cd_rn_channel *ch, HANDLE in, HANDLE out, cordon_error *err) {
  *ch = (cd_rn_channel){0};
  InitializeSRWLock(&ch->out_lock);
  ch->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ch->stop) {
    CloseHandle(in);
    CloseHandle(out);
    return cd_win_error(err, GetLastError(), "create the channel's stop event");
  }
  if (cd_rn_stream_init(&ch->in, in, true, "the parent's pipe", err) < 0 ||
      cd_rn_stream_init(&ch->out, out, true, "the pipe to the parent", err) < 0) {
    ch->in.h = in;
    ch->out.h = out;
    cd_rn_channel_close(ch);
    return -1;
  }
  ch->in.cancel = ch->out.cancel = ch->stop;
  ch->in_io = cd_rn_stream_io(&ch->in);
  ch->out_io = cd_rn_stream_io(&ch->out);
  return 0;
}

void cd_rn_channel_close(cd_rn_channel *ch) {
  cd_win_closep(&ch->in.h);
  cd_win_closep(&ch->out.h);
  cd_rn_stream_close(&ch->in);
  cd_rn_stream_close(&ch->out);
  cd_win_closep(&ch->stop);
  *ch = (cd_rn_channel){0};
}

static int send_frame(cd_rn_channel *ch, const cd_msg *m, cordon_error *err) {
  AcquireSRWLockExclusive(&ch->out_lock);
  int r = cd_frame_write(&ch->out_io, m, err);
  ReleaseSRWLockExclusive(&ch->out_lock);
  return r;
}

/* ---- output: one thread per pipe ---- */

typedef struct pump {
  cd_rn_channel *ch;
  cd_rn_stream src; /* the command's output, synchronous */
  cd_stream stream;
  HANDLE thread;
  uint8_t buf[CD_FRAME_CHUNK];
} pump;

static DWORD WINAPI pump_main(void *arg) {
  pump *p = arg;
  cd_io io = cd_rn_stream_io(&p->src);
  for (;;) {
    size_t n;
    cordon_error err = {0};
    /* Stops at end of file (every writer gone) or when the read is cancelled. */
    if (io.read(io.ctx, p->buf, sizeof p->buf, &n, &err) < 0 || n == 0)
      return 0;
    cd_msg m = {.type = CD_MSG_OUTPUT,
                .output = {.stream = p->stream, .data = p->buf, .len = (uint32_t)n}};
    /* A failed send means the parent is gone; the control thread sees that too
     * and ends the session. */
    if (send_frame(p->ch, &m, &err) < 0)
      return 0;
  }
}

/* ---- input and control: one thread ---- */

typedef struct session {
  cd_rn_channel *ch;
  cd_rn_child child;
  bool input_closed; /* by CloseStdin */
  volatile LONG terminate_signal;
  HANDLE control_done; /* set when the control loop ends */
  HANDLE control_thread;
  cordon_error control_err; /* why it ended */
  pump pumps[2];
  DWORD npumps;
} session;

static int feed_input(session *s, const cd_msg *m, cordon_error *err) {
  HANDLE h = cd_rn_child_input(&s->child);
  if (!h) {
    if (s->input_closed)
      return cd_error_set_code(err, EPROTO, "the parent sent Stdin after CloseStdin");
    return 0; /* the command stopped reading its input: the rest is dropped */
  }
  cd_rn_stream st;
  cd_rn_stream_init(&st, h, false, "the command's stdin", err); /* cannot fail */
  cd_io io = cd_rn_stream_io(&st);
  cordon_error werr = {0};
  if (cd_io_write_all(&io, m->input.data, m->input.len, &werr) < 0)
    cd_rn_child_close_input(&s->child);
  return 0;
}

static void kill_tree(session *s, UINT code) {
  cordon_error ignored = {0};
  /* Should the job refuse, the command itself still dies; the rest of the tree
   * goes when the runner closes the job. */
  if (cd_rn_job_kill(s->child.job, code, &ignored) < 0)
    TerminateProcess(s->child.process, code);
}

static int on_frame(session *s, const cd_msg *m, cordon_error *err) {
  switch (m->type) {
  case CD_MSG_STDIN:
    return feed_input(s, m, err);
  case CD_MSG_CLOSE_STDIN:
    s->input_closed = true;
    cd_rn_child_close_input(&s->child);
    return 0;
  case CD_MSG_RESIZE:
    /* Without a terminal there is nothing to resize. A resize the system refuses
     * only leaves the old size: the session goes on. */
    if (s->child.tty) {
      cordon_error ignored = {0};
      cd_rn_conpty_resize(&s->child.pty, m->resize.rows, m->resize.cols, &ignored);
    }
    return 0;
  case CD_MSG_TERMINATE:
    /* Windows has no signals: the whole tree is killed, and Exit reports the
     * signal that was asked for, as a POSIX runner would. */
    InterlockedExchange(&s->terminate_signal, (LONG)m->terminate.signal);
    kill_tree(s, 128 + m->terminate.signal);
    return 0;
  default:
    return cd_error_set_code(err, EPROTO, "the parent sent %s during a session",
                        cd_msg_type_name(m->type));
  }
}

static DWORD WINAPI control_main(void *arg) {
  session *s = arg;
  for (;;) {
    cd_msg m;
    int r = cd_frame_read(&s->ch->in_io, &m, &s->control_err);
    if (r == 0)
      cd_error_set_code(&s->control_err, EPIPE, "the parent closed the session");
    if (r <= 0)
      break;
    r = on_frame(s, &m, &s->control_err);
    cd_msg_free(&m);
    if (r < 0)
      break;
  }
  SetEvent(s->control_done);
  return 0;
}

/* ---- the session ---- */

static bool wait_pumps(session *s, DWORD ms) {
  HANDLE threads[2];
  for (DWORD i = 0; i < s->npumps; i++)
    threads[i] = s->pumps[i].thread;
  return WaitForMultipleObjects(s->npumps, threads, TRUE, ms) != WAIT_TIMEOUT;
}

/* Let the output run dry so no tail is lost, within bounds. */
static void drain(session *s) {
  if (s->child.tty) {
    /* A terminal session ends with its shell: what is left attached to the
     * console goes, then the pseudoconsole flushes and closes its end. */
    kill_tree(s, 1);
    cd_rn_conpty_close(&s->child.pty);
  }
  if (wait_pumps(s, CD_RN_DRAIN_GRACE_MS))
    return;
  /* Processes left behind still hold the pipes: end them, which closes the
   * pipes, and the readers reach end of file. */
  kill_tree(s, 1);
  if (wait_pumps(s, CD_RN_STEP_MS))
    return;
  /* A pipe end still open outside the job (never expected): stop reading. */
  for (DWORD i = 0; i < s->npumps; i++)
    CancelSynchronousIo(s->pumps[i].thread);
  if (wait_pumps(s, CD_RN_STEP_MS))
    return;
  /* The parent takes no more output: abort the sends too. */
  SetEvent(s->ch->stop);
  wait_pumps(s, CD_RN_STEP_MS);
}

static int start_threads(session *s, cordon_error *err) {
  s->npumps = s->child.tty ? 1 : 2;
  for (DWORD i = 0; i < s->npumps; i++) {
    pump *p = &s->pumps[i];
    p->ch = s->ch;
    p->stream = i == 0 ? CD_STREAM_STDOUT : CD_STREAM_STDERR;
    cd_rn_stream_init(&p->src, s->child.output[i], false, "the command's output", err);
    p->thread = CreateThread(NULL, 0, pump_main, p, 0, NULL);
    if (!p->thread) {
      s->npumps = i;
      return cd_win_error(err, GetLastError(), "start an output thread");
    }
  }
  s->control_done = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!s->control_done)
    return cd_win_error(err, GetLastError(), "create an event");
  s->control_thread = CreateThread(NULL, 0, control_main, s, 0, NULL);
  if (!s->control_thread)
    return cd_win_error(err, GetLastError(), "start the control thread");
  return 0;
}

/* Stop the control thread, then release everything. If a thread does not stop,
 * what it uses is left alone (the runner exits next, and the system reclaims it). */
static void finish(session *s) {
  bool stopped = true;
  if (s->control_thread) {
    SetEvent(s->ch->stop);
    CancelSynchronousIo(s->control_thread); /* a blocked write to the command's stdin */
    stopped = WaitForSingleObject(s->control_thread, CD_RN_STEP_MS) == WAIT_OBJECT_0;
  }
  for (DWORD i = 0; i < s->npumps; i++)
    stopped = stopped && WaitForSingleObject(s->pumps[i].thread, 0) == WAIT_OBJECT_0;
  if (!stopped)
    return;
  cd_win_closep(&s->control_thread);
  for (DWORD i = 0; i < s->npumps; i++)
    CloseHandle(s->pumps[i].thread);
  cd_win_closep(&s->control_done);
  cd_rn_child_close(&s->child);
  free(s);
}

static int read_request(cd_rn_channel *ch, DWORD first_frame_ms, cd_msg *req,
                        cordon_error *err) {
  ch->in.deadline = cd_win_deadline(first_frame_ms);
  int r = cd_frame_read(&ch->in_io, req, err);
  ch->in.deadline = ULLONG_MAX;
  if (r < 0)
    return cd_error_prefix(err, "read the SpawnRequest");
  if (r == 0)
    return cd_error_set_code(err, EPIPE, "the parent closed the session before a SpawnRequest");
  if (req->type == CD_MSG_SPAWN_REQUEST)
    return 0;
  cd_error_set_code(err, EPROTO, "expected a SpawnRequest, got %s", cd_msg_type_name(req->type));
  cd_msg_free(req);
  return -1;
}

int cd_rn_session_run(cd_rn_channel *ch, DWORD first_frame_ms, const cd_rn_spawn_opts *opts,
                      cordon_error *err) {
  cd_msg req;
  if (read_request(ch, first_frame_ms, &req, err) < 0) {
    /* Say why, if the parent still listens. */
    cd_msg failed = {
        .type = CD_MSG_SPAWN_FAILED,
        .failed = {.code = err->errnum ? (uint32_t)err->errnum : EPROTO, .message = err->message}};
    cordon_error ignored = {0};
    ch->out.deadline = cd_win_deadline(CD_RN_STEP_MS);
    send_frame(ch, &failed, &ignored);
    return -1;
  }
  /* On the heap: should a thread fail to stop, it keeps valid memory until the
   * runner exits (finish() then leaks it on purpose). */
  session *s = calloc(1, sizeof *s);
  if (!s) {
    cd_msg_free(&req);
    return cd_error_oom(err);
  }
  s->ch = ch;
  cordon_error spawn_err = {0};
  int spawned = cd_rn_spawn(&req, opts, &s->child, &spawn_err);
  cd_msg_free(&req);
  if (spawned < 0) {
    free(s);
    cd_msg failed = {
        .type = CD_MSG_SPAWN_FAILED,
        .failed = {.code = spawn_err.errnum ? (uint32_t)spawn_err.errnum : EIO,
                   .message = spawn_err.message}};
    return send_frame(ch, &failed, err);
  }
  cd_msg ready = {.type = CD_MSG_SPAWN_READY, .ready = {.pid = s->child.pid}};
  if (send_frame(ch, &ready, err) < 0 || start_threads(s, err) < 0) {
    kill_tree(s, 1);
    SetEvent(ch->stop);
    if (s->npumps)
      wait_pumps(s, CD_RN_STEP_MS);
    finish(s);
    return -1;
  }

  /* Both ends are events the kernel guarantees: the command exits, or the
   * control loop ends because the parent left or broke the protocol. */
  HANDLE waits[2] = {s->child.process, s->control_done};
  bool exited = WaitForMultipleObjects(2, waits, FALSE, INFINITE) == WAIT_OBJECT_0;
  if (!exited) {
    kill_tree(s, 1);
    WaitForSingleObject(s->child.process, CD_RN_STEP_MS);
  }
  drain(s);

  int r = 0;
  if (exited) {
    LONG sig = s->terminate_signal;
    DWORD code = 0;
    GetExitCodeProcess(s->child.process, &code);
    cd_msg bye = {.type = CD_MSG_EXIT,
                  .exit = {.signaled = sig != 0, .value = sig ? (uint32_t)sig : code}};
    ch->out.deadline = cd_win_deadline(CD_RN_STEP_MS);
    r = send_frame(ch, &bye, err);
  } else {
    *err = s->control_err;
    r = -1;
  }
  finish(s);
  return r;
}
