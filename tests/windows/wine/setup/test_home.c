/* cordon home on Wine's real filesystem: where it resolves, the layout setup
 * creates, the marker and progress files, the corrupted-marker error, and the
 * read-ACL queue with the real helper process (argv[1]: cordon-setup.exe). */
#include <string.h>

#include <aclapi.h>
#include <sddl.h>

#include "acl_apply.h"
#include "check.h"
#include "files.h"
#include "home.h"
#include "progress.h"
#include "read_acl_helper.h"
#include "setup.h"
#include "windows/win32/common/sid.h"
#include "windows/ops.h"
#include "windows/win32/common/winutil.h"

static bool exists(const wchar_t *dir, const wchar_t *name) {
  wchar_t *p = cd_wjoin(dir, name);
  bool ok = GetFileAttributesW(p) != INVALID_FILE_ATTRIBUTES;
  free(p);
  return ok;
}

static void write_file(const wchar_t *dir, const wchar_t *name, const char *text) {
  wchar_t *p = cd_wjoin(dir, name);
  cordon_error err = {0};
  if (cd_file_write_atomic(p, text, strlen(text), &err) < 0)
    printf("# write failed: %s\n", err.message);
  free(p);
}

static void test_resolve(const wchar_t *tmp) {
  cordon_error err = {0};
  char *tmp8 = cd_utf8(tmp);
  wchar_t *h = cd_home_resolve(tmp8, &err);
  CHECK(h && wcscmp(h, tmp) == 0, "--cordon-home is taken as given");
  free(h);
  SetEnvironmentVariableW(L"CORDON_HOME", L"C:\\from-env");
  h = cd_home_resolve(NULL, &err);
  CHECK(h && wcscmp(h, L"C:\\from-env") == 0, "CORDON_HOME comes next");
  free(h);
  SetEnvironmentVariableW(L"CORDON_HOME", NULL);
  wchar_t local[MAX_PATH], want[MAX_PATH];
  GetEnvironmentVariableW(L"LOCALAPPDATA", local, MAX_PATH);
  swprintf(want, MAX_PATH, L"%ls\\cordon", local);
  h = cd_home_resolve(NULL, &err);
  CHECK(h && wcscmp(h, want) == 0, "else %%LOCALAPPDATA%%\\cordon");
  free(h);
  free(tmp8);
}

static void test_marker_files(const wchar_t *home) {
  cordon_error err = {0};
  cd_setup_opts o = {.home = home};
  cd_setup_state state;
  char why[256];
  CHECK(cd_home_ensure(home, &err) == 0 && cd_home_ensure(home, &err) == 0,
        "home is created, and creating it again is fine");
  CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) == 0 &&
            state == CD_SETUP_NEEDS_SETUP,
        "fresh home: needs setup (%s)", why);
  CHECK(cd_home_marker_store(home, CD_WIN_SETUP_VERSION, false, &err) == 0, "marker written");
  cd_setup_marker m = {0};
  bool present = false;
  CHECK(cd_home_marker_load(home, &m, &present, &err) == 0 && present &&
            m.version == CD_WIN_SETUP_VERSION && m.time > 1600000000,
        "marker reads back with this version and a current timestamp");
  CHECK(!exists(home, L"setup_marker.tmp"), "no temporary file is left behind");
  /* The passwords are what an elevated setup adds; fake their presence. */
  wchar_t *secrets = cd_wjoin(home, L"secrets");
  CHECK(cd_dir_ensure(secrets, &err) == 0 && exists(home, L"secrets"), "secrets directory created");
  free(secrets);
  write_file(home, L"secrets\\" CD_WIN_USER_OFFLINE ".dpapi", "x");
  write_file(home, L"secrets\\" CD_WIN_USER_ONLINE ".dpapi", "x");
  CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) == 0 &&
            state == CD_SETUP_NEEDS_REFRESH,
        "marker and passwords but no runner copy: needs refresh (%s)", why);
  wchar_t *copy = cd_setup_runner_copy(home);
  CHECK(copy && wcsstr(copy, L"\\.sandbox-bin\\" CORDON_VERSION "\\cordon-runner.exe"),
        "the runner copy lives in .sandbox-bin\\<version>");
  wchar_t dir[MAX_PATH];
  wcscpy(dir, copy);
  *wcsrchr(dir, L'\\') = 0;
  CreateDirectoryW(cd_wjoin(home, L".sandbox-bin"), NULL);
  CreateDirectoryW(dir, NULL);
  write_file(dir, L"cordon-runner.exe", "MZ");
  free(copy);
  CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) == 0 && state == CD_SETUP_OK,
        "with the runner copy: ok (%s)", why);
  /* Installed without --allow-local-binding: a run that allows it may not start,
   * while the user's own part still refreshes. */
  o.allow_local_binding = true;
  CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) == 0 &&
            state == CD_SETUP_NEEDS_SETUP && strstr(why, "with --allow-local-binding"),
        "a run allowing local binding on rules installed without it: needs setup (%s)", why);
  o.allow_local_binding = false;
  write_file(home, L"setup_marker", "cordon-setup-marker\nversion=0\ntime=1\n");
  memset(&err, 0, sizeof err);
  CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) < 0 &&
            strstr(err.message, "corrupted") && strstr(err.message, "bad version"),
        "corrupted marker is an error naming it: %s", err.message);
  write_file(home, L"setup_marker", "cordon-setup-marker\nversion=1\ntime=1\n");
  if (CD_WIN_SETUP_VERSION > 1)
    CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) == 0 &&
              state == CD_SETUP_NEEDS_SETUP,
          "older marker on disk: needs setup");
  CHECK(cd_home_marker_remove(home, &err) == 0 && !exists(home, L"setup_marker") &&
            cd_home_marker_remove(home, &err) == 0,
        "marker removal is idempotent");
  unsigned done = 0;
  CHECK(cd_home_progress_store(home, 1u << CD_STEP_USERS, &err) == 0 &&
            cd_home_progress_load(home, &done, &present, &err) == 0 && present &&
            done == 1u << CD_STEP_USERS,
        "progress file round-trips");
  CHECK(cd_setup_check(&o, &state, why, sizeof why, &err) == 0 &&
            state == CD_SETUP_NEEDS_SETUP && strstr(why, "stopped after: users"),
        "a setup that stopped is reported with its steps (%s)", why);
}

static bool has_match(const wchar_t *dir, const wchar_t *pattern) {
  wchar_t *glob = cd_wjoin(dir, pattern);
  WIN32_FIND_DATAW fd;
  HANDLE f = FindFirstFileW(glob, &fd);
  free(glob);
  if (f == INVALID_HANDLE_VALUE)
    return false;
  FindClose(f);
  return true;
}

/* Whether Wine keeps a DACL set on a directory here: a probe, so the check that
 * reads back the helper's ACE is made where it means something and said to be
 * skipped elsewhere. */
static bool wine_keeps_dacls(const wchar_t *home) {
  wchar_t probe[MAX_PATH];
  swprintf(probe, MAX_PATH, L"%ls\\dacl-probe", home);
  CreateDirectoryW(probe, NULL);
  PSECURITY_DESCRIPTOR sd = NULL;
  PACL set = NULL, got = NULL;
  ULONG len;
  bool kept = false;
  if (ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;OICI;FA;;;S-1-5-21-7-7-7-7)",
                                                           SDDL_REVISION_1, &sd, &len)) {
    BOOL present, defaulted;
    GetSecurityDescriptorDacl(sd, &present, &set, &defaulted);
    PSECURITY_DESCRIPTOR back = NULL;
    if (SetNamedSecurityInfoW(probe, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, set,
                              NULL) == ERROR_SUCCESS &&
        GetNamedSecurityInfoW(probe, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &got,
                              NULL, &back) == ERROR_SUCCESS)
      kept = got && got->AceCount == 1;
    LocalFree(back);
    LocalFree(sd);
  }
  RemoveDirectoryW(probe);
  return kept;
}

static int count_matching(const wchar_t *dir, const wchar_t *pattern) {
  wchar_t *glob = cd_wjoin(dir, pattern);
  WIN32_FIND_DATAW fd;
  HANDLE f = FindFirstFileW(glob, &fd);
  free(glob);
  int n = 0;
  if (f != INVALID_HANDLE_VALUE) {
    do
      n++;
    while (FindNextFileW(f, &fd));
    FindClose(f);
  }
  return n;
}

/* Wait (bounded: 10 s) until DIR has a file matching PATTERN. */
static bool wait_for(const wchar_t *dir, const wchar_t *pattern) {
  for (int i = 0; i < 200; i++) {
    if (has_match(dir, pattern))
      return true;
    Sleep(50);
  }
  return false;
}

static void test_read_acl_queue(const wchar_t *home, const wchar_t *helper) {
  cordon_error err = {0};
  bool pending = true;
  char failure[CORDON_ERROR_MAX];
  CHECK(cd_read_acls_pending(home, &pending, failure, sizeof failure, &err) == 0 && !pending &&
            !failure[0],
        "empty queue: nothing pending");
  cd_win_ace ace = {.path = "C:\\cordon-no-such-dir\\x", .type = CD_WIN_ACE_ALLOW,
                    .trustee = CD_WIN_TRUSTEE_CAP, .cap = CD_WIN_CAP_GENERIC,
                    .sid = "S-1-5-21-11-22-33-44", .mask = CD_WIN_MASK_READ,
                    .inheritance = CD_WIN_INHERIT_DIR, .deferred = true,
                    .why = CD_WIN_WHY_READABLE_ROOT};
  CHECK(cd_read_acls_queue(home, &ace, 1, helper, &err) == 0, "request queued, helper started");
  wchar_t *queue = cd_wjoin(home, CD_READ_ACL_QUEUE_DIR);
  CHECK(wait_for(queue, L"*.failed") && wait_for(queue, L"*.error"),
        "the helper process kept the failing request as .failed, with a reason");
  CHECK(cd_read_acls_pending(home, &pending, failure, sizeof failure, &err) == 0 && !pending &&
            strstr(failure, "cordon-no-such-dir"),
        "its reason is reported: %s", failure);
  /* A request that can succeed: the cap SID on a real directory. */
  wchar_t target[MAX_PATH];
  swprintf(target, MAX_PATH, L"%ls\\target", home);
  CreateDirectoryW(target, NULL);
  char *target8 = cd_utf8(target);
  ace.path = target8;
  CHECK(cd_read_acls_queue(home, &ace, 1, helper, &err) == 0, "second request queued");
  bool drained = false;
  for (int i = 0; i < 200 && !drained; i++) {
    cd_read_acls_pending(home, &pending, failure, sizeof failure, &err);
    drained = !pending;
    if (!drained)
      Sleep(50);
  }
  CHECK(drained && count_matching(queue, L"*.failed") == 1,
        "the helper applied the good request and removed it");
  /* What the helper wrote is on disk: read the directory's DACL back. */
  PACL dacl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  PSID cap = NULL;
  cd_sid_parse(ace.sid, &cap, &err);
  bool found = GetNamedSecurityInfoW(target, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL,
                                     NULL, &dacl, NULL, &sd) == ERROR_SUCCESS &&
               cd_acl_has(dacl, &ace, cap);
  if (found || wine_keeps_dacls(home))
    CHECK(found, "the directory's DACL now holds the capability SID's read grant");
  else
    printf("# not checked: this Wine does not keep file DACLs on this filesystem, "
           "so the written grant cannot be read back\n");
  LocalFree(sd);
  LocalFree(cap);
  free(target8);
  CHECK(cd_read_acls_retry(home, helper, &err) == 0, "retry requeues the failed request %s", err.message);
  CHECK(wait_for(queue, L"*.error"), "and it fails again, with a reason");
  free(queue);
}

/* Exit status of `cordon-setup ARGS` (its output goes to this test's log). */
static DWORD run_setup(const wchar_t *exe, const wchar_t *args) {
  wchar_t cmd[2 * MAX_PATH];
  swprintf(cmd, 2 * MAX_PATH, L"\"%ls\" %ls", exe, args);
  STARTUPINFOW si = {.cb = sizeof si};
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    return 0xffffffff;
  WaitForSingleObject(pi.hProcess, 30000);
  DWORD code = 0xffffffff;
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  return code;
}

static void test_cli(const wchar_t *exe, const wchar_t *tmp) {
  wchar_t args[MAX_PATH + 64];
  fflush(stdout);
  swprintf(args, MAX_PATH + 64, L"--check --cordon-home \"%ls\\cli\"", tmp);
  CHECK(run_setup(exe, args) == 2, "--check on a fresh home exits 2 (needs setup)");
  swprintf(args, MAX_PATH + 64, L"--refresh --cordon-home \"%ls\\cli\"", tmp);
  CHECK(run_setup(exe, args) == 2, "--refresh without the elevated part exits 2");
  CHECK(run_setup(exe, L"--no-such-flag") == 125, "an unknown flag exits 125");
  CHECK(run_setup(exe, L"--check --refresh") == 125, "exclusive flags exit 125");
  CHECK(run_setup(exe, L"--user someone") == 125, "--user without --cordon-home exits 125");
  CHECK(run_setup(exe, L"--everyone-writable") == 125, "--everyone-writable needs a root");
  CHECK(run_setup(exe, L"--help") == 0, "--help exits 0");
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    printf("Bail out! usage: test_home CORDON-SETUP.EXE\n");
    return 1;
  }
  const wchar_t *tmp = check_tempdir(L"home");
  wchar_t home[MAX_PATH];
  swprintf(home, MAX_PATH, L"%ls\\cordon", tmp);
  /* Meson passes a Unix path; Wine shows the Unix root as drive Z:. */
  wchar_t helper[MAX_PATH];
  swprintf(helper, MAX_PATH, argv[1][0] == '/' ? L"Z:%hs" : L"%hs", argv[1]);
  for (wchar_t *c = helper; *c; c++)
    if (*c == L'/')
      *c = L'\\';
  test_resolve(tmp);
  test_marker_files(home);
  test_read_acl_queue(home, helper);
  test_cli(helper, tmp);
  return check_done();
}
