#include "everyone_writable.h"

#include <aclapi.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"

int cd_dacl_everyone_writes(PACL dacl, bool *writes, cordon_error *err) {
  if (!dacl) {
    *writes = true;
    return 0;
  }
  PSID everyone = NULL;
  if (cd_sid_parse("S-1-1-0", &everyone, err) < 0)
    return -1;
  /* Walk the ACEs in order as the access check does, for Everyone alone: a right
   * denied before it is allowed stays denied. */
  ACCESS_MASK allowed = 0, denied = 0;
  for (DWORD i = 0; i < dacl->AceCount; i++) {
    ACE_HEADER *h;
    if (!GetAce(dacl, i, (void **)&h))
      break;
    if (h->AceFlags & INHERIT_ONLY_ACE)
      continue;
    if (h->AceType != ACCESS_ALLOWED_ACE_TYPE && h->AceType != ACCESS_DENIED_ACE_TYPE)
      continue;
    ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
    if (!EqualSid((PSID)&a->SidStart, everyone))
      continue;
    ACCESS_MASK m = a->Mask;
    /* Generic bits as the file system maps them. */
    if (m & GENERIC_ALL)
      m |= FILE_ALL_ACCESS;
    if (m & GENERIC_WRITE)
      m |= FILE_GENERIC_WRITE;
    if (h->AceType == ACCESS_DENIED_ACE_TYPE)
      denied |= m & ~allowed;
    else
      allowed |= m & ~denied;
  }
  LocalFree(everyone);
  *writes = (allowed & CD_WRITE_RIGHTS) != 0;
  return 0;
}

static bool within_any(const wchar_t *path, wchar_t *const *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t len = wcslen(list[i]);
    while (len > 0 && list[i][len - 1] == L'\\')
      len--;
    if (_wcsnicmp(path, list[i], len) == 0 && (path[len] == L'\0' || path[len] == L'\\'))
      return true;
  }
  return false;
}

typedef struct walk {
  wchar_t **skip;
  size_t n_skip;
  cd_strv *out;
  cordon_error *err;
} walk;

static int visit(walk *w, const wchar_t *dir, int depth) {
  if (within_any(dir, w->skip, w->n_skip))
    return 0;
  PACL dacl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  if (GetNamedSecurityInfoW(dir, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl,
                            NULL, &sd) != ERROR_SUCCESS)
    return 0; /* unreadable: see the header */
  bool writes = false;
  int r = cd_dacl_everyone_writes(dacl, &writes, w->err);
  LocalFree(sd);
  if (r < 0)
    return -1;
  if (writes) {
    char *utf8 = cd_utf8(dir);
    if (!utf8 || cd_strv_push_owned(w->out, utf8) < 0)
      return cd_error_oom(w->err);
  }
  if (depth == 0)
    return 0;
  wchar_t *pattern = cd_wjoin(dir, L"*");
  if (!pattern)
    return cd_error_oom(w->err);
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchLimitToDirectories,
                                 NULL, FIND_FIRST_EX_LARGE_FETCH);
  free(pattern);
  if (find == INVALID_HANDLE_VALUE)
    return 0;
  r = 0;
  do {
    /* Links and junctions lead elsewhere (often in loops): their targets are
     * judged where they really are, when a root covers them. */
    if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
        (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) || wcscmp(fd.cFileName, L".") == 0 ||
        wcscmp(fd.cFileName, L"..") == 0)
      continue;
    wchar_t *child = cd_wjoin(dir, fd.cFileName);
    r = child ? visit(w, child, depth - 1) : cd_error_oom(w->err);
    free(child);
  } while (r == 0 && FindNextFileW(find, &fd));
  FindClose(find);
  return r;
}

int cd_find_everyone_writable(const char *const *roots, size_t n_roots,
                              const char *const *skip, size_t n_skip, int depth,
                              cd_strv *out, cordon_error *err) {
  walk w = {.skip = calloc(n_skip ? n_skip : 1, sizeof(wchar_t *)), .out = out, .err = err};
  int r = w.skip ? 0 : cd_error_oom(err);
  for (; r == 0 && w.n_skip < n_skip; w.n_skip++)
    if (!(w.skip[w.n_skip] = cd_wide(skip[w.n_skip])))
      r = cd_error_oom(err);
  for (size_t i = 0; r == 0 && i < n_roots; i++) {
    wchar_t *root = cd_wide(roots[i]);
    r = root ? visit(&w, root, depth) : cd_error_oom(err);
    free(root);
  }
  for (size_t i = 0; w.skip && i < n_skip; i++)
    free(w.skip[i]);
  free(w.skip);
  return r;
}
