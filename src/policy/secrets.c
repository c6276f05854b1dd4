#include "policy/secrets.h"

#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/paths.h"
#include "policy/plan.h"
#include "policy/resolve.h"
#include "policy/ssh_config.h"

/* Credentials of the tools an agent is most likely to find: ssh and gpg keys, cloud
 * and cluster credentials, registry auth, netrc, teleport and brev sessions. */
static const char *const home_secrets[] = {
    ".ssh",          ".gnupg",  ".aws", ".azure", ".kube", ".docker/config.json",
    ".netrc",        ".config/gcloud", ".tsh", ".brev",
};

/* A component holding a %-token or ${VAR} is only known when ssh runs. */
static bool has_runtime_token(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] == '%' || s[i] == '$')
      return true;
  return false;
}

/* A dependency that starts with an environment variable (IdentityAgent $SOCK) is
 * expanded from the command's environment: that is the value ssh would use. An unset
 * variable names nothing ssh could open. Returns NULL (with *SKIP) for those. */
static char *expand_leading_variable(const char *dep, char *const envp[], bool *skip) {
  *skip = false;
  if (dep[0] != '$')
    return strdup(dep);
  const char *name = dep + 1, *rest;
  size_t len;
  if (*name == '{') {
    name++;
    const char *close = strchr(name, '}');
    if (!close) {
      *skip = true;
      return NULL;
    }
    len = (size_t)(close - name);
    rest = close + 1;
  } else {
    len = strcspn(name, "/");
    rest = name + len;
  }
  _cleanup_free_ char *var = strndup(name, len);
  const char *value = var ? cd_env_get(envp, var) : NULL;
  if (!value || value[0] != '/') {
    *skip = var != NULL;
    return NULL;
  }
  char *out;
  return asprintf(&out, "%s%s", value, rest) < 0 ? NULL : out;
}

/* Map one ssh-config dependency to the path to hide. */
static int map_ssh_dependency(const char *home, const char *raw, char *const envp[],
                              cd_strv *out, cordon_error *err) {
  bool skip;
  _cleanup_free_ char *dep = expand_leading_variable(raw, envp, &skip);
  if (skip)
    return 0;
  if (!dep)
    return cd_error_oom(err);
  /* "~/../x" must hide x, not home's parent. */
  cd_path_normalize_lexically(dep);
  if (cd_path_is_within(dep, home) && strcmp(dep, home) != 0) {
    const char *first = dep + strlen(home);
    while (*first == '/')
      first++;
    size_t len = strcspn(first, "/");
    if (has_runtime_token(first, len))
      return cd_error_set(err, 0,
                          "~/.ssh/config names '%s': cannot tell which home directory it "
                          "lives in, so it cannot be hidden",
                          dep);
    _cleanup_free_ char *child = strndup(first, len);
    if (!child)
      return cd_error_oom(err);
    char *path = cd_path_join(home, child);
    return cd_strv_push_owned(out, path) < 0 ? cd_error_oom(err) : 0;
  }
  /* Outside home: hide the deepest directory that is known now. */
  _cleanup_free_ char *path = strdup(dep);
  if (!path)
    return cd_error_oom(err);
  char *c = path + 1;
  while (*c) {
    size_t len = strcspn(c, "/");
    if (has_runtime_token(c, len)) {
      c[-1] = '\0';
      break;
    }
    c += len;
    if (*c == '/')
      c++;
  }
  if (path[0] == '\0' || strcmp(path, "/") == 0)
    return cd_error_set(err, 0, "~/.ssh/config names '%s': hiding it would hide '/'", dep);
  return cd_strv_push_owned(out, CD_TAKE(path)) < 0 ? cd_error_oom(err) : 0;
}

int cd_secrets_collect(const char *home, char *const envp[], cd_strv *out, cordon_error *err) {
  for (size_t i = 0; i < sizeof home_secrets / sizeof home_secrets[0]; i++)
    if (cd_strv_push_owned(out, cd_path_join(home, home_secrets[i])) < 0)
      return cd_error_oom(err);

  _cleanup_free_ char *config = cd_path_join(home, ".ssh/config");
  if (!config)
    return cd_error_oom(err);
  cd_strv deps = {0};
  int r = cd_ssh_config_collect(config, home, &deps, err);
  for (size_t i = 0; r == 0 && i < deps.len; i++)
    r = map_ssh_dependency(home, deps.items[i], envp, out, err);
  cd_strv_free(&deps);
  return r;
}
