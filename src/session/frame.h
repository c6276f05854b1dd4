/* The runner protocol (DESIGN.md section 5): one framed format for both platforms.
 *
 * A frame is a 5-byte header, then the payload:
 *
 *   u32 length (little-endian, bytes of payload)   u8 type   payload[length]
 *
 * Payload fields are little-endian integers and strings; a string is a u32 byte
 * count then the bytes, with no NUL inside and no terminator. Byte blobs (Stdin,
 * Output) run to the end of the payload.
 *
 *   SpawnRequest  u32 argc, argc strings, string cwd, u32 envc, envc strings
 *                 ("NAME=value"), u8 tty (0|1), u16 rows, u16 cols
 *   SpawnReady    u32 pid
 *   SpawnFailed   u32 code (an errno value: ENOENT, EACCES, ...), string message
 *   Stdin         bytes
 *   CloseStdin    (empty)
 *   Output        u8 stream (1 stdout, 2 stderr), bytes
 *   Exit          u8 kind (0 code, 1 signal), u32 value
 *   Resize        u16 rows, u16 cols
 *   Terminate     u32 signal
 *
 * The decoder is strict: every length and count is bounded (below), every field is
 * range-checked, and a frame must be consumed exactly. The encoding is canonical,
 * so decode(bytes) succeeding implies encode(decoded) == bytes. The encoder checks
 * the same rules, so a peer never receives a frame this decoder would refuse. */
#ifndef CD_SESSION_FRAME_H
#define CD_SESSION_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cordon.h"

#define CD_FRAME_HEADER_SIZE 5
/* A frame carries at most 1 MiB: room for a full environment, small enough that a
 * hostile peer cannot make the reader allocate more. */
#define CD_FRAME_MAX_PAYLOAD (1u << 20)
#define CD_FRAME_MAX_ARGS 4096u
#define CD_FRAME_MAX_ENV 4096u
/* Windows caps a command line and an environment variable at 32767 characters. */
#define CD_FRAME_MAX_STRING 32767u
#define CD_FRAME_MAX_ERROR 4096u
/* A console size is a Win32 COORD (SHORT). */
#define CD_FRAME_MAX_TERM 32767u
#define CD_FRAME_MAX_SIGNAL 64u
/* Output and Stdin chunks that senders cut: well below the frame limit. */
#define CD_FRAME_CHUNK (64u * 1024u)

typedef enum cd_msg_type {
  CD_MSG_SPAWN_REQUEST = 1,
  CD_MSG_SPAWN_READY = 2,
  CD_MSG_SPAWN_FAILED = 3,
  CD_MSG_STDIN = 4,
  CD_MSG_CLOSE_STDIN = 5,
  CD_MSG_OUTPUT = 6,
  CD_MSG_EXIT = 7,
  CD_MSG_RESIZE = 8,
  CD_MSG_TERMINATE = 9,
} cd_msg_type;

typedef enum cd_stream {
  CD_STREAM_STDOUT = 1,
  CD_STREAM_STDERR = 2,
} cd_stream;

/* A decoded message owns its strings and bytes (cd_msg_free). A message built by
 * hand for encoding only points at the caller's data; never free that one. */
typedef struct cd_msg {
  cd_msg_type type;
  union {
    struct {
      char **argv; /* argc entries; NULL-terminated when decoded */
      uint32_t argc;
      char *cwd; /* "" leaves the directory to the runner */
      char **env; /* envc "NAME=value" entries; NULL-terminated when decoded */
      uint32_t envc;
      bool tty;
      uint16_t rows, cols; /* 1..32767 with tty, 0 without */
    } spawn;
    struct {
      uint32_t pid;
    } ready;
    struct {
      uint32_t code;
      char *message;
    } failed;
    struct {
      uint8_t *data;
      uint32_t len;
    } input; /* Stdin */
    struct {
      cd_stream stream;
      uint8_t *data;
      uint32_t len;
    } output;
    struct {
      bool signaled;
      uint32_t value; /* exit code, or signal number when signaled */
    } exit;
    struct {
      uint16_t rows, cols;
    } resize;
    struct {
      uint32_t signal;
    } terminate;
  };
} cd_msg;

/* "SpawnRequest", ...; "unknown" for a value outside the enum. */
const char *cd_msg_type_name(unsigned type);

/* Check a 5-byte header: a known type and a payload within the limit. */
int cd_frame_parse_header(const uint8_t header[CD_FRAME_HEADER_SIZE], cd_msg_type *type,
                          uint32_t *payload_len, cordon_error *err);

/* Decode exactly one frame of LEN bytes (header and payload) into MSG. Returns 0,
 * or -1 with ERR naming the message and the field; MSG is then left empty. */
int cd_frame_decode(const uint8_t *buf, size_t len, cd_msg *msg, cordon_error *err);

/* Encode MSG as one frame in a new buffer (*OUT, *OUT_LEN; caller frees). Returns
 * 0, or -1 when MSG breaks a rule the decoder enforces. */
int cd_frame_encode(const cd_msg *msg, uint8_t **out, size_t *out_len, cordon_error *err);

/* Free what a decoded MSG owns and reset it. */
void cd_msg_free(cd_msg *msg);

#endif
