#include "windows/win32/runner/desktop.h"

#include <stdio.h>
#include <wchar.h>

#include "windows/win32/runner/sd.h"
#include "windows/win32/common/winutil.h"

/* What a program needs on its own desktop: windows, menus, hooks and journal
 * playback within it, enumeration, switching. WRITE_DAC and WRITE_OWNER are left
 * out so the command cannot reopen its desktop to anyone else. */
#define DESKTOP_RIGHTS                                                                     \
  (DESKTOP_READOBJECTS | DESKTOP_CREATEWINDOW | DESKTOP_CREATEMENU | DESKTOP_HOOKCONTROL | \
   DESKTOP_JOURNALRECORD | DESKTOP_JOURNALPLAYBACK | DESKTOP_ENUMERATE |                  \
   DESKTOP_WRITEOBJECTS | DESKTOP_SWITCHDESKTOP | READ_CONTROL | DELETE)

int cd_rn_desktop_create(cd_rn_desktop *out, bool restricted_child, cordon_error *err) {
  *out = (cd_rn_desktop){0};
  wchar_t station[64];
  DWORD need = 0;
  if (!GetUserObjectInformationW(GetProcessWindowStation(), UOI_NAME, station,
                                 sizeof station, &need))
    return cd_win_error(err, GetLastError(), "name the runner's window station");
  wchar_t random[33];
  if (cd_win_random_hex(random, 16, err) < 0)
    return -1;
  wchar_t name[64];
  swprintf(name, sizeof name / sizeof name[0], L"%ls%ls", CD_RN_DESKTOP_PREFIX, random);

  cd_rn_identity id;
  if (cd_rn_identity_from_token(NULL, restricted_child, &id, err) < 0)
    return -1;
  cd_rn_sd sd;
  int r = cd_rn_sd_build(&sd, &id, DESKTOP_RIGHTS, err);
  cd_rn_identity_free(&id);
  if (r < 0)
    return -1;
  out->handle = CreateDesktopW(name, NULL, NULL, 0, DESKTOP_RIGHTS, &sd.sa);
  DWORD code = GetLastError();
  cd_rn_sd_free(&sd);
  if (!out->handle)
    return cd_win_error(err, code, "create a private desktop");
  swprintf(out->path, sizeof out->path / sizeof out->path[0], L"%ls\\%ls", station, name);
  return 0;
}

void cd_rn_desktop_close(cd_rn_desktop *d) {
  if (d->handle)
    CloseDesktop(d->handle);
  *d = (cd_rn_desktop){0};
}
