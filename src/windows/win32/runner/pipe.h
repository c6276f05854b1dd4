/* The two named pipes between the parent and the runner: one carries frames to
 * the runner, one carries frames back. Two one-way pipes rather than one duplex
 * pipe so that a read pending on one never serializes behind a write on the
 * other.
 *
 * The parent creates both (server side) and the runner opens them (client side).
 * Who may connect is decided three times over: the DACL admits only the runner's
 * identity (sd.h), each pipe has a single instance created with
 * FILE_FLAG_FIRST_PIPE_INSTANCE, and the parent accepts a connection only from the
 * process id of the runner it started. */
#ifndef CD_RUNNER_PIPE_H
#define CD_RUNNER_PIPE_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"
#include "windows/win32/runner/sd.h"

/* \\.\pipe\cordon-runner-<32 hex>-to / -from: 128 random bits, so the names cannot
 * be guessed ahead of time. */
#define CD_RN_PIPE_NAME_MAX 80

typedef enum cd_rn_pipe_dir {
  CD_RN_TO_RUNNER,   /* the parent writes, the runner reads */
  CD_RN_FROM_RUNNER, /* the runner writes, the parent reads */
} cd_rn_pipe_dir;

/* The name of direction DIR for the random SUFFIX. */
void cd_rn_pipe_name(wchar_t out[CD_RN_PIPE_NAME_MAX], const wchar_t *suffix,
                     cd_rn_pipe_dir dir);

/* Server side: create the single instance of pipe NAME, overlapped, admitting
 * only ID with exactly the rights direction DIR needs. Fails if the name exists. */
int cd_rn_pipe_create(const wchar_t *name, cd_rn_pipe_dir dir, const cd_rn_identity *id,
                      HANDLE *out, cordon_error *err);

/* Server side: wait until DEADLINE for the client to connect, then check that it
 * is process PID. PROCESS (that client's handle) ends the wait early if it exits. */
int cd_rn_pipe_accept(HANDLE pipe, const char *what, HANDLE process, DWORD pid,
                      ULONGLONG deadline, cordon_error *err);

/* Client side: open pipe NAME for direction DIR (overlapped) and check that its
 * server is process SERVER_PID. */
int cd_rn_pipe_open(const wchar_t *name, cd_rn_pipe_dir dir, DWORD server_pid, HANDLE *out,
                    cordon_error *err);

#endif
