#include "session/frame.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"

const char *cd_msg_type_name(unsigned type) {
  switch (type) {
  case CD_MSG_SPAWN_REQUEST: return "SpawnRequest";
  case CD_MSG_SPAWN_READY: return "SpawnReady";
  case CD_MSG_SPAWN_FAILED: return "SpawnFailed";
  case CD_MSG_STDIN: return "Stdin";
  case CD_MSG_CLOSE_STDIN: return "CloseStdin";
  case CD_MSG_OUTPUT: return "Output";
  case CD_MSG_EXIT: return "Exit";
  case CD_MSG_RESIZE: return "Resize";
  case CD_MSG_TERMINATE: return "Terminate";
  }
  return "unknown";
}

static uint32_t load_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int cd_frame_parse_header(const uint8_t header[CD_FRAME_HEADER_SIZE], cd_msg_type *type,
                          uint32_t *payload_len, cordon_error *err) {
  uint32_t len = load_u32(header);
  uint8_t t = header[4];
  if (t < CD_MSG_SPAWN_REQUEST || t > CD_MSG_TERMINATE)
    return cd_error_set(err, 0, "frame: unknown message type %u", (unsigned)t);
  if (len > CD_FRAME_MAX_PAYLOAD)
    return cd_error_set(err, 0, "frame: %s payload of %lu bytes exceeds the limit of %lu",
                        cd_msg_type_name(t), (unsigned long)len,
                        (unsigned long)CD_FRAME_MAX_PAYLOAD);
  *type = (cd_msg_type)t;
  *payload_len = len;
  return 0;
}

/* ---- rules shared by the encoder and the decoder ---- */

static bool valid_env_entry(const char *s) {
  /* "NAME=value" with a non-empty name. Windows' hidden per-drive variables
   * ("=C:=C:\dir") start with '=' and still have a later one. */
  return s[0] != '\0' && strchr(s + 1, '=') != NULL;
}

static int check_string(const char *what, const char *field, long index, const char *s,
                        size_t max, bool nonempty, cordon_error *err) {
  size_t len = strlen(s);
  char name[48];
  if (index >= 0)
    snprintf(name, sizeof name, "%s[%ld]", field, index);
  else
    snprintf(name, sizeof name, "%s", field);
  if (nonempty && len == 0)
    return cd_error_set(err, 0, "%s: %s is empty", what, name);
  if (len > max)
    return cd_error_set(err, 0, "%s: %s is %lu bytes, over the limit of %lu", what, name,
                        (unsigned long)len, (unsigned long)max);
  return 0;
}

static int check_term_size(const char *what, unsigned rows, unsigned cols,
                           cordon_error *err) {
  if (rows < 1 || rows > CD_FRAME_MAX_TERM || cols < 1 || cols > CD_FRAME_MAX_TERM)
    return cd_error_set(err, 0, "%s: terminal size %ux%u is outside 1..%u", what, rows, cols,
                        CD_FRAME_MAX_TERM);
  return 0;
}

static int check_spawn(const cd_msg *m, cordon_error *err) {
  const char *what = "SpawnRequest";
  if (m->spawn.argc < 1 || m->spawn.argc > CD_FRAME_MAX_ARGS)
    return cd_error_set(err, 0, "%s: argc %lu is outside 1..%u", what,
                        (unsigned long)m->spawn.argc, CD_FRAME_MAX_ARGS);
  for (uint32_t i = 0; i < m->spawn.argc; i++)
    if (check_string(what, "argv", (long)i, m->spawn.argv[i], CD_FRAME_MAX_STRING, i == 0,
                     err) < 0)
      return -1;
  if (check_string(what, "cwd", -1, m->spawn.cwd, CD_FRAME_MAX_STRING, false, err) < 0)
    return -1;
  if (m->spawn.envc > CD_FRAME_MAX_ENV)
    return cd_error_set(err, 0, "%s: envc %lu is over the limit of %u", what,
                        (unsigned long)m->spawn.envc, CD_FRAME_MAX_ENV);
  for (uint32_t i = 0; i < m->spawn.envc; i++) {
    if (check_string(what, "env", (long)i, m->spawn.env[i], CD_FRAME_MAX_STRING, true, err) <
        0)
      return -1;
    if (!valid_env_entry(m->spawn.env[i]))
      return cd_error_set(err, 0, "%s: env[%lu] is not NAME=value", what, (unsigned long)i);
  }
  if (m->spawn.tty)
    return check_term_size(what, m->spawn.rows, m->spawn.cols, err);
  if (m->spawn.rows != 0 || m->spawn.cols != 0)
    return cd_error_set(err, 0, "%s: a terminal size without tty", what);
  return 0;
}

static int check_blob(const char *what, uint32_t len, size_t header, cordon_error *err) {
  if (len == 0)
    return cd_error_set(err, 0, "%s: no bytes", what);
  if (len > CD_FRAME_MAX_PAYLOAD - header)
    return cd_error_set(err, 0, "%s: %lu bytes do not fit in a frame", what,
                        (unsigned long)len);
  return 0;
}

/* Every rule a well-formed message obeys, beyond its layout. */
static int check_msg(const cd_msg *m, cordon_error *err) {
  const char *what = cd_msg_type_name(m->type);
  switch (m->type) {
  case CD_MSG_SPAWN_REQUEST:
    return check_spawn(m, err);
  case CD_MSG_SPAWN_READY:
    if (m->ready.pid == 0)
      return cd_error_set(err, 0, "%s: pid 0", what);
    return 0;
  case CD_MSG_SPAWN_FAILED:
    return check_string(what, "message", -1, m->failed.message, CD_FRAME_MAX_ERROR, true,
                        err);
  case CD_MSG_STDIN:
    return check_blob(what, m->input.len, 0, err);
  case CD_MSG_CLOSE_STDIN:
    return 0;
  case CD_MSG_OUTPUT:
    if (m->output.stream != CD_STREAM_STDOUT && m->output.stream != CD_STREAM_STDERR)
      return cd_error_set(err, 0, "%s: unknown stream %d", what, (int)m->output.stream);
    return check_blob(what, m->output.len, 1, err);
  case CD_MSG_EXIT:
    if (m->exit.signaled && (m->exit.value < 1 || m->exit.value > CD_FRAME_MAX_SIGNAL))
      return cd_error_set(err, 0, "%s: signal %lu is outside 1..%u", what,
                          (unsigned long)m->exit.value, CD_FRAME_MAX_SIGNAL);
    return 0;
  case CD_MSG_RESIZE:
    return check_term_size(what, m->resize.rows, m->resize.cols, err);
  case CD_MSG_TERMINATE:
    if (m->terminate.signal < 1 || m->terminate.signal > CD_FRAME_MAX_SIGNAL)
      return cd_error_set(err, 0, "%s: signal %lu is outside 1..%u", what,
                          (unsigned long)m->terminate.signal, CD_FRAME_MAX_SIGNAL);
    return 0;
  }
  return cd_error_set(err, 0, "unknown message type %d", (int)m->type);
}

/* ---- decoding ---- */

typedef struct reader {
  const uint8_t *p;
  size_t left;
  const char *what; /* the message, for errors */
  cordon_error *err;
} reader;

static int need(reader *r, size_t n, const char *field) {
  if (r->left < n)
    return cd_error_set(r->err, 0, "%s: %s runs past the end of the frame", r->what, field);
  return 0;
}

static int get_u8(reader *r, const char *field, uint8_t *v) {
  if (need(r, 1, field) < 0)
    return -1;
  *v = r->p[0];
  r->p += 1;
  r->left -= 1;
  return 0;
}

static int get_u16(reader *r, const char *field, uint16_t *v) {
  if (need(r, 2, field) < 0)
    return -1;
  *v = (uint16_t)(r->p[0] | r->p[1] << 8);
  r->p += 2;
  r->left -= 2;
  return 0;
}

static int get_u32(reader *r, const char *field, uint32_t *v) {
  if (need(r, 4, field) < 0)
    return -1;
  *v = load_u32(r->p);
  r->p += 4;
  r->left -= 4;
  return 0;
}

static int get_bool(reader *r, const char *field, bool *v) {
  uint8_t b;
  if (get_u8(r, field, &b) < 0)
    return -1;
  if (b > 1)
    return cd_error_set(r->err, 0, "%s: %s is %u, not 0 or 1", r->what, field, (unsigned)b);
  *v = b == 1;
  return 0;
}

/* A u32-counted string of at most MAX bytes, without NUL, copied and terminated. */
static int get_string(reader *r, const char *field, uint32_t max, char **out) {
  uint32_t len;
  if (get_u32(r, field, &len) < 0)
    return -1;
  if (len > max)
    return cd_error_set(r->err, 0, "%s: %s is %lu bytes, over the limit of %lu", r->what,
                        field, (unsigned long)len, (unsigned long)max);
  if (need(r, len, field) < 0)
    return -1;
  if (memchr(r->p, '\0', len))
    return cd_error_set(r->err, 0, "%s: %s contains a NUL byte", r->what, field);
  char *s = malloc((size_t)len + 1);
  if (!s)
    return cd_error_oom(r->err);
  memcpy(s, r->p, len);
  s[len] = '\0';
  r->p += len;
  r->left -= len;
  *out = s;
  return 0;
}

/* A u32 count, then that many strings, into a new NULL-terminated array. */
static int get_strings(reader *r, const char *field, uint32_t max_count, char ***out,
                       uint32_t *count) {
  uint32_t n;
  char name[32];
  snprintf(name, sizeof name, "%s count", field);
  if (get_u32(r, name, &n) < 0)
    return -1;
  if (n > max_count)
    return cd_error_set(r->err, 0, "%s: %s %lu is over the limit of %lu", r->what, name,
                        (unsigned long)n, (unsigned long)max_count);
  /* Each string takes at least its 4-byte length: check before allocating, so a
   * short frame cannot claim a huge array. */
  if ((size_t)n * 4 > r->left)
    return cd_error_set(r->err, 0, "%s: %s %lu needs more bytes than the frame has",
                        r->what, name, (unsigned long)n);
  char **v = calloc((size_t)n + 1, sizeof *v);
  if (!v)
    return cd_error_oom(r->err);
  *out = v; /* owned by the message from here on, so a failure below frees it */
  for (uint32_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%s[%lu]", field, (unsigned long)i);
    if (get_string(r, name, CD_FRAME_MAX_STRING, &v[i]) < 0)
      return -1;
    *count = i + 1;
  }
  return 0;
}

/* The rest of the payload, copied. */
static int get_rest(reader *r, uint8_t **data, uint32_t *len) {
  uint8_t *d = malloc(r->left ? r->left : 1);
  if (!d)
    return cd_error_oom(r->err);
  memcpy(d, r->p, r->left);
  *data = d;
  *len = (uint32_t)r->left; /* at most CD_FRAME_MAX_PAYLOAD */
  r->p += r->left;
  r->left = 0;
  return 0;
}

static int decode_payload(reader *r, cd_msg *m) {
  uint8_t b;
  switch (m->type) {
  case CD_MSG_SPAWN_REQUEST:
    if (get_strings(r, "argv", CD_FRAME_MAX_ARGS, &m->spawn.argv, &m->spawn.argc) < 0 ||
        get_string(r, "cwd", CD_FRAME_MAX_STRING, &m->spawn.cwd) < 0 ||
        get_strings(r, "env", CD_FRAME_MAX_ENV, &m->spawn.env, &m->spawn.envc) < 0 ||
        get_bool(r, "tty", &m->spawn.tty) < 0 || get_u16(r, "rows", &m->spawn.rows) < 0 ||
        get_u16(r, "cols", &m->spawn.cols) < 0)
      return -1;
    return 0;
  case CD_MSG_SPAWN_READY:
    return get_u32(r, "pid", &m->ready.pid);
  case CD_MSG_SPAWN_FAILED:
    if (get_u32(r, "code", &m->failed.code) < 0)
      return -1;
    return get_string(r, "message", CD_FRAME_MAX_ERROR, &m->failed.message);
  case CD_MSG_STDIN:
    return get_rest(r, &m->input.data, &m->input.len);
  case CD_MSG_CLOSE_STDIN:
    return 0;
  case CD_MSG_OUTPUT:
    if (get_u8(r, "stream", &b) < 0)
      return -1;
    m->output.stream = (cd_stream)b;
    return get_rest(r, &m->output.data, &m->output.len);
  case CD_MSG_EXIT:
    if (get_bool(r, "kind", &m->exit.signaled) < 0)
      return -1;
    return get_u32(r, "value", &m->exit.value);
  case CD_MSG_RESIZE:
    if (get_u16(r, "rows", &m->resize.rows) < 0)
      return -1;
    return get_u16(r, "cols", &m->resize.cols);
  case CD_MSG_TERMINATE:
    return get_u32(r, "signal", &m->terminate.signal);
  }
  return cd_error_set(r->err, 0, "unknown message type %d", (int)m->type);
}

int cd_frame_decode(const uint8_t *buf, size_t len, cd_msg *msg, cordon_error *err) {
  *msg = (cd_msg){0};
  if (len < CD_FRAME_HEADER_SIZE)
    return cd_error_set(err, 0, "frame: truncated header (%lu of %d bytes)",
                        (unsigned long)len, CD_FRAME_HEADER_SIZE);
  cd_msg_type type;
  uint32_t payload;
  if (cd_frame_parse_header(buf, &type, &payload, err) < 0)
    return -1;
  const char *what = cd_msg_type_name(type);
  size_t have = len - CD_FRAME_HEADER_SIZE;
  if (have < payload)
    return cd_error_set(err, 0, "%s: truncated payload (%lu of %lu bytes)", what,
                        (unsigned long)have, (unsigned long)payload);
  if (have > payload)
    return cd_error_set(err, 0, "%s: %lu bytes after the frame", what,
                        (unsigned long)(have - payload));
  reader r = {buf + CD_FRAME_HEADER_SIZE, payload, what, err};
  msg->type = type;
  if (decode_payload(&r, msg) < 0)
    goto fail;
  if (r.left > 0) {
    cd_error_set(err, 0, "%s: %lu trailing bytes in the payload", what,
                 (unsigned long)r.left);
    goto fail;
  }
  if (check_msg(msg, err) < 0)
    goto fail;
  return 0;
fail:
  cd_msg_free(msg);
  return -1;
}

/* ---- encoding ---- */

typedef struct writer {
  uint8_t *buf;
  size_t len, cap;
  bool oom;
} writer;

static void put(writer *w, const void *p, size_t n) {
  if (w->oom)
    return;
  if (w->len + n > w->cap) {
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n)
      cap *= 2;
    uint8_t *b = realloc(w->buf, cap);
    if (!b) {
      w->oom = true;
      return;
    }
    w->buf = b;
    w->cap = cap;
  }
  if (n)
    memcpy(w->buf + w->len, p, n);
  w->len += n;
}

static void put_u8(writer *w, uint8_t v) { put(w, &v, 1); }

static void put_u16(writer *w, uint16_t v) {
  uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  put(w, b, 2);
}

static void put_u32(writer *w, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  put(w, b, 4);
}

static void put_string(writer *w, const char *s) {
  size_t n = strlen(s); /* bounded by check_msg */
  put_u32(w, (uint32_t)n);
  put(w, s, n);
}

static void put_strings(writer *w, char *const *v, uint32_t n) {
  put_u32(w, n);
  for (uint32_t i = 0; i < n; i++)
    put_string(w, v[i]);
}

static void encode_payload(writer *w, const cd_msg *m) {
  switch (m->type) {
  case CD_MSG_SPAWN_REQUEST:
    put_strings(w, m->spawn.argv, m->spawn.argc);
    put_string(w, m->spawn.cwd);
    put_strings(w, m->spawn.env, m->spawn.envc);
    put_u8(w, m->spawn.tty);
    put_u16(w, m->spawn.rows);
    put_u16(w, m->spawn.cols);
    break;
  case CD_MSG_SPAWN_READY:
    put_u32(w, m->ready.pid);
    break;
  case CD_MSG_SPAWN_FAILED:
    put_u32(w, m->failed.code);
    put_string(w, m->failed.message);
    break;
  case CD_MSG_STDIN:
    put(w, m->input.data, m->input.len);
    break;
  case CD_MSG_CLOSE_STDIN:
    break;
  case CD_MSG_OUTPUT:
    put_u8(w, (uint8_t)m->output.stream);
    put(w, m->output.data, m->output.len);
    break;
  case CD_MSG_EXIT:
    put_u8(w, m->exit.signaled);
    put_u32(w, m->exit.value);
    break;
  case CD_MSG_RESIZE:
    put_u16(w, m->resize.rows);
    put_u16(w, m->resize.cols);
    break;
  case CD_MSG_TERMINATE:
    put_u32(w, m->terminate.signal);
    break;
  }
}

int cd_frame_encode(const cd_msg *msg, uint8_t **out, size_t *out_len, cordon_error *err) {
  if (check_msg(msg, err) < 0)
    return -1;
  _cleanup_free_ uint8_t *buf = NULL;
  writer w = {0};
  put_u32(&w, 0); /* the length, patched below */
  put_u8(&w, (uint8_t)msg->type);
  encode_payload(&w, msg);
  buf = w.buf;
  if (w.oom)
    return cd_error_oom(err);
  size_t payload = w.len - CD_FRAME_HEADER_SIZE;
  if (payload > CD_FRAME_MAX_PAYLOAD)
    return cd_error_set(err, 0, "%s: %lu bytes of payload exceed the limit of %lu",
                        cd_msg_type_name(msg->type), (unsigned long)payload,
                        (unsigned long)CD_FRAME_MAX_PAYLOAD);
  for (int i = 0; i < 4; i++)
    buf[i] = (uint8_t)(payload >> (8 * i));
  *out = CD_TAKE(buf);
  *out_len = w.len;
  return 0;
}

static void free_strings(char **v, uint32_t n) {
  if (!v)
    return;
  for (uint32_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void cd_msg_free(cd_msg *msg) {
  switch (msg->type) {
  case CD_MSG_SPAWN_REQUEST:
    free_strings(msg->spawn.argv, msg->spawn.argc);
    free(msg->spawn.cwd);
    free_strings(msg->spawn.env, msg->spawn.envc);
    break;
  case CD_MSG_SPAWN_FAILED:
    free(msg->failed.message);
    break;
  case CD_MSG_STDIN:
    free(msg->input.data);
    break;
  case CD_MSG_OUTPUT:
    free(msg->output.data);
    break;
  case CD_MSG_SPAWN_READY:
  case CD_MSG_CLOSE_STDIN:
  case CD_MSG_EXIT:
  case CD_MSG_RESIZE:
  case CD_MSG_TERMINATE:
    break;
  }
  *msg = (cd_msg){0};
}
