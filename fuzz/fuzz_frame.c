/* libFuzzer target for the runner protocol. Arbitrary bytes are decoded as one
 * frame; whatever decodes must re-encode to exactly the same bytes (the encoding is
 * canonical), and a refusal must carry a message. The same bytes then go through
 * the stream reader, split into short reads, which must agree with the decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/frame.h"
#include "session/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct chunked {
  const uint8_t *data;
  size_t len, pos;
} chunked;

/* Reads of 1, 2, 3, ... bytes, so the reader's loops see every split. */
static int chunked_read(void *ctx, void *buf, size_t len, size_t *done, cordon_error *err) {
  chunked *c = ctx;
  size_t n = c->len - c->pos;
  size_t step = 1 + c->pos % 7;
  if (n > step)
    n = step;
  if (n > len)
    n = len;
  memcpy(buf, c->data + c->pos, n);
  c->pos += n;
  *done = n;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cordon_error err = {0};
  cd_msg msg;
  int decoded = cd_frame_decode(data, size, &msg, &err);
  if (decoded == 0) {
    uint8_t *again = NULL;
    size_t len = 0;
    if (cd_frame_encode(&msg, &again, &len, &err) < 0)
      abort();
    if (len != size || memcmp(again, data, size) != 0)
      abort();
    free(again);
    cd_msg_free(&msg);
  } else if (decoded != -1 || err.message[0] == '\0' ||
             memchr(err.message, '\0', sizeof err.message) == NULL || msg.type != 0) {
    abort();
  }

  chunked c = {data, size, 0};
  cd_io io = {.ctx = &c, .read = chunked_read};
  cordon_error read_err = {0};
  int r = cd_frame_read(&io, &msg, &read_err);
  /* One whole frame and nothing after it: the reader must accept exactly when the
   * decoder does (the reader stops at the frame's end, so trailing bytes are left
   * unread rather than refused). */
  if (r == 1) {
    if (c.pos == size && decoded != 0)
      abort();
    cd_msg_free(&msg);
  } else if (r == 0) {
    if (size != 0)
      abort();
  } else if (decoded == 0 || read_err.message[0] == '\0') {
    abort();
  }
  return 0;
}
