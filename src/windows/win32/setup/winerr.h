/* Win32 and COM failures as one cordon_error line: "what was being done: the
 * system's own text (error N)". */
#ifndef CD_WIN_SETUP_WINERR_H
#define CD_WIN_SETUP_WINERR_H

#include <windows.h>

#include "cordon.h"

/* For a Win32 error code (GetLastError, or a returned DWORD such as the NetApi,
 * ACL and WFP calls give). Returns -1. */
int cd_win_error(cordon_error *err, DWORD code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* For an HRESULT from a COM call. Returns -1. */
int cd_hr_error(cordon_error *err, HRESULT hr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
