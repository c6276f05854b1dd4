/* The pipes and the checks of the peer at each end: the client PID, impostors,
 * handshake and spawn deadlines, the pipes' DACLs, the runner's check of its
 * server (runner_harness.h). */
#include <aclapi.h>
#include <stdlib.h>
#include <string.h>

#include "runner_harness.h"
#include "windows/win32/runner/pipe.h"
#include "windows/win32/runner/sd.h"

/* A connection from another process is refused and the runner is killed. */
static int pid_check(void) {
  cd_runner_pipes p;
  STEP(pipes_create(&p, NULL));
  /* The impostor connects first and tells us so on its stdout. */
  HANDLE rd, wr;
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  CHECK(CreatePipe(&rd, &wr, &sa, 0), "pipe");
  SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
  wchar_t cmd[512];
  swprintf(cmd, 512, L"\"%ls\" impostor %ls", helper_path, p.to_name);
  STARTUPINFOW si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES, .hStdOutput = wr,
                     .hStdError = wr};
  PROCESS_INFORMATION imp;
  CHECK(CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &imp),
        "start the impostor: %lu", GetLastError());
  CloseHandle(wr);
  char said[32] = {0};
  DWORD n;
  CHECK(ReadFile(rd, said, sizeof said - 1, &n, NULL) && strstr(said, "connected"),
        "the impostor did not connect: [%s]", said);

  PROCESS_INFORMATION pi;
  STEP(launch_raw(runner_path, &p, &pi));
  cordon_error err = {0};
  int h = cd_runner_handshake(&p, pi.hProcess, pi.dwProcessId, 10000, &err);
  CHECK(h == -1, "the handshake accepted the impostor");
  char want[128];
  snprintf(want, sizeof want, "refused a connection from process %lu, which is not the runner",
           imp.dwProcessId);
  CHECK(strstr(err.message, want), "error: %s", err.message);
  CHECK(WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0,
        "the runner must be dead after a failed handshake");
  TerminateProcess(imp.hProcess, 0);
  cd_runner_pipes_close(&p);
  return PASS;
}

static int handshake_timeout(void) {
  /* The low-level steps, to keep the process handle and see it killed. */
  cd_runner_pipes p;
  PROCESS_INFORMATION pi;
  STEP(pipes_create(&p, NULL));
  STEP(launch_raw(fake_silent_path, &p, &pi));
  cordon_error err = {0};
  ULONGLONG t0 = GetTickCount64();
  int h = cd_runner_handshake(&p, pi.hProcess, pi.dwProcessId, 2000, &err);
  ULONGLONG took = GetTickCount64() - t0;
  CHECK(h == -1, "a runner that never connects passed the handshake");
  CHECK(strstr(err.message, "did not connect in time"), "error: %s", err.message);
  STEP(check_took(took, 1900, 8000));
  CHECK(WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0, "the silent runner still runs");
  cd_runner_pipes_close(&p);

  /* The same through cd_runner_start. */
  cd_runner *r = NULL;
  cd_runner_options opt = {.path = fake_silent_path, .handshake_ms = 1500};
  t0 = GetTickCount64();
  CHECK(cd_runner_start(&opt, &r, &err) == -1, "started a silent runner");
  return check_took(GetTickCount64() - t0, 0, 8000);
}

static int spawn_timeout(void) {
  cd_runner *r = NULL;
  cordon_error err = {0};
  cd_runner_options opt = {.path = fake_connect_path, .handshake_ms = 2000};
  CHECK(cd_runner_start(&opt, &r, &err) == 0, "start: %s", err.message);
  char *cmd[] = {"cmd", "/c", "echo never"};
  cd_msg req = request(cmd, 3, false);
  uint32_t pid;
  ULONGLONG t0 = GetTickCount64();
  CHECK(cd_runner_spawn(r, &req, &pid, &err) == -1, "a mute runner answered");
  ULONGLONG took = GetTickCount64() - t0;
  CHECK(strstr(err.message, "no data before the deadline"), "error: %s", err.message);
  STEP(check_took(took, 1900, 8000));
  CHECK(WaitForSingleObject(cd_runner_process(r), 0) == WAIT_OBJECT_0,
        "the mute runner was not killed");
  cd_runner_free(r);
  return PASS;
}

/* The DACL of PIPE, and the descriptor that holds it (for LocalFree). */
static int dacl_of(HANDLE pipe, PACL *dacl, PSECURITY_DESCRIPTOR *sd) {
  DWORD e = GetSecurityInfo(pipe, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, dacl,
                            NULL, sd);
  CHECK(e == ERROR_SUCCESS, "GetSecurityInfo: %lu", e);
  CHECK(*dacl, "no DACL");
  return PASS;
}

/* The pipes' DACLs: one allow ACE each, for this user, with exactly the rights
 * its direction needs. Wine stores them; only Windows enforces them between
 * users (the README says so). */
static int check_dacl(HANDLE pipe, DWORD want_mask, PSID user) {
  PACL dacl;
  PSECURITY_DESCRIPTOR sd;
  STEP(dacl_of(pipe, &dacl, &sd));
  CHECK(dacl->AceCount == 1, "%u ACEs", dacl->AceCount);
  ACCESS_ALLOWED_ACE *ace;
  CHECK(GetAce(dacl, 0, (void **)&ace), "GetAce");
  CHECK(ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE, "ACE type %u", ace->Header.AceType);
  CHECK(ace->Mask == want_mask, "mask 0x%lx, want 0x%lx", ace->Mask, want_mask);
  CHECK((ace->Mask & FILE_CREATE_PIPE_INSTANCE) == 0, "the runner could add instances");
  CHECK(EqualSid((PSID)&ace->SidStart, user), "the ACE is for another SID");
  LocalFree(sd);
  return PASS;
}

static int pipe_dacl(void) {
  HANDLE token;
  CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token), "token");
  char buf[256];
  DWORD n;
  CHECK(GetTokenInformation(token, TokenUser, buf, sizeof buf, &n), "user");
  PSID user = ((TOKEN_USER *)buf)->User.Sid;
  cd_runner_pipes p;
  STEP(pipes_create(&p, NULL));
  STEP(check_dacl(p.to, FILE_READ_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE, user));
  STEP(check_dacl(p.from, FILE_WRITE_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE, user));
  /* Nobody can add a second instance behind ours... */
  HANDLE second = CreateNamedPipeW(p.to_name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 0, 0, 0,
                                   NULL);
  CHECK(second == INVALID_HANDLE_VALUE, "a second instance of the pipe was created");
  cd_runner_pipes_close(&p);

  /* ... and a name someone squats on is refused, not joined. */
  const wchar_t *name = L"\\\\.\\pipe\\cordon-runner-squatted-to";
  HANDLE squat = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE,
                                  PIPE_UNLIMITED_INSTANCES, 0, 0, 0, NULL);
  CHECK(squat != INVALID_HANDLE_VALUE, "squat");
  cd_rn_identity id;
  cordon_error err = {0};
  CHECK(cd_rn_identity_from_token(NULL, false, &id, &err) == 0, "%s", err.message);
  HANDLE ours;
  CHECK(cd_rn_pipe_create(name, CD_RN_TO_RUNNER, &id, &ours, &err) == -1,
        "created a pipe whose name was taken");
  CHECK(strstr(err.message, "create pipe"), "error: %s", err.message);
  cd_rn_identity_free(&id);
  CloseHandle(squat);
  CloseHandle(token);
  return PASS;
}

/* A restricted runner token: the pipes admit its user and its logon SID (the
 * restricted check needs one of its restricting SIDs), nothing else. */
static int pipe_dacl_restricted(void) {
  HANDLE token, restricted = NULL;
  CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &token), "token");
  char groups_buf[4096];
  DWORD n;
  CHECK(GetTokenInformation(token, TokenGroups, groups_buf, sizeof groups_buf, &n), "groups");
  TOKEN_GROUPS *groups = (TOKEN_GROUPS *)groups_buf;
  SID_AND_ATTRIBUTES logon = {0};
  for (DWORD i = 0; i < groups->GroupCount; i++)
    if ((groups->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID)
      logon = groups->Groups[i];
  if (!logon.Sid) {
    printf("SKIP: this system's tokens carry no logon SID, so no restricted token like the "
           "sandbox's can be made\n");
    return SKIP;
  }
  logon.Attributes = 0;
  if (!CreateRestrictedToken(token, 0, 0, NULL, 0, NULL, 1, &logon, &restricted) ||
      !IsTokenRestricted(restricted)) {
    printf("SKIP: this system cannot make a token with restricting SIDs (CreateRestrictedToken: "
           "error %lu; Wine does not implement them)\n",
           GetLastError());
    return SKIP;
  }
  cd_rn_identity id;
  cordon_error err = {0};
  CHECK(cd_rn_identity_from_token(restricted, false, &id, &err) == 0, "%s", err.message);
  CHECK(id.count == 2 && EqualSid(id.sids[1], logon.Sid), "identity of %lu SIDs", id.count);
  cd_runner_pipes p;
  STEP(pipes_create(&p, restricted));
  PACL dacl;
  PSECURITY_DESCRIPTOR sd;
  STEP(dacl_of(p.to, &dacl, &sd));
  CHECK(dacl->AceCount == 2, "%u ACEs", dacl->AceCount);
  for (DWORD i = 0; i < 2; i++) {
    ACCESS_ALLOWED_ACE *ace;
    CHECK(GetAce(dacl, i, (void **)&ace), "GetAce");
    CHECK(EqualSid((PSID)&ace->SidStart, id.sids[i]), "ACE %lu is for another SID", i);
  }
  LocalFree(sd);
  cd_runner_pipes_close(&p);
  cd_rn_identity_free(&id);
  CloseHandle(restricted);
  CloseHandle(token);
  return PASS;
}

typedef struct launch_spy {
  wchar_t env[4096];
  size_t env_len;
} launch_spy;

/* Records the runner's environment, and starts it with a --parent that is not
 * the pipes' server. */
static int launch_wrong_parent(void *ctx, wchar_t *cmdline, wchar_t *env,
                               PROCESS_INFORMATION *pi, cordon_error *err) {
  launch_spy *spy = ctx;
  const wchar_t *e = env;
  while (*e)
    e += wcslen(e) + 1;
  spy->env_len = (size_t)(e - env);
  memcpy(spy->env, env, (spy->env_len + 1) * sizeof *env);
  wchar_t *parent = wcsstr(cmdline, L"--parent ");
  swprintf(parent, 32, L"--parent %lu", (unsigned long)GetCurrentProcessId() + 4);
  STARTUPINFOW si = {.cb = sizeof si};
  if (!CreateProcessW(NULL, cmdline, NULL, NULL, FALSE,
                      CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, env, NULL, &si, pi))
    return cd_error_set(err, 0, "CreateProcessW failed: %lu", GetLastError());
  return 0;
}

/* The runner talks only to the pipes its parent serves; and it starts with
 * nothing of the parent's environment but what Windows needs. */
static int server_check(void) {
  launch_spy spy = {0};
  cd_win_token spec = command_spec();
  cd_runner_options opt = {.path = runner_path, .launch = launch_wrong_parent,
                           .launch_ctx = &spy, .command_token = &spec};
  cd_runner *r = NULL;
  cordon_error err = {0};
  CHECK(cd_runner_start(&opt, &r, &err) == -1, "a runner with the wrong parent connected");
  CHECK(strstr(err.message, "the runner exited (status 1) before connecting"), "error: %s",
        err.message);
  bool system_root = false;
  for (const wchar_t *e = spy.env; *e; e += wcslen(e) + 1) {
    CHECK(wcsncmp(e, L"SystemDrive=", 12) == 0 || wcsncmp(e, L"SystemRoot=", 11) == 0 ||
              wcsncmp(e, L"windir=", 7) == 0,
          "the runner's environment has %ls", e);
    system_root = system_root || wcsncmp(e, L"SystemRoot=", 11) == 0;
  }
  CHECK(system_root, "no SystemRoot for the runner");
  return PASS;
}

static const scenario scenarios[] = {
    SCENARIO(pid_check), SCENARIO(handshake_timeout), SCENARIO(spawn_timeout), SCENARIO(pipe_dacl),
    SCENARIO(pipe_dacl_restricted), SCENARIO(server_check),
};

HARNESS_MAIN(scenarios)
