/* A private desktop per command. A command on the user's visible desktop
 * (WinSta0\Default) can send input and messages to the user's windows, read
 * their contents, and draw spoofed ones; on a desktop of its own it sees only its
 * own windows. There is no silent fallback to the shared desktop: if the desktop
 * cannot be made the spawn fails, and opting out is an explicit flag. */
#ifndef CD_RUNNER_DESKTOP_H
#define CD_RUNNER_DESKTOP_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"

#define CD_RN_DESKTOP_PREFIX L"CordonDesktop-"

typedef struct cd_rn_desktop {
  HDESK handle;
  /* "<window station>\CordonDesktop-<random>", for STARTUPINFO.lpDesktop */
  wchar_t path[128];
} cd_rn_desktop;

/* Create a desktop with a random name in the runner's window station, whose DACL
 * admits only the runner's own identity (the command runs with the runner's
 * token, or a restricted copy of it: RESTRICTED_CHILD, and the DACL then also
 * names the logon SID, which the restricted access check needs). */
int cd_rn_desktop_create(cd_rn_desktop *out, bool restricted_child, cordon_error *err);
/* Close it (it disappears once no process uses it). */
void cd_rn_desktop_close(cd_rn_desktop *d);

#endif
