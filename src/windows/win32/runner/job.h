/* The job object that holds a command and everything it starts. */
#ifndef CD_RUNNER_JOB_H
#define CD_RUNNER_JOB_H

#include <windows.h>

#include "cordon.h"

/* A new job that kills every process in it when its last handle closes: when the
 * runner exits, is killed, or closes the job, the whole tree goes with it. No
 * breakaway is allowed, so a process cannot leave by asking for
 * CREATE_BREAKAWAY_FROM_JOB. An unhandled exception ends the process instead of
 * waiting on an error dialog that nobody can see on a private desktop. */
int cd_rn_job_create(HANDLE *out, cordon_error *err);

/* Put the suspended PROCESS into JOB; the caller resumes it only after this
 * succeeds, so no code of the command runs outside the job. */
int cd_rn_job_assign(HANDLE job, HANDLE process, cordon_error *err);

/* Kill every process in JOB with EXIT_CODE. */
int cd_rn_job_kill(HANDLE job, UINT exit_code, cordon_error *err);

#endif
