/* The runner's copy in <home>\.sandbox-bin: its layout per version, reuse,
 * repair, and refusals (runner_harness.h). */
#include <stdlib.h>
#include <string.h>

#include "runner_harness.h"
#include "windows/win32/runner/sandbox_bin.h"

typedef struct acl_calls {
  int count;
  wchar_t dir[MAX_PATH];
  bool fail;
} acl_calls;

static int record_acl(const wchar_t *dir, void *ctx, cordon_error *err) {
  acl_calls *c = ctx;
  c->count++;
  wcsncpy(c->dir, dir, MAX_PATH - 1);
  if (c->fail)
    return cd_error_set(err, 0, "scripted ACL failure");
  return 0;
}

static bool file_id(const wchar_t *path, ULONGLONG *id) {
  HANDLE h = CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                         OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return false;
  BY_HANDLE_FILE_INFORMATION info;
  BOOL ok = GetFileInformationByHandle(h, &info);
  CloseHandle(h);
  *id = (ULONGLONG)info.nFileIndexHigh << 32 | info.nFileIndexLow;
  return ok;
}

static bool same_bytes(const wchar_t *a, const wchar_t *b) {
  FILE *fa = _wfopen(a, L"rb"), *fb = _wfopen(b, L"rb");
  bool same = fa && fb;
  while (same) {
    int x = fgetc(fa), y = fgetc(fb);
    same = x == y;
    if (x == EOF)
      break;
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

static int sandbox_bin(void) {
  wchar_t tmp[MAX_PATH], home[MAX_PATH];
  GetTempPathW(MAX_PATH, tmp);
  /* Named after the process and the time: Wine reuses process ids, and a home left
   * by an earlier run would fail the mkdir below. */
  swprintf(home, MAX_PATH, L"%lscordon-home-%lu-%llu", tmp, GetCurrentProcessId(),
           GetTickCount64());
  CHECK(CreateDirectoryW(home, NULL), "mkdir home");
  acl_calls calls = {0};
  cordon_error err = {0};
  wchar_t *path;

  /* A release: <home>\.sandbox-bin\<version>\cordon-runner.exe, same bytes. */
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &path, &err) == 0,
        "install: %s", err.message);
  wchar_t want[MAX_PATH];
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0\\cordon-runner.exe", home);
  CHECK(wcscmp(path, want) == 0, "path %ls", path);
  CHECK(same_bytes(path, runner_path), "the copy differs");
  CHECK(calls.count == 1, "ACL calls %d", calls.count);
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0", home);
  CHECK(wcscmp(calls.dir, want) == 0, "ACL on %ls", calls.dir);

  /* Again: the copy is reused, not rewritten; the ACL is applied again. */
  ULONGLONG id1, id2;
  CHECK(file_id(path, &id1), "id");
  wchar_t *again;
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &again, &err) ==
            0,
        "reinstall: %s", err.message);
  CHECK(file_id(again, &id2) && id1 == id2, "the copy was rewritten");
  CHECK(calls.count == 2, "ACL calls %d", calls.count);

  /* A damaged copy is replaced. */
  FILE *f = _wfopen(path, L"wb");
  CHECK(f, "open the copy");
  fputs("damaged", f);
  fclose(f);
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &again, &err) ==
            0,
        "repair: %s", err.message);
  CHECK(same_bytes(again, runner_path), "the damaged copy stayed");

  /* A development build: dev-<size>-<mtime>, next to the release. */
  WIN32_FILE_ATTRIBUTE_DATA a;
  CHECK(GetFileAttributesExW(runner_path, GetFileExInfoStandard, &a), "stat");
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\dev-%llu-%016llx\\cordon-runner.exe", home,
           (unsigned long long)a.nFileSizeHigh << 32 | a.nFileSizeLow,
           (unsigned long long)a.ftLastWriteTime.dwHighDateTime << 32 |
               a.ftLastWriteTime.dwLowDateTime);
  CHECK(cd_sandbox_bin_install(home, runner_path, NULL, record_acl, &calls, &again, &err) == 0,
        "dev install: %s", err.message);
  CHECK(wcscmp(again, want) == 0, "dev path %ls", again);
  CHECK(same_bytes(again, runner_path), "the dev copy differs");
  swprintf(want, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0\\cordon-runner.exe", home);
  CHECK(GetFileAttributesW(want) != INVALID_FILE_ATTRIBUTES, "the release copy went away");

  /* No temporary files are left behind. */
  wchar_t pattern[MAX_PATH];
  swprintf(pattern, MAX_PATH, L"%ls\\.sandbox-bin\\0.1.0\\*.tmp", home);
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileW(pattern, &fd);
  CHECK(find == INVALID_HANDLE_VALUE, "left behind: %ls", fd.cFileName);

  /* Refusals: a version that would climb out, no ACL step, a failing ACL step. */
  CHECK(cd_sandbox_bin_install(home, runner_path, "..\\evil", record_acl, &calls, &again,
                               &err) == -1,
        "installed under ..\\evil");
  CHECK(strstr(err.message, "cannot name a directory"), "error: %s", err.message);
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", NULL, NULL, &again, &err) == -1,
        "installed without an ACL step");
  calls.fail = true;
  CHECK(cd_sandbox_bin_install(home, runner_path, "0.1.0", record_acl, &calls, &again, &err) ==
            -1,
        "installed despite a failing ACL step");
  CHECK(strstr(err.message, "restrict the runner's directory: scripted ACL failure"),
        "error: %s", err.message);
  return PASS;
}

static const scenario scenarios[] = {
    SCENARIO(sandbox_bin),
};

HARNESS_MAIN(scenarios)
