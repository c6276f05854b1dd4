#include "policy/plan.h"

#include <stdlib.h>
#include <string.h>

bool cd_path_is_within(const char *path, const char *ancestor) {
  size_t n = strlen(ancestor);
  if (n == 1 && ancestor[0] == '/')
    return path[0] == '/';
  return strncmp(path, ancestor, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

cd_access cd_plan_kind_access(cd_plan_kind kind) {
  switch (kind) {
  case CD_PLAN_WRITABLE_ROOT:
    return CD_ACCESS_WRITE;
  case CD_PLAN_READABLE_ROOT:
  case CD_PLAN_DENY_WRITE:
    return CD_ACCESS_READ;
  case CD_PLAN_DENY_READ:
    break;
  }
  return CD_ACCESS_NONE;
}

const char *cd_plan_kind_name(cd_plan_kind kind) {
  static const char *const names[] = {
      [CD_PLAN_READABLE_ROOT] = "readable_roots",
      [CD_PLAN_WRITABLE_ROOT] = "writable_roots",
      [CD_PLAN_DENY_WRITE] = "deny_write",
      [CD_PLAN_DENY_READ] = "deny_read",
  };
  return names[kind];
}

cd_access cd_plan_access(const cd_plan *plan, const char *path) {
  /* Sorted order puts ancestors first, so the last match is the most specific. */
  const cd_plan_path *best = NULL;
  for (size_t i = 0; i < plan->n_paths; i++)
    if (cd_path_is_within(path, plan->paths[i].path))
      best = &plan->paths[i];
  return best ? cd_plan_kind_access(best->kind) : CD_ACCESS_NONE;
}

void cd_plan_free(cd_plan *plan) {
  if (!plan)
    return;
  free(plan->cwd);
  free(plan->home);
  free(plan->worktree_root);
  free(plan->state_dir);
  for (size_t i = 0; i < plan->n_paths; i++)
    free(plan->paths[i].path);
  free(plan->paths);
  cd_strv_free(&plan->create);
  free(plan->network.proxy_ports);
  cd_strv_free(&plan->env_set);
  cd_strv_free(&plan->env_unset);
  free(plan);
}

void cordon_plan_free(cordon_plan *plan) { cd_plan_free(plan); }

/* ENVP minus plan->env_unset, with plan->env_set applied (replacing same names). */
char **cd_plan_environment(const cd_plan *plan, char *const envp[]) {
  size_t n = 0;
  while (envp && envp[n])
    n++;
  char **out = calloc(n + plan->env_set.len + 1, sizeof *out);
  if (!out)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t name_len = strcspn(envp[i], "=");
    bool drop = false;
    for (size_t u = 0; !drop && u < plan->env_unset.len; u++)
      drop = strlen(plan->env_unset.items[u]) == name_len &&
             strncmp(plan->env_unset.items[u], envp[i], name_len) == 0;
    for (size_t s = 0; !drop && s < plan->env_set.len; s++)
      drop = strncmp(plan->env_set.items[s], envp[i], name_len + 1) == 0;
    if (!drop)
      out[k++] = envp[i];
  }
  for (size_t s = 0; s < plan->env_set.len; s++)
    out[k++] = plan->env_set.items[s];
  out[k] = NULL;
  return out;
}
