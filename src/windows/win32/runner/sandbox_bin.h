/* The runner's own copy, where the sandbox users can run it:
 *
 *   <cordon home>\.sandbox-bin\<version>\cordon-runner.exe
 *   <cordon home>\.sandbox-bin\dev-<size>-<mtime>\cordon-runner.exe   (no version)
 *
 * Installed programs may live where the sandbox users cannot execute (a packaged
 * app's directory), so the runner is copied into cordon home. One directory per
 * version lets several cordon versions run side by side without each taking the
 * other's copy for stale; a development build has no meaningful version, so its
 * size and modification time name the directory instead. The directory gets read
 * and execute for the sandbox group and no write for it (the ACL hook below), so
 * a sandboxed command can run the runner but never replace it. */
#ifndef CD_RUNNER_SANDBOX_BIN_H
#define CD_RUNNER_SANDBOX_BIN_H

#include <windows.h>

#include "cordon.h"

#define CD_SANDBOX_GROUP L"CordonSandboxUsers"
#define CD_SANDBOX_BIN_DIR L".sandbox-bin"
#define CD_RUNNER_EXE L"cordon-runner.exe"

/* Implemented by the setup part: give CD_SANDBOX_GROUP read and execute on DIR,
 * inherited by the files in it, and no write, delete or change of permissions.
 * Must be idempotent (it runs on every install). Returns 0, or -1 with ERR. */
typedef int (*cd_sandbox_bin_acl_fn)(const wchar_t *dir, void *ctx, cordon_error *err);

/* Copy RUNNER (the executable next to cordon) into HOME's .sandbox-bin under
 * VERSION (NULL or "" for a development build), unless an identical copy is
 * already there, then apply ACL to its directory. *OUT is the path of the copy
 * (free it). The copy is written under a temporary name and renamed into place,
 * so a crash or a concurrent install never leaves a partial runner. */
int cd_sandbox_bin_install(const wchar_t *home, const wchar_t *runner, const char *version,
                           cd_sandbox_bin_acl_fn acl, void *acl_ctx, wchar_t **out,
                           cordon_error *err);

#endif
