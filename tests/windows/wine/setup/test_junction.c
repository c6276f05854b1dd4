/* The cwd junction: created with FSCTL_SET_REPARSE_POINT, read back, used as a
 * path (a file written through it lands in the target), removed without touching
 * the target; a real directory is never removed as if it were a junction.
 * Skipped (77) if this Wine cannot make mount points. */
#include <string.h>

#include "check.h"
#include "files.h"
#include "junction.h"
#include "windows/win32/common/winutil.h"

int main(void) {
  const wchar_t *tmp = check_tempdir(L"junction");
  wchar_t target[MAX_PATH], link[MAX_PATH], through[MAX_PATH], direct[MAX_PATH];
  swprintf(target, MAX_PATH, L"%ls\\work tree", tmp);
  swprintf(link, MAX_PATH, L"%ls\\cwd-link", tmp);
  CreateDirectoryW(target, NULL);
  cordon_error err = {0};

  wchar_t name[32], name2[32];
  cd_junction_name(L"C:\\Work\\Repo", name);
  cd_junction_name(L"c:/work/repo", name2);
  CHECK(wcsncmp(name, L"cwd-", 4) == 0 && wcslen(name) == 20 && wcscmp(name, name2) == 0,
        "junction names are stable across case and slash style");
  cd_junction_name(L"C:\\Work\\Other", name2);
  CHECK(wcscmp(name, name2) != 0, "different directories, different names");
  CHECK(cd_junction_create(link, L"relative\\dir", &err) < 0, "relative target refused");

  memset(&err, 0, sizeof err);
  if (cd_junction_create(link, target, &err) < 0)
    SKIP("this Wine cannot create a junction: %s", err.message);
  wchar_t got[MAX_PATH];
  CHECK(cd_junction_target(link, got, MAX_PATH, &err) == 0 && wcscmp(got, target) == 0,
        "junction reads back its target");
  swprintf(through, MAX_PATH, L"%ls\\through.txt", link);
  swprintf(direct, MAX_PATH, L"%ls\\through.txt", target);
  CHECK(cd_file_write_atomic(through, "hi", 2, &err) == 0 &&
            GetFileAttributesW(direct) != INVALID_FILE_ATTRIBUTES,
        "a file written through the junction lands in the target");
  CHECK(cd_junction_create(link, target, &err) == 0, "re-creating replaces the junction");
  CHECK(cd_junction_remove(link, &err) == 0 && GetFileAttributesW(link) == INVALID_FILE_ATTRIBUTES,
        "junction removed");
  CHECK(GetFileAttributesW(direct) != INVALID_FILE_ATTRIBUTES, "the target's content is intact");
  CHECK(cd_junction_remove(link, &err) == 0, "removing a missing junction is fine");
  memset(&err, 0, sizeof err);
  CHECK(cd_junction_remove(target, &err) < 0 && strstr(err.message, "not a junction"),
        "a real directory is refused: %s", err.message);
  return check_done();
}
