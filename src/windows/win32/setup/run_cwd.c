#include "run_cwd.h"

#include <stdbool.h>
#include <stdlib.h>

#include "common/error.h"
#include "junction.h"
#include "read_acl_helper.h"
#include "users.h"
#include "windows/win32/common/winutil.h"

int cd_run_cwd(const wchar_t *home, const char *sandbox_user, const wchar_t *cwd, wchar_t **out,
               char *warning, size_t size, cordon_error *err) {
  *out = NULL;
  warning[0] = '\0';
  bool pending = false;
  if (sandbox_user && cd_read_acls_pending(home, &pending, warning, size, err) < 0)
    return -1;
  if (!sandbox_user) {
    *out = _wcsdup(cwd);
    return *out ? 0 : cd_error_oom(err);
  }
  wchar_t *profile = NULL, *dir = NULL, *link = NULL, name[32];
  int r = cd_user_profile_dir(sandbox_user, &profile, err);
  cd_junction_name(cwd, name);
  if (r == 0 && (!(dir = cd_wjoin(profile, CD_JUNCTION_DIR)) || !(link = cd_wjoin(dir, name))))
    r = cd_error_oom(err);
  /* Pending: start in the junction. Done: the real path, and the junction goes (a
   * stale one would only be a second way to the same directory). */
  if (r == 0 && pending)
    r = cd_junction_create(link, cwd, err);
  else if (r == 0)
    r = cd_junction_remove(link, err);
  if (r == 0) {
    *out = pending ? link : _wcsdup(cwd);
    if (pending)
      link = NULL;
    if (!*out)
      r = cd_error_oom(err);
  }
  free(link);
  free(dir);
  free(profile);
  return r;
}
