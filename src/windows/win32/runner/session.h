/* The runner's side of one session: read the SpawnRequest, start the command,
 * stream its output, feed its input, obey Resize and Terminate, report its exit.
 *
 * Threads: one per output pipe (read the command's output, send Output frames),
 * one for the parent's frames, and the caller's, which waits for the command to
 * exit, drains the output to end of file, and sends Exit last. */
#ifndef CD_RUNNER_SESSION_H
#define CD_RUNNER_SESSION_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"
#include "windows/win32/runner/handle_io.h"
#include "windows/win32/runner/spawn.h"

/* After the command exits, how long output may keep coming (from processes it
 * left behind) before the job is killed to end it. */
#define CD_RN_DRAIN_GRACE_MS 2000
/* How long a step that must finish promptly (a killed process dying, a pipe
 * reaching end of file after its writers died, a thread returning after its I/O
 * was cancelled) may take before the runner stops waiting for it. */
#define CD_RN_STEP_MS 5000

/* The runner's two pipes: frames in from the parent, frames out to it. Sends are
 * whole frames under a lock, as several threads send. */
typedef struct cd_rn_channel {
  cd_rn_stream in, out;
  cd_io in_io, out_io;
  SRWLOCK out_lock;
  HANDLE stop; /* set to abort every wait on the channel */
} cd_rn_channel;

/* Take IN and OUT (overlapped pipe handles); the channel owns them. */
int cd_rn_channel_open(cd_rn_channel *ch, HANDLE in, HANDLE out, cordon_error *err);
void cd_rn_channel_close(cd_rn_channel *ch);

/* Serve one session on CH. FIRST_FRAME_MS bounds the wait for the SpawnRequest.
 * Returns 0 when the command ran and its Exit was delivered (whatever its status,
 * or a SpawnFailed was), -1 when the session broke (ERR says why). */
int cd_rn_session_run(cd_rn_channel *ch, DWORD first_frame_ms, const cd_rn_spawn_opts *opts,
                      cordon_error *err);

#endif
