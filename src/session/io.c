#include "session/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"

int cd_io_read_full(const cd_io *io, void *buf, size_t len, size_t *got,
                    cordon_error *err) {
  size_t off = 0;
  while (off < len) {
    size_t n = 0;
    if (io->read(io->ctx, (uint8_t *)buf + off, len - off, &n, err) < 0)
      return -1;
    if (n == 0)
      break; /* end of stream */
    if (n > len - off)
      return cd_error_set(err, 0, "read: the stream reported more bytes than asked for");
    off += n;
  }
  *got = off;
  return 0;
}

int cd_io_write_all(const cd_io *io, const void *buf, size_t len, cordon_error *err) {
  size_t off = 0;
  while (off < len) {
    size_t n = 0;
    if (io->write(io->ctx, (const uint8_t *)buf + off, len - off, &n, err) < 0)
      return -1;
    if (n == 0 || n > len - off)
      return cd_error_set(err, 0, "write: no progress (%lu of %lu bytes written)",
                          (unsigned long)off, (unsigned long)len);
    off += n;
  }
  return 0;
}

int cd_frame_read(const cd_io *io, cd_msg *msg, cordon_error *err) {
  *msg = (cd_msg){0};
  uint8_t header[CD_FRAME_HEADER_SIZE];
  size_t got;
  if (cd_io_read_full(io, header, sizeof header, &got, err) < 0)
    return -1;
  if (got == 0)
    return 0;
  if (got < sizeof header)
    return cd_error_set(err, 0, "frame: the stream ended inside a header (%lu of %d bytes)",
                        (unsigned long)got, CD_FRAME_HEADER_SIZE);
  cd_msg_type type;
  uint32_t payload;
  if (cd_frame_parse_header(header, &type, &payload, err) < 0)
    return -1;
  _cleanup_free_ uint8_t *frame = malloc(CD_FRAME_HEADER_SIZE + (size_t)payload);
  if (!frame)
    return cd_error_oom(err);
  memcpy(frame, header, sizeof header);
  if (cd_io_read_full(io, frame + CD_FRAME_HEADER_SIZE, payload, &got, err) < 0)
    return -1;
  if (got < payload)
    return cd_error_set(err, 0, "%s: the stream ended inside the payload (%lu of %lu bytes)",
                        cd_msg_type_name(type), (unsigned long)got, (unsigned long)payload);
  if (cd_frame_decode(frame, CD_FRAME_HEADER_SIZE + (size_t)payload, msg, err) < 0)
    return -1;
  return 1;
}

int cd_frame_write(const cd_io *io, const cd_msg *msg, cordon_error *err) {
  _cleanup_free_ uint8_t *frame = NULL;
  size_t len;
  if (cd_frame_encode(msg, &frame, &len, err) < 0)
    return -1;
  return cd_io_write_all(io, frame, len, err);
}

/* ---- POSIX file descriptors ---- */

/* read() and write() take and return int-sized counts on some C libraries (mingw);
 * one call never moves more than this. */
#define FD_IO_MAX ((size_t)1 << 30)

static int fd_read(void *ctx, void *buf, size_t len, size_t *done, cordon_error *err) {
  int fd = *(int *)ctx;
  for (;;) {
    long n = (long)read(fd, buf, len < FD_IO_MAX ? len : FD_IO_MAX);
    if (n >= 0) {
      *done = (size_t)n;
      return 0;
    }
    if (errno != EINTR)
      return cd_error_set(err, errno, "read from fd %d", fd);
  }
}

static int fd_write(void *ctx, const void *buf, size_t len, size_t *done,
                    cordon_error *err) {
  int fd = *(int *)ctx;
  for (;;) {
    long n = (long)write(fd, buf, len < FD_IO_MAX ? len : FD_IO_MAX);
    if (n >= 0) {
      *done = (size_t)n;
      return 0;
    }
    if (errno != EINTR)
      return cd_error_set(err, errno, "write to fd %d", fd);
  }
}

cd_io cd_io_fd(int *fd) { return (cd_io){.ctx = fd, .read = fd_read, .write = fd_write}; }
