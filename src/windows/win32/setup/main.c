/* cordon-setup.exe: `cordon setup` for Windows (setup_cli.h). */
#include <stdlib.h>
#include <windows.h>

#include "setup_cli.h"
#include "windows/win32/common/winutil.h"

/* wmain: the arguments as the system holds them (UTF-16), converted to UTF-8, so
 * a cordon home with any character in its path survives. */
int wmain(int argc, wchar_t *wargv[]);
int wmain(int argc, wchar_t *wargv[]) {
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  if (!argv)
    return CD_SETUP_EXIT_ERROR;
  for (int i = 0; i < argc; i++)
    if (!(argv[i] = cd_utf8(wargv[i])))
      return CD_SETUP_EXIT_ERROR;
  int status = cd_setup_main(argc, argv);
  for (int i = 0; i < argc; i++)
    free(argv[i]);
  free(argv);
  return status;
}
