/* UAC: whether this process is elevated, and running a command line elevated.
 * cordon-setup.exe's manifest asks for asInvoker (see cordon-setup.manifest), so
 * its refresh and check paths never prompt; only the machine-wide part asks. */
#ifndef CD_WIN_SETUP_ELEVATE_H
#define CD_WIN_SETUP_ELEVATE_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"

int cd_is_elevated(bool *elevated, cordon_error *err);
/* Run EXE with PARAMS through the UAC prompt ("runas"), wait, and give its exit
 * code. A declined prompt is an error saying so. */
int cd_run_elevated(const wchar_t *exe, const wchar_t *params, DWORD *exit_code,
                    cordon_error *err);

#endif
