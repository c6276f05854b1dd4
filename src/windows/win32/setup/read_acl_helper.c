#include "read_acl_helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <sddl.h>

#include "acl_apply.h"
#include "acl_queue.h"
#include "common/error.h"
#include "files.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"

static wchar_t *queue_dir(const wchar_t *home, cordon_error *err) {
  wchar_t *dir = cd_wjoin(home, CD_READ_ACL_QUEUE_DIR);
  if (!dir) {
    cd_error_oom(err);
    return NULL;
  }
  if (cd_dir_ensure(dir, err) < 0) {
    free(dir);
    return NULL;
  }
  return dir;
}

static int start_helper(const wchar_t *home, const wchar_t *helper_exe, cordon_error *err) {
  char show[512];
  size_t len = 2 * (wcslen(helper_exe) + wcslen(home)) + 64;
  wchar_t *cmd = calloc(len, sizeof *cmd);
  if (!cmd)
    return cd_error_oom(err);
  if (cd_wquote_append(cmd, len, helper_exe) < 0 ||
      cd_wquote_append(cmd, len, L"" CD_READ_ACL_HELPER_ARG) < 0 ||
      cd_wquote_append(cmd, len, L"--cordon-home") < 0 || cd_wquote_append(cmd, len, home) < 0) {
    free(cmd);
    return cd_error_oom(err);
  }
  STARTUPINFOW si = {.cb = sizeof si};
  PROCESS_INFORMATION pi;
  /* Detached and without a window: it outlives the run that queued the work. */
  BOOL ok = CreateProcessW(helper_exe, cmd, NULL, NULL, FALSE,
                           DETACHED_PROCESS | CREATE_NO_WINDOW | CREATE_NEW_PROCESS_GROUP, NULL,
                           NULL, &si, &pi);
  DWORD e = GetLastError();
  free(cmd);
  if (!ok)
    return cd_win_error(err, e, "start the read ACL helper %s",
                        cd_wshow(helper_exe, show, sizeof show));
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  return 0;
}

int cd_read_acls_queue(const wchar_t *home, const cd_win_ace *aces, size_t n,
                       const wchar_t *helper_exe, cordon_error *err) {
  size_t count = 0;
  char *text = cd_acl_queue_format(aces, n, &count, err);
  if (!text)
    return -1;
  int r = 0;
  if (count > 0) {
    wchar_t *dir = queue_dir(home, err);
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    wchar_t name[64];
    /* Names sort by age: the helper applies requests in the order they came. */
    swprintf(name, 64, L"%08lx%08lx-%08lx.acl", now.dwHighDateTime, now.dwLowDateTime,
             GetCurrentProcessId());
    wchar_t *path = dir ? cd_wjoin(dir, name) : NULL;
    r = !dir ? -1 : !path ? cd_error_oom(err) : cd_file_write_atomic(path, text, strlen(text), err);
    if (r == 0)
      r = start_helper(home, helper_exe, err);
    free(path);
    free(dir);
  }
  free(text);
  return r;
}

/* Call FN for each file of DIR matching PATTERN ("*.acl"), in name order. */
typedef int (*each_fn)(const wchar_t *dir, const wchar_t *name, void *ctx, cordon_error *err);

static int cmp_names(const void *a, const void *b) {
  return wcscmp(*(wchar_t *const *)a, *(wchar_t *const *)b);
}

static int each_file(const wchar_t *dir, const wchar_t *pattern, each_fn fn, void *ctx,
                     cordon_error *err) {
  wchar_t *glob = cd_wjoin(dir, pattern);
  if (!glob)
    return cd_error_oom(err);
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileW(glob, &fd);
  free(glob);
  if (find == INVALID_HANDLE_VALUE)
    return 0;
  wchar_t **names = NULL;
  size_t n = 0, cap = 0;
  int r = 0;
  do {
    if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      wchar_t **grown = realloc(names, cap * sizeof *grown);
      if (!grown) {
        r = cd_error_oom(err);
        break;
      }
      names = grown;
    }
    if (!(names[n] = _wcsdup(fd.cFileName))) {
      r = cd_error_oom(err);
      break;
    }
    n++;
  } while (FindNextFileW(find, &fd));
  FindClose(find);
  if (r == 0)
    qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    if (r == 0)
      r = fn(dir, names[i], ctx, err);
    free(names[i]);
  }
  free(names);
  return r;
}

/* NAME with its extension replaced by EXT. */
static wchar_t *sibling(const wchar_t *dir, const wchar_t *name, const wchar_t *ext) {
  wchar_t base[MAX_PATH];
  const wchar_t *dot = wcsrchr(name, L'.');
  size_t len = dot ? (size_t)(dot - name) : wcslen(name);
  if (len + wcslen(ext) >= MAX_PATH)
    return NULL;
  wmemcpy(base, name, len);
  wcscpy(base + len, ext);
  return cd_wjoin(dir, base);
}

static int apply_request(const wchar_t *dir, const wchar_t *name, void *ctx, cordon_error *err) {
  wchar_t *path = cd_wjoin(dir, name);
  if (!path)
    return cd_error_oom(err);
  char *text = NULL;
  size_t len = 0;
  cd_win_ace *aces = NULL;
  size_t n = 0;
  cordon_error why = {0};
  int r = cd_file_read(path, &text, &len, &why);
  if (r == 0 && text)
    r = cd_acl_queue_parse(text, len, &aces, &n, &why);
  if (r == 0)
    r = cd_acl_apply_list(aces, n, CD_ACL_ALL, &why);
  free(text);
  cd_win_aces_free(aces, n);
  int out = 0;
  if (r == 0) {
    DeleteFileW(path);
  } else {
    /* Kept, with the reason beside it: a request is never dropped silently. */
    wchar_t *failed = sibling(dir, name, L".failed"), *error = sibling(dir, name, L".error");
    if (!failed || !error)
      out = cd_error_oom(err);
    else if (cd_file_write_atomic(error, why.message, strlen(why.message), err) < 0)
      out = -1;
    else if (!MoveFileExW(path, failed, MOVEFILE_REPLACE_EXISTING))
      out = cd_win_error(err, GetLastError(), "keep a failed request");
    free(failed);
    free(error);
  }
  free(path);
  return out;
}

/* The mutex is machine-wide and shared by every user's helper, elevated or not, so
 * its DACL cannot be the creator's default (the next user's helper would be
 * refused): SYSTEM and Administrators, and any signed-in user may wait on it and
 * release it. The sandbox group is denied, so a sandboxed command cannot sit on it
 * and stall everyone's read grants. */
static HANDLE open_mutex(cordon_error *err) {
  PSID group = NULL;
  char sid[CD_WIN_SID_MAX] = "";
  cordon_error ignored = {0};
  /* Before the first setup there is no group, and no sandbox user to keep out. */
  if (cd_sid_lookup(CD_WIN_GROUP, &group, &ignored) == 0)
    cd_sid_format(group, sid, sizeof sid, &ignored);
  LocalFree(group);
  char sddl[256];
  snprintf(sddl, sizeof sddl, "D:%s%s%s(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x100001;;;AU)",
           sid[0] ? "(D;;GA;;;" : "", sid, sid[0] ? ")" : "");
  SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa};
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1,
                                                            &sa.lpSecurityDescriptor, NULL)) {
    cd_win_error(err, GetLastError(), "build the read ACL mutex's DACL");
    return NULL;
  }
  HANDLE mutex = CreateMutexW(&sa, FALSE, CD_READ_ACL_MUTEX);
  DWORD e = GetLastError();
  LocalFree(sa.lpSecurityDescriptor);
  if (!mutex)
    cd_win_error(err, e, "open the read ACL mutex");
  return mutex;
}

int cd_read_acl_helper_run(const wchar_t *home, cordon_error *err) {
  wchar_t *dir = queue_dir(home, err);
  if (!dir)
    return -1;
  HANDLE mutex = open_mutex(err);
  if (!mutex) {
    free(dir);
    return -1;
  }
  /* ABANDONED: the previous helper died mid-request; its request is still queued
   * and applying an ACE twice changes nothing, so carrying on is right. */
  DWORD w = WaitForSingleObject(mutex, INFINITE);
  int r;
  if (w != WAIT_OBJECT_0 && w != WAIT_ABANDONED) {
    r = cd_win_error(err, GetLastError(), "wait for the read ACL mutex");
  } else {
    r = each_file(dir, L"*.acl", apply_request, NULL, err);
    ReleaseMutex(mutex);
  }
  CloseHandle(mutex);
  free(dir);
  return r;
}

static int first_error(const wchar_t *dir, const wchar_t *name, void *ctx, cordon_error *err) {
  char **failure = ctx;
  if (**failure)
    return 0;
  wchar_t *path = cd_wjoin(dir, name);
  char *text = NULL;
  size_t len;
  int r = path ? cd_file_read(path, &text, &len, err) : cd_error_oom(err);
  if (text)
    snprintf(*failure, CORDON_ERROR_MAX, "%s", text);
  free(text);
  free(path);
  return r;
}

static int count(const wchar_t *dir, const wchar_t *name, void *ctx, cordon_error *err) {
  (*(size_t *)ctx)++;
  return 0;
}

int cd_read_acls_pending(const wchar_t *home, bool *pending, char *failure, size_t size,
                         cordon_error *err) {
  wchar_t *dir = queue_dir(home, err);
  if (!dir)
    return -1;
  size_t waiting = 0;
  char reason[CORDON_ERROR_MAX] = "";
  char *p = reason;
  int r = each_file(dir, L"*.acl", count, &waiting, err);
  if (r == 0)
    r = each_file(dir, L"*.error", first_error, &p, err);
  free(dir);
  *pending = waiting > 0;
  snprintf(failure, size, "%s", reason);
  return r;
}

static int requeue(const wchar_t *dir, const wchar_t *name, void *ctx, cordon_error *err) {
  wchar_t *from = cd_wjoin(dir, name), *to = sibling(dir, name, L".acl");
  wchar_t *error = sibling(dir, name, L".error");
  int r = 0;
  if (!from || !to || !error)
    r = cd_error_oom(err);
  else if (!MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING))
    r = cd_win_error(err, GetLastError(), "requeue a failed read ACL request");
  else
    DeleteFileW(error);
  (*(size_t *)ctx)++;
  free(from);
  free(to);
  free(error);
  return r;
}

int cd_read_acls_retry(const wchar_t *home, const wchar_t *helper_exe, cordon_error *err) {
  wchar_t *dir = queue_dir(home, err);
  if (!dir)
    return -1;
  size_t moved = 0, waiting = 0;
  int r = each_file(dir, L"*.failed", requeue, &moved, err);
  if (r == 0)
    r = each_file(dir, L"*.acl", count, &waiting, err);
  free(dir);
  if (r == 0 && waiting > 0)
    r = start_helper(home, helper_exe, err);
  return r;
}
