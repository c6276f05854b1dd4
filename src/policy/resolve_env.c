/* Environment part of the resolver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/paths.h"
#include "policy/resolve.h"

/* Variables that lead out of the sandbox: the ssh agent (a signing oracle for the
 * user's keys), the display servers (keystroke injection, screen capture) and the
 * session bus (can ask systemd or a desktop to run commands outside). */
static const char *const removed_by_default[] = {
    "SSH_AUTH_SOCK",     "SSH_AGENT_PID",       "DISPLAY",
    "WAYLAND_DISPLAY",   "XAUTHORITY",          "DBUS_SESSION_BUS_ADDRESS",
    NULL,
};

/* The directory holding the .git marker (a directory, or a linked worktree's
 * gitfile) of DIR or its nearest ancestor. */
static char *find_worktree_root(const char *dir) {
  _cleanup_free_ char *cur = strdup(dir);
  while (cur) {
    _cleanup_free_ char *marker = cd_path_join(cur, ".git");
    struct stat st;
    if (!marker)
      return NULL;
    if (lstat(marker, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
      return CD_TAKE(cur);
    char *slash = strrchr(cur, '/');
    if (!slash || strcmp(cur, "/") == 0)
      return NULL;
    slash[slash == cur ? 1 : 0] = '\0';
  }
  return NULL;
}

static int set_var(cd_plan *plan, const char *name, const char *value, cordon_error *err) {
  char *kv;
  if (asprintf(&kv, "%s=%s", name, value) < 0)
    return cd_error_oom(err);
  return cd_strv_push_owned(&plan->env_set, kv) < 0 ? cd_error_oom(err) : 0;
}

/* git refuses a repository owned by another user (the Windows sandbox user, or a
 * different uid mapping): mark the worktree root safe through GIT_CONFIG_*,
 * appended after entries the caller already has so none of them is lost. */
static int add_safe_directory(char *const envp[], cd_plan *plan, cordon_error *err) {
  plan->worktree_root = find_worktree_root(plan->cwd);
  if (!plan->worktree_root)
    return 0;
  long count = 0;
  const char *given = cd_env_get(envp, "GIT_CONFIG_COUNT");
  if (given && *given) {
    char *end;
    errno = 0;
    count = strtol(given, &end, 10);
    if (*end || errno || count < 0 || count > 100000)
      return cd_error_set(err, 0, "GIT_CONFIG_COUNT='%s' is not a count", given);
  }
  char name[64], number[32];
  snprintf(name, sizeof name, "GIT_CONFIG_KEY_%ld", count);
  if (set_var(plan, name, "safe.directory", err) < 0)
    return -1;
  snprintf(name, sizeof name, "GIT_CONFIG_VALUE_%ld", count);
  if (set_var(plan, name, plan->worktree_root, err) < 0)
    return -1;
  snprintf(number, sizeof number, "%ld", count + 1);
  return set_var(plan, "GIT_CONFIG_COUNT", number, err);
}

int cd_resolve_env(const cd_policy *policy, char *const envp[], cd_plan *plan,
                   cordon_error *err) {
  if (add_safe_directory(envp, plan, err) < 0)
    return -1;
  for (size_t i = 0; removed_by_default[i]; i++)
    if (!cd_strv_contains(&policy->keep_env, removed_by_default[i]) &&
        cd_strv_push(&plan->env_unset, removed_by_default[i]) < 0)
      return cd_error_oom(err);
  return 0;
}
