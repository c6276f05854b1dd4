#include "windows/win32/runner/job.h"

#include "windows/win32/common/winutil.h"

int cd_rn_job_create(HANDLE *out, cordon_error *err) {
  _cleanup_handle_ HANDLE job = CreateJobObjectW(NULL, NULL);
  if (!job)
    return cd_win_error(err, GetLastError(), "create a job object");
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {0};
  limits.BasicLimitInformation.LimitFlags =
      JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
                               sizeof limits))
    return cd_win_error(err, GetLastError(), "set the job's limits");
  *out = cd_win_take_handle(&job);
  return 0;
}

int cd_rn_job_assign(HANDLE job, HANDLE process, cordon_error *err) {
  if (!AssignProcessToJobObject(job, process))
    return cd_win_error(err, GetLastError(), "put the command in its job object");
  return 0;
}

int cd_rn_job_kill(HANDLE job, UINT exit_code, cordon_error *err) {
  if (!TerminateJobObject(job, exit_code))
    return cd_win_error(err, GetLastError(), "terminate the job");
  return 0;
}
