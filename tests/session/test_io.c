/* The frame reader and writer over streams that move a few bytes at a time, end
 * early, fail, or stall; and over a real pipe with a frame larger than its buffer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/error.h"
#include "session/io.h"

/* A scripted stream: reads serve DATA at most STEP bytes per call; writes append
 * to OUT at most STEP bytes per call (0 bytes when STALL). */
typedef struct fake {
  const uint8_t *data;
  size_t len, pos;
  size_t step;
  size_t max_asked; /* the largest read request seen */
  uint8_t out[1 << 16];
  size_t out_len;
  bool fail, stall;
} fake;

static int scripted_failure(cordon_error *err) {
  return cd_error_set(err, 0, "scripted failure");
}

static int fake_read(void *ctx, void *buf, size_t len, size_t *done, cordon_error *err) {
  fake *f = ctx;
  if (f->fail)
    return scripted_failure(err);
  if (len > f->max_asked)
    f->max_asked = len;
  size_t n = f->len - f->pos;
  if (n > len)
    n = len;
  if (n > f->step)
    n = f->step;
  memcpy(buf, f->data + f->pos, n);
  f->pos += n;
  *done = n;
  return 0;
}

static int fake_write(void *ctx, const void *buf, size_t len, size_t *done,
                      cordon_error *err) {
  fake *f = ctx;
  if (f->fail)
    return scripted_failure(err);
  size_t n = f->stall ? 0 : (len < f->step ? len : f->step);
  assert_true(f->out_len + n <= sizeof f->out);
  memcpy(f->out + f->out_len, buf, n);
  f->out_len += n;
  *done = n;
  return 0;
}

static cd_io fake_io(fake *f) {
  return (cd_io){.ctx = f, .read = fake_read, .write = fake_write};
}

static uint8_t *encode(const cd_msg *m, size_t *len) {
  cordon_error err = {0};
  uint8_t *b = NULL;
  assert_int_equal(cd_frame_encode(m, &b, len, &err), 0);
  return b;
}

/* Three frames back to back, delivered one byte per read, then a clean end. */
static void test_read_byte_at_a_time(void **state) {
  char *argv[] = {"cmd", "/c", "echo", "hello"};
  cd_msg msgs[] = {
      {.type = CD_MSG_SPAWN_REQUEST,
       .spawn = {.argv = argv, .argc = 4, .cwd = "C:\\", .tty = true, .rows = 5, .cols = 6}},
      {.type = CD_MSG_CLOSE_STDIN},
      {.type = CD_MSG_EXIT, .exit = {.value = 3}},
  };
  uint8_t stream[512];
  size_t total = 0;
  for (int i = 0; i < 3; i++) {
    size_t n;
    uint8_t *b = encode(&msgs[i], &n);
    memcpy(stream + total, b, n);
    total += n;
    free(b);
  }
  for (size_t step = 1; step <= 7; step += 3) {
    fake f = {.data = stream, .len = total, .step = step};
    cd_io io = fake_io(&f);
    cordon_error err = {0};
    cd_msg m;
    assert_int_equal(cd_frame_read(&io, &m, &err), 1);
    assert_int_equal(m.type, CD_MSG_SPAWN_REQUEST);
    assert_string_equal(m.spawn.argv[3], "hello");
    assert_int_equal(m.spawn.cols, 6);
    cd_msg_free(&m);
    assert_int_equal(cd_frame_read(&io, &m, &err), 1);
    assert_int_equal(m.type, CD_MSG_CLOSE_STDIN);
    assert_int_equal(cd_frame_read(&io, &m, &err), 1);
    assert_int_equal(m.type, CD_MSG_EXIT);
    assert_int_equal(m.exit.value, 3);
    assert_int_equal(cd_frame_read(&io, &m, &err), 0);
    assert_int_equal(m.type, 0);
  }
}

static void test_read_ends_inside_frame(void **state) {
  cd_msg exit_msg = {.type = CD_MSG_EXIT, .exit = {.value = 1}};
  size_t n;
  uint8_t *b = encode(&exit_msg, &n);
  cordon_error err = {0};
  cd_msg m;

  fake f = {.data = b, .len = 3, .step = 2};
  cd_io io = fake_io(&f);
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_non_null(strstr(err.message, "ended inside a header (3 of 5 bytes)"));

  f = (fake){.data = b, .len = n - 1, .step = 2};
  io = fake_io(&f);
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_non_null(strstr(err.message, "Exit: the stream ended inside the payload (4 of 5"));
  free(b);
}

/* A header announcing too much is refused before a byte of payload is asked for. */
static void test_read_oversized_header(void **state) {
  uint8_t h[] = {0xff, 0xff, 0xff, 0x7f, CD_MSG_STDIN, 'x', 'y'};
  fake f = {.data = h, .len = sizeof h, .step = 100};
  cd_io io = fake_io(&f);
  cordon_error err = {0};
  cd_msg m;
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_non_null(strstr(err.message, "exceeds the limit"));
  assert_int_equal(f.pos, CD_FRAME_HEADER_SIZE);
  assert_int_equal(f.max_asked, CD_FRAME_HEADER_SIZE);

  uint8_t bad[] = {0, 0, 0, 0, 99};
  f = (fake){.data = bad, .len = sizeof bad, .step = 100};
  io = fake_io(&f);
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_non_null(strstr(err.message, "unknown message type 99"));
}

static void test_read_malformed_payload(void **state) {
  uint8_t frame[] = {1, 0, 0, 0, CD_MSG_TERMINATE, 9};
  fake f = {.data = frame, .len = sizeof frame, .step = 100};
  cd_io io = fake_io(&f);
  cordon_error err = {0};
  cd_msg m;
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_non_null(strstr(err.message, "Terminate: signal runs past the end"));
  assert_int_equal(m.type, 0);
}

static void test_write_partial(void **state) {
  uint8_t payload[3000];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(i * 7);
  cd_msg out = {.type = CD_MSG_OUTPUT,
                .output = {.stream = CD_STREAM_STDOUT, .data = payload, .len = sizeof payload}};
  for (size_t step = 1; step < 5; step++) {
    fake f = {.step = step};
    cd_io io = fake_io(&f);
    cordon_error err = {0};
    assert_int_equal(cd_frame_write(&io, &out, &err), 0);
    size_t n;
    uint8_t *want = encode(&out, &n);
    assert_int_equal(f.out_len, n);
    assert_memory_equal(f.out, want, n);
    free(want);
  }
}

static void test_write_stall_and_errors(void **state) {
  cd_msg msg = {.type = CD_MSG_CLOSE_STDIN};
  fake f = {.step = 2, .stall = true};
  cd_io io = fake_io(&f);
  cordon_error err = {0};
  assert_int_equal(cd_frame_write(&io, &msg, &err), -1);
  assert_non_null(strstr(err.message, "no progress (0 of 5 bytes written)"));

  f = (fake){.step = 2, .fail = true};
  io = fake_io(&f);
  assert_int_equal(cd_frame_write(&io, &msg, &err), -1);
  assert_string_equal(err.message, "scripted failure");
  cd_msg m;
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_string_equal(err.message, "scripted failure");

  /* An invalid message is refused before anything is written. */
  cd_msg bad = {.type = CD_MSG_TERMINATE};
  f = (fake){.step = 2};
  io = fake_io(&f);
  assert_int_equal(cd_frame_write(&io, &bad, &err), -1);
  assert_int_equal(f.out_len, 0);
}

/* A maximal frame through a real pipe: the writer blocks on the pipe buffer many
 * times, the reader sees many short reads. */
static void test_fd_pipe(void **state) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  uint8_t *data = malloc(CD_FRAME_MAX_PAYLOAD - 1);
  assert_non_null(data);
  for (size_t i = 0; i < CD_FRAME_MAX_PAYLOAD - 1; i++)
    data[i] = (uint8_t)(i % 251);
  cd_msg out = {
      .type = CD_MSG_OUTPUT,
      .output = {.stream = CD_STREAM_STDERR, .data = data, .len = CD_FRAME_MAX_PAYLOAD - 1}};
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    cd_io io = cd_io_fd(&fds[1]);
    cordon_error err = {0};
    cd_msg bye = {.type = CD_MSG_EXIT, .exit = {.signaled = true, .value = 15}};
    _exit(cd_frame_write(&io, &out, &err) == 0 && cd_frame_write(&io, &bye, &err) == 0 ? 0
                                                                                       : 1);
  }
  close(fds[1]);
  cd_io io = cd_io_fd(&fds[0]);
  cordon_error err = {0};
  cd_msg m;
  assert_int_equal(cd_frame_read(&io, &m, &err), 1);
  assert_int_equal(m.type, CD_MSG_OUTPUT);
  assert_int_equal(m.output.stream, CD_STREAM_STDERR);
  assert_int_equal(m.output.len, CD_FRAME_MAX_PAYLOAD - 1);
  assert_memory_equal(m.output.data, data, m.output.len);
  cd_msg_free(&m);
  assert_int_equal(cd_frame_read(&io, &m, &err), 1);
  assert_int_equal(m.type, CD_MSG_EXIT);
  assert_true(m.exit.signaled);
  assert_int_equal(cd_frame_read(&io, &m, &err), 0);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(fds[0]);

  /* A closed descriptor is an error with errno's text. */
  int closed = fds[0];
  io = cd_io_fd(&closed);
  assert_int_equal(cd_frame_read(&io, &m, &err), -1);
  assert_int_equal(err.errnum, EBADF);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_byte_at_a_time),
      cmocka_unit_test(test_read_ends_inside_frame),
      cmocka_unit_test(test_read_oversized_header),
      cmocka_unit_test(test_read_malformed_payload),
      cmocka_unit_test(test_write_partial),
      cmocka_unit_test(test_write_stall_and_errors),
      cmocka_unit_test(test_fd_pipe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
