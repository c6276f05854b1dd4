/* Moving frames over a byte stream. The stream is abstract (two callbacks), so the
 * same loops serve a POSIX fd, a Win32 pipe handle, or a test double: a reader that
 * keeps reading until a frame is complete and a writer that keeps writing until
 * every byte is out, so a short read or a partial WriteFile never loses data. */
#ifndef CD_SESSION_IO_H
#define CD_SESSION_IO_H

#include <stddef.h>

#include "cordon.h"
#include "session/frame.h"

typedef struct cd_io {
  void *ctx;
  /* Read at most LEN (> 0) bytes into BUF. Returns 0 with *DONE = bytes read, which
   * is 0 only at end of stream, or -1 with ERR set. */
  int (*read)(void *ctx, void *buf, size_t len, size_t *done, cordon_error *err);
  /* Write at most LEN (> 0) bytes from BUF. Returns 0 with *DONE = bytes written,
   * or -1 with ERR set. A write that reports no progress is taken as an error: the
   * writer must not spin. */
  int (*write)(void *ctx, const void *buf, size_t len, size_t *done, cordon_error *err);
} cd_io;

/* Read until LEN bytes are in or the stream ends; *GOT says how many arrived. */
int cd_io_read_full(const cd_io *io, void *buf, size_t len, size_t *got,
                    cordon_error *err);
/* Write all LEN bytes. */
int cd_io_write_all(const cd_io *io, const void *buf, size_t len, cordon_error *err);

/* Read one frame. Returns 1 with MSG filled (cd_msg_free it), 0 when the stream
 * ended cleanly between frames, -1 on a read error, a stream that ends inside a
 * frame, or a malformed frame. The header is checked before the payload is read,
 * so a peer cannot make the reader allocate more than one maximal frame. */
int cd_frame_read(const cd_io *io, cd_msg *msg, cordon_error *err);
/* Encode MSG and write the whole frame. */
int cd_frame_write(const cd_io *io, const cd_msg *msg, cordon_error *err);

/* A cd_io over a POSIX file descriptor (a pipe or socket), retrying EINTR. CTX is
 * the address of the int fd, which must outlive the cd_io. */
cd_io cd_io_fd(int *fd);

#endif
