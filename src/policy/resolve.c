/* Filesystem part of the resolver: entries -> canonical plan paths.
 *
 * The work list holds one entry per canonical path. Entries come from the mode,
 * the config and the flags (later layers override earlier ones), then the resolver
 * adds its own: home replaced by its children, secrets (deny-read), protected
 * children and cordon's state (deny-write). Finally each entry is classified
 * against its nearest ancestor, and carveouts that do not exist yet are put on the
 * create list. */
#include "policy/resolve.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/host_sockets.h"
#include "policy/paths.h"
#include "policy/secrets.h"

const char *const cd_protected_names[] = {".git", ".agents", ".codex", ".cordon", NULL};

typedef struct work_entry {
  char *path;
  cd_access access;
  cd_plan_origin origin;
  cd_layer layer;
  const char *source; /* borrowed from the policy, or a static string */
  bool exists;
  bool is_dir;
} work_entry;

typedef struct work {
  work_entry *items;
  size_t len;
  char *cwd;
  char *home;        /* canonical home, NULL if unknown */
  char *home_given;  /* $HOME as given, for expanding '~' */
  cd_strv tmp_dirs;
  char *state_dir;   /* cordon home */
} work;

static void work_clear(work *w) {
  for (size_t i = 0; i < w->len; i++)
    free(w->items[i].path);
  free(w->items);
  free(w->cwd);
  free(w->home);
  free(w->home_given);
  cd_strv_free(&w->tmp_dirs);
  free(w->state_dir);
}

static work_entry *work_find(work *w, const char *path) {
  for (size_t i = 0; i < w->len; i++)
    if (strcmp(w->items[i].path, path) == 0)
      return &w->items[i];
  return NULL;
}

/* Access of PATH from the most specific entry that covers it. */
static cd_access work_access(const work *w, const char *path) {
  const work_entry *best = NULL;
  for (size_t i = 0; i < w->len; i++) {
    const work_entry *e = &w->items[i];
    if (cd_path_is_within(path, e->path) && (!best || strlen(e->path) > strlen(best->path)))
      best = e;
  }
  return best ? best->access : CD_ACCESS_NONE;
}

/* Add or override the entry for canonical PATH (taken). */
static int work_put(work *w, char *path, cd_access access, cd_plan_origin origin,
                    cd_layer layer, const char *source, cordon_error *err) {
  _cleanup_free_ char *owned = path;
  if (!path) /* callers pass strdup()'s result straight in */
    return cd_error_oom(err);
  struct stat st;
  bool exists = lstat(path, &st) == 0;
  work_entry *old = work_find(w, path);
  if (old) {
    if (old->layer == layer && old->access != access && layer != CD_LAYER_MODE)
      return cd_error_set(err, 0, "%s: '%s' is both %s (%s) and %s", source, path,
                          cd_access_name(old->access), old->source, cd_access_name(access));
    if (layer < old->layer)
      return 0;
    old->access = access;
    old->origin = origin;
    old->layer = layer;
    old->source = source;
    return 0;
  }
  work_entry *items = realloc(w->items, (w->len + 1) * sizeof *items);
  if (!items)
    return cd_error_oom(err);
  w->items = items;
  w->items[w->len++] = (work_entry){
      .path = CD_TAKE(owned),
      .access = access,
      .origin = origin,
      .layer = layer,
      .source = source,
      .exists = exists,
      .is_dir = exists ? S_ISDIR(st.st_mode) : true,
  };
  return 0;
}

static int canonical_put(work *w, const char *path, cd_access access, cd_plan_origin origin,
                         cd_layer layer, const char *source, cordon_error *err) {
  char *canonical;
  bool exists;
  if (cd_path_canonicalize(path, &canonical, &exists, err) < 0)
    return cd_error_prefix(err, "%s", source);
  return work_put(w, canonical, access, origin, layer, source, err);
}

/* Expand one policy path to absolute paths: special names, '~', relative to cwd. */
static int expand_entry(work *w, const cd_fs_entry *e, cordon_error *err) {
  const char *p = e->path;
  if (strlen(p) >= PATH_MAX)
    return cd_error_set(err, ENAMETOOLONG, "%s: path '%.64s...'", e->source, p);

  static const struct {
    const char *name;
    size_t len;
  } specials[] = {{":root", 5}, {":cwd", 4}, {":tmp", 4}, {":home", 5}};
  if (p[0] == ':') {
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) {
      if (strncmp(p, specials[i].name, specials[i].len) != 0)
        continue;
      const char *rest = p + specials[i].len;
      if (*rest != '\0' && *rest != '/')
        continue;
      const char *bases[8] = {0};
      size_t n = 0;
      switch (i) {
      case 0:
        bases[n++] = "/";
        break;
      case 1:
        bases[n++] = w->cwd;
        break;
      case 2:
        for (size_t t = 0; t < w->tmp_dirs.len && n < 8; t++)
          bases[n++] = w->tmp_dirs.items[t];
        break;
      case 3:
        if (!w->home_given)
          return cd_error_set(err, 0, "%s: ':home' but the home directory is unknown",
                              e->source);
        bases[n++] = w->home_given;
        break;
      }
      for (size_t b = 0; b < n; b++) {
        _cleanup_free_ char *full = *rest ? cd_path_join(bases[b], rest + 1) : strdup(bases[b]);
        if (!full)
          return cd_error_oom(err);
        if (canonical_put(w, full, e->access, CD_ORIGIN_USER, e->layer, e->source, err) < 0)
          return -1;
      }
      return 0;
    }
    return cd_error_set(err, 0, "%s: unknown special path '%s' (expected :root, :cwd, :tmp or :home)",
                        e->source, p);
  }

  _cleanup_free_ char *full = NULL;
  if (p[0] == '~' && (p[1] == '\0' || p[1] == '/')) {
    if (!w->home_given)
      return cd_error_set(err, 0, "%s: '%s' but the home directory is unknown", e->source, p);
    full = p[1] ? cd_path_join(w->home_given, p + 2) : strdup(w->home_given);
  } else if (p[0] == '/') {
    full = strdup(p);
  } else {
    full = cd_path_join(w->cwd, p);
  }
  if (!full)
    return cd_error_oom(err);
  return canonical_put(w, full, e->access, CD_ORIGIN_USER, e->layer, e->source, err);
}

static bool is_secret(const cd_strv *secrets, const char *path) {
  return cd_strv_contains(secrets, path);
}

static bool is_protected_name(const cd_policy *policy, const char *name) {
  for (size_t k = 0; cd_protected_names[k]; k++)
    if (strcmp(name, cd_protected_names[k]) == 0)
      return true;
  return cd_strv_contains(&policy->protected_names, name);
}

/* Home is never a root: an entry equal to home that grants access is replaced by
 * home's children minus the secrets, so the secrets are not reachable through the
 * home entry and new top-level names (a fresh ~/.aws) cannot be created. If home
 * cannot be listed, the entry is dropped: narrower, never wider. */
static int replace_home_root(work *w, const cd_policy *policy, const cd_strv *secrets,
                             cordon_error *err) {
  if (!w->home)
    return 0;
  work_entry *home = work_find(w, w->home);
  if (!home || home->access == CD_ACCESS_NONE)
    return 0;
  work_entry saved = *home;
  *home = w->items[--w->len];
  _cleanup_free_ char *home_path = saved.path;

  DIR *dir = opendir(home_path);
  if (!dir)
    return 0;
  int r = 0;
  struct dirent *d;
  while (r == 0 && (d = readdir(dir))) {
    if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
      continue;
    /* A writable home keeps its protected children read-only: they are left out,
     * so they keep the access of what holds home (read under :root). */
    if (saved.access == CD_ACCESS_WRITE && is_protected_name(policy, d->d_name))
      continue;
    _cleanup_free_ char *child = cd_path_join(home_path, d->d_name);
    if (!child) {
      r = cd_error_oom(err);
      break;
    }
    /* Home is canonical, so a child that is no symlink is canonical too. A symlink
     * (~/etc -> /etc, ~/self -> ~) would hand home's access to its target: it gets
     * nothing, and its target keeps the access it has on its own. */
    struct stat st;
    if (lstat(child, &st) < 0 || S_ISLNK(st.st_mode) || is_secret(secrets, child) ||
        work_find(w, child))
      continue;
    r = work_put(w, CD_TAKE(child), saved.access, saved.origin, saved.layer, saved.source, err);
  }
  closedir(dir);
  return r;
}

/* Hide each of PATHS (canonical) that is reachable now, unless a user entry names
 * it exactly: secrets are never readable, host sockets never reachable. */
static int hide_paths(work *w, const cd_strv *paths, cd_plan_origin origin, const char *source,
                      cordon_error *err) {
  for (size_t i = 0; i < paths->len; i++) {
    const char *s = paths->items[i];
    if (work_find(w, s) || work_access(w, s) == CD_ACCESS_NONE)
      continue;
    struct stat st;
    if (lstat(s, &st) < 0)
      continue; /* nothing to hide */
    if (canonical_put(w, s, CD_ACCESS_NONE, origin, CD_LAYER_MODE, source, err) < 0)
      return -1;
  }
  return 0;
}

/* Canonicalise every path of V in place (they are compared by canonical path). */
static int canonicalize_all(cd_strv *v, const char *what, cordon_error *err) {
  for (size_t i = 0; i < v->len; i++) {
    char *canonical;
    bool exists;
    if (cd_path_canonicalize(v->items[i], &canonical, &exists, err) < 0)
      return cd_error_prefix(err, "%s", what);
    free(v->items[i]);
    v->items[i] = canonical;
  }
  return 0;
}

/* The host's unix sockets are hidden like secrets (see host_sockets.h); what must
 * stay reachable inside a hidden place is reopened read-only. */
static int add_host_sockets(work *w, const cd_policy *policy, char *const envp[],
                            cordon_error *err) {
  static const char source[] = "host sockets";
  cd_strv hide = {0}, reopen = {0};
  bool tmp_writable = work_access(w, "/tmp") == CD_ACCESS_WRITE;
  int r = cd_host_sockets_collect(policy, envp, !tmp_writable, &hide, &reopen, err);
  if (r == 0)
    r = canonicalize_all(&hide, source, err);
  if (r == 0)
    r = canonicalize_all(&reopen, source, err);
  if (r == 0)
    r = hide_paths(w, &hide, CD_ORIGIN_SOCKET, source, err);
  for (size_t i = 0; r == 0 && i < reopen.len; i++) {
    const char *p = reopen.items[i];
    struct stat st;
    if (work_find(w, p) || work_access(w, p) != CD_ACCESS_NONE || lstat(p, &st) < 0)
      continue;
    r = work_put(w, strdup(p), CD_ACCESS_READ, CD_ORIGIN_SOCKET, CD_LAYER_MODE, source, err);
  }
  cd_strv_free(&hide);
  cd_strv_free(&reopen);
  return r;
}

static int protect_child(work *w, const char *root, const char *name, cordon_error *err) {
  _cleanup_free_ char *child = cd_path_join(root, name);
  if (!child)
    return cd_error_oom(err);
  struct stat st;
  if (lstat(child, &st) < 0)
    return 0; /* best effort: a name that does not exist is skipped */
  /* A symlinked .git can be swapped for a real directory that a later git run
   * would trust; no bind mount or ACL can pin a symlink, so refuse. */
  if (S_ISLNK(st.st_mode))
    return cd_error_set(err, 0,
                        "protected path '%s' is a symlink; it could be replaced inside the "
                        "sandbox, so it cannot be protected",
                        child);
  if (work_find(w, child) || work_access(w, child) != CD_ACCESS_WRITE)
    return 0; /* named by the user, or not writable anyway */
  return work_put(w, CD_TAKE(child), CD_ACCESS_READ, CD_ORIGIN_PROTECTED, CD_LAYER_MODE,
                  "protected", err);
}

/* Protected children (.git as a directory or a worktree's gitfile, .agents, ...) of
 * every writable root stay read-only. */
static int add_protected(work *w, const cd_policy *policy, cordon_error *err) {
  size_t n = w->len; /* the entries added here are read-only: no need to revisit them */
  for (size_t i = 0; i < n; i++) {
    if (w->items[i].access != CD_ACCESS_WRITE || !w->items[i].exists || !w->items[i].is_dir)
      continue;
    _cleanup_free_ char *root = strdup(w->items[i].path);
    if (!root)
      return cd_error_oom(err);
    for (size_t k = 0; cd_protected_names[k]; k++)
      if (protect_child(w, root, cd_protected_names[k], err) < 0)
        return -1;
    for (size_t k = 0; k < policy->protected_names.len; k++)
      if (protect_child(w, root, policy->protected_names.items[k], err) < 0)
        return -1;
  }
  return 0;
}

/* cordon's own state is never writable from inside, and its secrets never readable. */
static int add_state_dir(work *w, cordon_error *err) {
  if (!w->state_dir)
    return 0;
  char *canonical;
  bool exists;
  if (cd_path_canonicalize(w->state_dir, &canonical, &exists, err) < 0)
    return cd_error_prefix(err, "cordon home");
  _cleanup_free_ char *state = canonical;
  if (!exists)
    return 0;
  if (!work_find(w, state) && work_access(w, state) == CD_ACCESS_WRITE &&
      work_put(w, strdup(state), CD_ACCESS_READ, CD_ORIGIN_STATE, CD_LAYER_MODE, "cordon home",
               err) < 0)
    return -1;
  _cleanup_free_ char *secrets = cd_path_join(state, "secrets");
  struct stat st;
  if (secrets && lstat(secrets, &st) == 0 && !work_find(w, secrets) &&
      work_access(w, secrets) != CD_ACCESS_NONE)
    return work_put(w, CD_TAKE(secrets), CD_ACCESS_NONE, CD_ORIGIN_STATE, CD_LAYER_MODE,
                    "cordon home", err);
  return 0;
}

static int compare_entries(const void *a, const void *b) {
  return strcmp(((const work_entry *)a)->path, ((const work_entry *)b)->path);
}

/* Sorted entries -> plan paths. Each entry is classified against the access of its
 * nearest ancestor in the plan. */
static int build_paths(work *w, cd_plan *plan, cordon_error *err) {
  qsort(w->items, w->len, sizeof *w->items, compare_entries);
  plan->paths = calloc(w->len ? w->len : 1, sizeof *plan->paths);
  if (!plan->paths)
    return cd_error_oom(err);
  for (size_t i = 0; i < w->len; i++) {
    work_entry *e = &w->items[i];
    cd_access parent = cd_plan_access(plan, e->path);
    if (!e->exists) {
      if (e->access == CD_ACCESS_WRITE)
        return cd_error_set(err, 0, "%s: writable path '%s' does not exist", e->source,
                            e->path);
      /* A carveout under a writable root is created now, so the command cannot
       * create it later and bypass the carveout. Elsewhere nothing can appear. */
      if (parent != CD_ACCESS_WRITE)
        continue;
      if (cd_strv_push(&plan->create, e->path) < 0)
        return cd_error_oom(err);
    }
    /* Only a mask inside what is already hidden changes nothing. Everything else
     * is kept even when it repeats its parent's access: a backend may give the
     * parent special treatment (Linux mounts a private /tmp, so a workspace inside
     * /tmp must still be bound on its own). */
    if (e->access == CD_ACCESS_NONE && parent == CD_ACCESS_NONE)
      continue;
    cd_plan_kind kind;
    if (e->access == CD_ACCESS_WRITE)
      kind = CD_PLAN_WRITABLE_ROOT;
    else if (e->access == CD_ACCESS_NONE)
      kind = CD_PLAN_DENY_READ;
    else
      kind = parent == CD_ACCESS_WRITE ? CD_PLAN_DENY_WRITE : CD_PLAN_READABLE_ROOT;
    plan->paths[plan->n_paths++] = (cd_plan_path){
        .path = CD_TAKE(e->path), .kind = kind, .origin = e->origin, .is_dir = e->is_dir};
  }
  return 0;
}

static int resolve_context(work *w, const char *cwd, char *const envp[], cordon_error *err) {
  _cleanup_free_ char *given_cwd = cwd ? strdup(cwd) : getcwd(NULL, 0);
  if (!given_cwd)
    return cd_error_set(err, errno, "getting the current directory");
  bool exists;
  if (cd_path_canonicalize(given_cwd, &w->cwd, &exists, err) < 0)
    return cd_error_prefix(err, "working directory");
  struct stat st;
  if (!exists || stat(w->cwd, &st) < 0 || !S_ISDIR(st.st_mode))
    return cd_error_set(err, 0, "working directory '%s' is not a directory", given_cwd);

  const char *home = cd_env_get(envp, "HOME");
  if (!home || home[0] != '/') {
    struct passwd *pw = getpwuid(getuid());
    home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
  }
  if (home) {
    w->home_given = strdup(home);
    if (!w->home_given)
      return cd_error_oom(err);
    char *canonical;
    if (cd_path_canonicalize(home, &canonical, &exists, err) < 0)
      return cd_error_prefix(err, "home directory");
    if (exists)
      w->home = canonical;
    else
      free(canonical);
  }

  if (cd_strv_push(&w->tmp_dirs, "/tmp") < 0)
    return cd_error_oom(err);
  /* $TMPDIR joins :tmp only when it is a directory now (a stale value must not turn
   * into a writable root that fails the whole run), and only when it is a temp dir
   * and not "/", home, or a directory holding home or the workspace: :tmp is
   * implied by the mode, and must never make that much writable. */
  const char *tmpdir = cd_env_get(envp, "TMPDIR");
  char *canonical_tmp = NULL;
  if (tmpdir && tmpdir[0] == '/' && stat(tmpdir, &st) == 0 && S_ISDIR(st.st_mode) &&
      cd_path_canonicalize(tmpdir, &canonical_tmp, &exists, err) < 0)
    return cd_error_prefix(err, "TMPDIR");
  _cleanup_free_ char *tmp = canonical_tmp;
  if (tmp && strcmp(tmp, "/tmp") != 0 && strcmp(tmp, "/") != 0 &&
      !cd_path_is_within(w->cwd, tmp) && !(w->home && cd_path_is_within(w->home, tmp)) &&
      cd_strv_push(&w->tmp_dirs, tmp) < 0)
    return cd_error_oom(err);

  const char *state = cd_env_get(envp, "CORDON_HOME");
  const char *xdg = cd_env_get(envp, "XDG_STATE_HOME");
  if (state && state[0] == '/')
    w->state_dir = strdup(state);
  else if (xdg && xdg[0] == '/')
    w->state_dir = cd_path_join(xdg, "cordon");
  else if (w->home_given)
    w->state_dir = cd_path_join(w->home_given, ".local/state/cordon");
  return 0;
}

static int mode_entries(cd_policy *implied, cd_mode mode, cordon_error *err) {
  static const char source[] = "mode";
  if (cd_policy_add_entry(implied, ":root", CD_ACCESS_READ, CD_LAYER_MODE, source, err) < 0)
    return -1;
  if (mode == CD_MODE_WORKSPACE_WRITE &&
      (cd_policy_add_entry(implied, ":cwd", CD_ACCESS_WRITE, CD_LAYER_MODE, source, err) < 0 ||
       cd_policy_add_entry(implied, ":tmp", CD_ACCESS_WRITE, CD_LAYER_MODE, source, err) < 0))
    return -1;
  return 0;
}

/* danger-full-access runs without a sandbox: any restriction asked for alongside
 * it could not be enforced, so it is refused rather than silently dropped. */
static cd_plan *resolve_unsandboxed(const cd_policy *policy, cd_plan *plan, cordon_error *err) {
  if (policy->n_entries > 0) {
    cd_error_set(err, 0,
                 "%s: filesystem entry '%s' cannot be enforced in mode danger-full-access "
                 "(it runs without a sandbox)",
                 policy->entries[0].source, policy->entries[0].path);
    goto fail;
  }
  if (policy->network_set && policy->network != CD_NET_ONLINE) {
    cd_error_set(err, 0,
                 "network '%s' cannot be enforced in mode danger-full-access (it runs "
                 "without a sandbox)",
                 cd_network_name(policy->network));
    goto fail;
  }
  plan->paths = calloc(1, sizeof *plan->paths);
  if (!plan->paths || !(plan->paths[0].path = strdup("/"))) {
    cd_error_oom(err);
    goto fail;
  }
  plan->paths[0].kind = CD_PLAN_WRITABLE_ROOT;
  plan->paths[0].is_dir = true;
  plan->n_paths = 1;
  plan->network.mode = CD_NET_ONLINE;
  return plan;
fail:
  cd_plan_free(plan);
  return NULL;
}

cd_plan *cd_resolve(const cd_policy *policy, const char *cwd, char *const envp[],
                    cordon_error *err) {
  extern char **environ;
  if (!envp)
    envp = environ;
  cd_plan *plan = calloc(1, sizeof *plan);
  if (!plan) {
    cd_error_oom(err);
    return NULL;
  }
  plan->mode = policy->mode;
  work w = {0};
  cd_policy implied;
  cd_policy_init(&implied);
  cd_strv secrets = {0};
  int r = resolve_context(&w, cwd, envp, err);
  if (r == 0) {
    plan->cwd = strdup(w.cwd);
    plan->home = w.home ? strdup(w.home) : NULL;
    plan->state_dir = w.state_dir ? strdup(w.state_dir) : NULL;
    if (!plan->cwd || (w.home && !plan->home) || (w.state_dir && !plan->state_dir))
      r = cd_error_oom(err);
  }
  if (r == 0 && policy->mode == CD_MODE_DANGER_FULL_ACCESS) {
    work_clear(&w);
    return resolve_unsandboxed(policy, plan, err);
  }
  if (r == 0)
    r = mode_entries(&implied, policy->mode, err);
  for (size_t i = 0; r == 0 && i < implied.n_entries; i++)
    r = expand_entry(&w, &implied.entries[i], err);
  for (size_t i = 0; r == 0 && i < policy->n_entries; i++)
    r = expand_entry(&w, &policy->entries[i], err);
  if (r == 0 && w.home_given)
    r = cd_secrets_collect(w.home_given, envp, &secrets, err);
  if (r == 0)
    r = canonicalize_all(&secrets, "secret", err);
  if (r == 0)
    r = replace_home_root(&w, policy, &secrets, err);
  if (r == 0)
    r = hide_paths(&w, &secrets, CD_ORIGIN_SECRET, "secret", err);
  if (r == 0)
    r = add_host_sockets(&w, policy, envp, err);
  if (r == 0)
    r = add_protected(&w, policy, err);
  if (r == 0)
    r = add_state_dir(&w, err);
  if (r == 0)
    r = build_paths(&w, plan, err);
  if (r == 0)
    r = cd_resolve_network(policy, envp, plan, err);
  if (r == 0)
    r = cd_resolve_env(policy, envp, plan, err);
  cd_strv_free(&secrets);
  cd_policy_clear(&implied);
  work_clear(&w);
  if (r < 0) {
    cd_plan_free(plan);
    return NULL;
  }
  return plan;
}

cordon_plan *cordon_plan_resolve(const cordon_policy *policy, const char *cwd,
                                 char *const envp[], cordon_error *err) {
  return cd_resolve(policy, cwd, envp, err);
}
