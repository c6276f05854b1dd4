/* Frame encoder and decoder: every message round-trips byte for byte, known frames
 * have the documented layout, and every malformed frame is refused with a message
 * (never a crash or an over-read: run under ASan in CI). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session/frame.h"

/* ---- helpers ---- */

static uint8_t *encode_ok(const cd_msg *m, size_t *len) {
  cordon_error err = {0};
  uint8_t *buf = NULL;
  if (cd_frame_encode(m, &buf, len, &err) < 0)
    fail_msg("encode %s: %s", cd_msg_type_name(m->type), err.message);
  return buf;
}

/* Decoding BUF must fail with a message containing NEEDLE. */
static void decode_fails(const uint8_t *buf, size_t len, const char *needle) {
  cordon_error err = {0};
  cd_msg m;
  if (cd_frame_decode(buf, len, &m, &err) == 0)
    fail_msg("decoded a frame that should fail with \"%s\"", needle);
  if (!strstr(err.message, needle))
    fail_msg("error \"%s\" does not mention \"%s\"", err.message, needle);
  assert_int_equal(m.type, 0); /* left empty */
}

static void encode_fails(const cd_msg *m, const char *needle) {
  cordon_error err = {0};
  uint8_t *buf = NULL;
  size_t len;
  if (cd_frame_encode(m, &buf, &len, &err) == 0)
    fail_msg("encoded a %s that should fail with \"%s\"", cd_msg_type_name(m->type), needle);
  if (!strstr(err.message, needle))
    fail_msg("error \"%s\" does not mention \"%s\"", err.message, needle);
  assert_null(buf);
}

/* Encode M, decode it into OUT, re-encode OUT: both encodings must be identical,
 * and every strict prefix of the frame must be refused. */
static void round_trip(const cd_msg *m, cd_msg *out) {
  size_t len, len2;
  uint8_t *buf = encode_ok(m, &len);
  cordon_error err = {0};
  if (cd_frame_decode(buf, len, out, &err) < 0)
    fail_msg("decode %s: %s", cd_msg_type_name(m->type), err.message);
  assert_int_equal(out->type, m->type);
  uint8_t *again = encode_ok(out, &len2);
  assert_int_equal(len, len2);
  assert_memory_equal(buf, again, len);
  for (size_t k = 0; k < len; k++) {
    cd_msg partial;
    assert_int_equal(cd_frame_decode(buf, k, &partial, &err), -1);
    assert_true(err.message[0] != '\0');
  }
  free(again);
  free(buf);
}

/* A frame from its parts: the length field is computed unless FORCED_LEN >= 0. */
static size_t make_frame(uint8_t *out, uint8_t type, const void *payload, size_t n,
                         long forced_len) {
  uint32_t len = forced_len >= 0 ? (uint32_t)forced_len : (uint32_t)n;
  out[0] = (uint8_t)len;
  out[1] = (uint8_t)(len >> 8);
  out[2] = (uint8_t)(len >> 16);
  out[3] = (uint8_t)(len >> 24);
  out[4] = type;
  if (n)
    memcpy(out + 5, payload, n);
  return 5 + n;
}

/* Little-endian builders for hand-made payloads. */
typedef struct buf {
  uint8_t *p;
  size_t len;
} buf;

static void b_put(buf *b, const void *d, size_t n) {
  b->p = realloc(b->p, b->len + n + 1);
  assert_non_null(b->p);
  memcpy(b->p + b->len, d, n);
  b->len += n;
}
static void b_u8(buf *b, uint8_t v) { b_put(b, &v, 1); }
static void b_u16(buf *b, uint16_t v) {
  uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  b_put(b, x, 2);
}
static void b_u32(buf *b, uint32_t v) {
  uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  b_put(b, x, 4);
}
static void b_str(buf *b, const char *s, size_t n) {
  b_u32(b, (uint32_t)n);
  b_put(b, s, n);
}

/* Decode a hand-made payload of TYPE; expect failure mentioning NEEDLE. */
static void payload_fails(uint8_t type, buf *b, const char *needle) {
  uint8_t *frame = malloc(5 + b->len);
  assert_non_null(frame);
  size_t n = make_frame(frame, type, b->p, b->len, -1);
  decode_fails(frame, n, needle);
  free(frame);
  free(b->p);
  *b = (buf){0};
}

/* A valid SpawnRequest payload, up to (not including) the tty byte. */
static void spawn_prefix(buf *b) {
  b_u32(b, 1);
  b_str(b, "cmd", 3);
  b_str(b, "", 0);
  b_u32(b, 0);
}

/* ---- round trips ---- */

static void test_spawn_round_trip(void **state) {
  char *argv[] = {"cmd", "/c", "echo hello", "", "\xc3\xa9t\xc3\xa9"};
  char *env[] = {"PATH=C:\\Windows", "=C:=C:\\work", "EMPTY="};
  cd_msg m = {.type = CD_MSG_SPAWN_REQUEST,
              .spawn = {.argv = argv, .argc = 5, .cwd = "C:\\work", .env = env, .envc = 3,
                        .tty = true, .rows = 24, .cols = 80}};
  cd_msg d;
  round_trip(&m, &d);
  assert_int_equal(d.spawn.argc, 5);
  for (int i = 0; i < 5; i++)
    assert_string_equal(d.spawn.argv[i], argv[i]);
  assert_null(d.spawn.argv[5]);
  assert_string_equal(d.spawn.cwd, "C:\\work");
  assert_int_equal(d.spawn.envc, 3);
  for (int i = 0; i < 3; i++)
    assert_string_equal(d.spawn.env[i], env[i]);
  assert_null(d.spawn.env[3]);
  assert_true(d.spawn.tty);
  assert_int_equal(d.spawn.rows, 24);
  assert_int_equal(d.spawn.cols, 80);
  cd_msg_free(&d);
  assert_int_equal(d.type, 0);

  /* No environment, no cwd, no tty. */
  cd_msg bare = {.type = CD_MSG_SPAWN_REQUEST, .spawn = {.argv = argv, .argc = 1, .cwd = ""}};
  round_trip(&bare, &d);
  assert_int_equal(d.spawn.envc, 0);
  assert_non_null(d.spawn.env);
  assert_null(d.spawn.env[0]);
  assert_string_equal(d.spawn.cwd, "");
  assert_false(d.spawn.tty);
  cd_msg_free(&d);
}

static void test_small_messages_round_trip(void **state) {
  uint8_t bytes[] = {0, 1, 2, 0xff, '\n'};
  cd_msg msgs[] = {
      {.type = CD_MSG_SPAWN_READY, .ready = {.pid = 4242}},
      {.type = CD_MSG_SPAWN_FAILED, .failed = {.code = 2, .message = "not found: foo"}},
      {.type = CD_MSG_STDIN, .input = {.data = bytes, .len = sizeof bytes}},
      {.type = CD_MSG_CLOSE_STDIN},
      {.type = CD_MSG_OUTPUT, .output = {.stream = CD_STREAM_STDERR, .data = bytes, .len = 5}},
      {.type = CD_MSG_EXIT, .exit = {.signaled = false, .value = 0xC0000005u}},
      {.type = CD_MSG_EXIT, .exit = {.signaled = true, .value = 9}},
      {.type = CD_MSG_RESIZE, .resize = {.rows = 32767, .cols = 1}},
      {.type = CD_MSG_TERMINATE, .terminate = {.signal = 15}},
  };
  for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
    cd_msg d;
    round_trip(&msgs[i], &d);
    switch (d.type) {
    case CD_MSG_SPAWN_READY: assert_int_equal(d.ready.pid, 4242); break;
    case CD_MSG_SPAWN_FAILED:
      assert_int_equal(d.failed.code, 2);
      assert_string_equal(d.failed.message, "not found: foo");
      break;
    case CD_MSG_STDIN:
      assert_int_equal(d.input.len, sizeof bytes);
      assert_memory_equal(d.input.data, bytes, sizeof bytes);
      break;
    case CD_MSG_OUTPUT:
      assert_int_equal(d.output.stream, CD_STREAM_STDERR);
      assert_memory_equal(d.output.data, bytes, 5);
      break;
    case CD_MSG_EXIT:
      assert_int_equal(d.exit.signaled, msgs[i].exit.signaled);
      assert_int_equal(d.exit.value, msgs[i].exit.value);
      break;
    case CD_MSG_RESIZE:
      assert_int_equal(d.resize.rows, 32767);
      assert_int_equal(d.resize.cols, 1);
      break;
    case CD_MSG_TERMINATE: assert_int_equal(d.terminate.signal, 15); break;
    default: break;
    }
    cd_msg_free(&d);
  }
}

/* The documented layout, byte for byte. */
static void test_known_bytes(void **state) {
  size_t len;
  cd_msg resize = {.type = CD_MSG_RESIZE, .resize = {.rows = 24, .cols = 80}};
  uint8_t *b = encode_ok(&resize, &len);
  uint8_t want_resize[] = {4, 0, 0, 0, 8, 24, 0, 80, 0};
  assert_int_equal(len, sizeof want_resize);
  assert_memory_equal(b, want_resize, len);
  free(b);

  cd_msg exit_msg = {.type = CD_MSG_EXIT, .exit = {.signaled = true, .value = 9}};
  b = encode_ok(&exit_msg, &len);
  uint8_t want_exit[] = {5, 0, 0, 0, 7, 1, 9, 0, 0, 0};
  assert_int_equal(len, sizeof want_exit);
  assert_memory_equal(b, want_exit, len);
  free(b);

  char *argv[] = {"ls"};
  char *env[] = {"A=1"};
  cd_msg spawn = {.type = CD_MSG_SPAWN_REQUEST,
                  .spawn = {.argv = argv, .argc = 1, .cwd = "/", .env = env, .envc = 1}};
  b = encode_ok(&spawn, &len);
  uint8_t want_spawn[] = {31, 0, 0, 0, 1,                   /* header */
                          1, 0, 0, 0, 2, 0, 0, 0, 'l', 's', /* argv */
                          1, 0, 0, 0, '/',                  /* cwd */
                          1, 0, 0, 0, 3, 0, 0, 0, 'A', '=', '1', /* env */
                          0, 0, 0, 0, 0};                   /* tty, rows, cols */
  assert_int_equal(len, sizeof want_spawn);
  assert_memory_equal(b, want_spawn, len);
  free(b);
}

/* A blob of exactly the frame limit is fine; one more byte is refused both ways. */
static void test_size_limits(void **state) {
  uint8_t *big = calloc(CD_FRAME_MAX_PAYLOAD + 1, 1);
  assert_non_null(big);
  cd_msg in = {.type = CD_MSG_STDIN, .input = {.data = big, .len = CD_FRAME_MAX_PAYLOAD}};
  size_t len;
  uint8_t *b = encode_ok(&in, &len);
  assert_int_equal(len, CD_FRAME_HEADER_SIZE + CD_FRAME_MAX_PAYLOAD);
  cd_msg d;
  cordon_error err = {0};
  assert_int_equal(cd_frame_decode(b, len, &d, &err), 0);
  assert_int_equal(d.input.len, CD_FRAME_MAX_PAYLOAD);
  cd_msg_free(&d);
  free(b);

  in.input.len = CD_FRAME_MAX_PAYLOAD + 1;
  encode_fails(&in, "do not fit");
  cd_msg out = {.type = CD_MSG_OUTPUT,
                .output = {.stream = CD_STREAM_STDOUT, .data = big, .len = CD_FRAME_MAX_PAYLOAD}};
  encode_fails(&out, "do not fit");
  out.output.len = CD_FRAME_MAX_PAYLOAD - 1;
  b = encode_ok(&out, &len);
  free(b);
  free(big);

  /* Many strings that are each legal but together exceed the frame. */
  char *s = malloc(CD_FRAME_MAX_STRING + 1);
  assert_non_null(s);
  memset(s, 'x', CD_FRAME_MAX_STRING);
  s[0] = 'V';
  s[1] = '=';
  s[CD_FRAME_MAX_STRING] = '\0';
  char *env[40];
  for (int i = 0; i < 40; i++)
    env[i] = s;
  char *argv[] = {"x"};
  cd_msg spawn = {.type = CD_MSG_SPAWN_REQUEST,
                  .spawn = {.argv = argv, .argc = 1, .cwd = "", .env = env, .envc = 40}};
  encode_fails(&spawn, "exceed the limit");
  free(s);
}

/* ---- malformed frames ---- */

static void test_truncated(void **state) {
  uint8_t f[16] = {0};
  decode_fails(f, 0, "truncated header (0 of 5");
  make_frame(f, CD_MSG_TERMINATE, "\x09\0\0\0", 4, -1);
  decode_fails(f, 4, "truncated header (4 of 5");
  decode_fails(f, 8, "truncated payload (3 of 4");
  /* The header promises more than the buffer holds. */
  make_frame(f, CD_MSG_RESIZE, "\x18\0\x50\0", 4, 9);
  decode_fails(f, 9, "truncated payload (4 of 9");
  /* Fields that run past the payload. */
  make_frame(f, CD_MSG_RESIZE, "\x18\0\x50", 3, -1);
  decode_fails(f, 8, "Resize: cols runs past the end");
  make_frame(f, CD_MSG_SPAWN_READY, "\1\0", 2, -1);
  decode_fails(f, 7, "SpawnReady: pid runs past the end");
  make_frame(f, CD_MSG_OUTPUT, "", 0, -1);
  decode_fails(f, 5, "Output: stream runs past the end");
  make_frame(f, CD_MSG_EXIT, "\0\1\0", 3, -1);
  decode_fails(f, 8, "Exit: value runs past the end");

  buf b = {0};
  b_u32(&b, 1);
  b_u32(&b, 10); /* argv[0] claims 10 bytes */
  b_put(&b, "abc", 3);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argv[0] runs past the end");
  spawn_prefix(&b);
  b_u8(&b, 0);
  b_u16(&b, 0); /* no cols */
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "cols runs past the end");
  b_u32(&b, 1);
  b_u32(&b, 2); /* a length shorter than the text: the rest is garbage */
  b_put(&b, "abc", 3);
  payload_fails(CD_MSG_SPAWN_FAILED, &b, "trailing bytes");
}

static void test_oversized(void **state) {
  uint8_t f[8] = {0};
  make_frame(f, CD_MSG_STDIN, "", 0, CD_FRAME_MAX_PAYLOAD + 1);
  decode_fails(f, 5, "exceeds the limit");
  make_frame(f, CD_MSG_OUTPUT, "", 0, 0xffffffffL);
  decode_fails(f, 5, "Output payload of 4294967295 bytes exceeds the limit");

  buf b = {0};
  b_u32(&b, 1);
  b_u32(&b, CD_FRAME_MAX_STRING + 1);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argv[0] is 32768 bytes, over the limit");
  b_u32(&b, 1);
  b_u32(&b, CD_FRAME_MAX_ERROR + 1);
  payload_fails(CD_MSG_SPAWN_FAILED, &b, "message is 4097 bytes");
}

static void test_bad_type(void **state) {
  uint8_t f[8] = {0};
  const uint8_t types[] = {0, 10, 0x7f, 0xff};
  for (size_t i = 0; i < sizeof types; i++) {
    make_frame(f, types[i], "", 0, -1);
    decode_fails(f, 5, "unknown message type");
  }
  cd_msg bogus = {.type = (cd_msg_type)42};
  encode_fails(&bogus, "unknown message type 42");
  assert_string_equal(cd_msg_type_name(42), "unknown");
}

static void test_trailing(void **state) {
  uint8_t f[16] = {0};
  /* Bytes after the frame the header describes. */
  size_t n = make_frame(f, CD_MSG_CLOSE_STDIN, "", 0, -1);
  f[n] = 0;
  decode_fails(f, n + 1, "1 bytes after the frame");
  /* Bytes inside the payload that no field claims. */
  n = make_frame(f, CD_MSG_CLOSE_STDIN, "x", 1, -1);
  decode_fails(f, n, "CloseStdin: 1 trailing bytes");
  n = make_frame(f, CD_MSG_RESIZE, "\x18\0\x50\0\0", 5, -1);
  decode_fails(f, n, "Resize: 1 trailing bytes");
  n = make_frame(f, CD_MSG_TERMINATE, "\x09\0\0\0\0\0", 6, -1);
  decode_fails(f, n, "Terminate: 2 trailing bytes");
  buf b = {0};
  spawn_prefix(&b);
  b_u8(&b, 0);
  b_u32(&b, 0);
  b_u8(&b, 7);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "SpawnRequest: 1 trailing bytes");
}

static void test_bad_counts(void **state) {
  buf b = {0};
  b_u32(&b, 0); /* no argv */
  b_str(&b, "", 0);
  b_u32(&b, 0);
  b_u8(&b, 0);
  b_u32(&b, 0);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argc 0 is outside 1..4096");

  b_u32(&b, CD_FRAME_MAX_ARGS + 1);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argv count 4097 is over the limit");

  /* A legal count that the frame is far too small to hold: refused before the
   * array is allocated. */
  b_u32(&b, CD_FRAME_MAX_ARGS);
  b_str(&b, "a", 1);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argv count 4096 needs more bytes");

  b_u32(&b, 1);
  b_str(&b, "a", 1);
  b_str(&b, "", 0);
  b_u32(&b, CD_FRAME_MAX_ENV + 1);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "env count 4097 is over the limit");

  b_u32(&b, 1);
  b_str(&b, "a", 1);
  b_str(&b, "", 0);
  b_u32(&b, 2);
  b_str(&b, "A=1", 3);
  b_u32(&b, 50);
  b_put(&b, "B=2", 3);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "env[1] runs past the end");

  /* The encoder enforces the same counts. */
  char *argv[] = {"a"};
  cd_msg m = {.type = CD_MSG_SPAWN_REQUEST, .spawn = {.argv = argv, .argc = 0, .cwd = ""}};
  encode_fails(&m, "argc 0");
  m.spawn.argc = CD_FRAME_MAX_ARGS + 1;
  encode_fails(&m, "argc 4097");
  m.spawn.argc = 1;
  m.spawn.envc = CD_FRAME_MAX_ENV + 1;
  encode_fails(&m, "envc 4097");
}

static void test_bad_strings(void **state) {
  buf b = {0};
  b_u32(&b, 1);
  b_str(&b, "c\0md", 4);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argv[0] contains a NUL byte");

  b_u32(&b, 2);
  b_str(&b, "", 0);
  b_str(&b, "x", 1);
  b_str(&b, "", 0);
  b_u32(&b, 0);
  b_u8(&b, 0);
  b_u32(&b, 0);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "argv[0] is empty");

  const char *bad_env[] = {"NOEQUALS", "=", "=C:", ""};
  const char *needles[] = {"env[0] is not NAME=value", "env[0] is not NAME=value",
                           "env[0] is not NAME=value", "env[0] is empty"};
  for (int i = 0; i < 4; i++) {
    b_u32(&b, 1);
    b_str(&b, "a", 1);
    b_str(&b, "", 0);
    b_u32(&b, 1);
    b_str(&b, bad_env[i], strlen(bad_env[i]));
    b_u8(&b, 0);
    b_u32(&b, 0);
    payload_fails(CD_MSG_SPAWN_REQUEST, &b, needles[i]);
  }

  b_u32(&b, 1);
  b_str(&b, "", 0);
  payload_fails(CD_MSG_SPAWN_FAILED, &b, "SpawnFailed: message is empty");

  char *argv[] = {"a"};
  char *env[] = {"NOEQUALS"};
  cd_msg m = {.type = CD_MSG_SPAWN_REQUEST,
              .spawn = {.argv = argv, .argc = 1, .cwd = "", .env = env, .envc = 1}};
  encode_fails(&m, "env[0] is not NAME=value");
  cd_msg f = {.type = CD_MSG_SPAWN_FAILED, .failed = {.message = ""}};
  encode_fails(&f, "message is empty");
}

static void test_bad_fields(void **state) {
  buf b = {0};
  spawn_prefix(&b);
  b_u8(&b, 2);
  b_u32(&b, 0);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "tty is 2, not 0 or 1");
  spawn_prefix(&b);
  b_u8(&b, 0);
  b_u16(&b, 24);
  b_u16(&b, 80);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "a terminal size without tty");
  spawn_prefix(&b);
  b_u8(&b, 1);
  b_u16(&b, 0);
  b_u16(&b, 80);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "terminal size 0x80 is outside");
  spawn_prefix(&b);
  b_u8(&b, 1);
  b_u16(&b, 24);
  b_u16(&b, 40000);
  payload_fails(CD_MSG_SPAWN_REQUEST, &b, "terminal size 24x40000 is outside");

  b_u32(&b, 0);
  payload_fails(CD_MSG_SPAWN_READY, &b, "SpawnReady: pid 0");
  payload_fails(CD_MSG_STDIN, &b, "Stdin: no bytes");
  b_u8(&b, 1);
  payload_fails(CD_MSG_OUTPUT, &b, "Output: no bytes");
  b_u8(&b, 3);
  b_put(&b, "x", 1);
  payload_fails(CD_MSG_OUTPUT, &b, "Output: unknown stream 3");
  b_u8(&b, 2);
  b_u32(&b, 0);
  payload_fails(CD_MSG_EXIT, &b, "Exit: kind is 2");
  b_u8(&b, 1);
  b_u32(&b, 0);
  payload_fails(CD_MSG_EXIT, &b, "Exit: signal 0 is outside 1..64");
  b_u8(&b, 1);
  b_u32(&b, 65);
  payload_fails(CD_MSG_EXIT, &b, "Exit: signal 65");
  b_u16(&b, 0);
  b_u16(&b, 0);
  payload_fails(CD_MSG_RESIZE, &b, "Resize: terminal size 0x0");
  b_u16(&b, 32768);
  b_u16(&b, 10);
  payload_fails(CD_MSG_RESIZE, &b, "Resize: terminal size 32768x10");
  b_u32(&b, 0);
  payload_fails(CD_MSG_TERMINATE, &b, "Terminate: signal 0");
  b_u32(&b, 0xffffffff);
  payload_fails(CD_MSG_TERMINATE, &b, "Terminate: signal 4294967295");

  /* The encoder refuses the same values. */
  cd_msg m = {.type = CD_MSG_OUTPUT,
              .output = {.stream = (cd_stream)0, .data = (uint8_t *)"x", .len = 1}};
  encode_fails(&m, "unknown stream 0");
  cd_msg t = {.type = CD_MSG_TERMINATE, .terminate = {.signal = 65}};
  encode_fails(&t, "signal 65");
  cd_msg r = {.type = CD_MSG_RESIZE, .resize = {.rows = 1, .cols = 0}};
  encode_fails(&r, "terminal size 1x0");
  cd_msg s = {.type = CD_MSG_SPAWN_READY};
  encode_fails(&s, "pid 0");
  char *argv[] = {"a"};
  cd_msg sp = {.type = CD_MSG_SPAWN_REQUEST,
               .spawn = {.argv = argv, .argc = 1, .cwd = "", .rows = 5, .cols = 5}};
  encode_fails(&sp, "without tty");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spawn_round_trip),
      cmocka_unit_test(test_small_messages_round_trip),
      cmocka_unit_test(test_known_bytes),
      cmocka_unit_test(test_size_limits),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_oversized),
      cmocka_unit_test(test_bad_type),
      cmocka_unit_test(test_trailing),
      cmocka_unit_test(test_bad_counts),
      cmocka_unit_test(test_bad_strings),
      cmocka_unit_test(test_bad_fields),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
