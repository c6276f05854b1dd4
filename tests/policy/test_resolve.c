/* Resolver tests: each builds a real tree (home, workspace, secrets) under a fresh
 * temporary directory and checks the plan resolved against it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/plan.h"
#include "policy/resolve.h"

static char root[PATH_MAX]; /* canonical temp root (short: under /tmp) */

static char *at(const char *rel) {
  static char bufs[8][PATH_MAX];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, PATH_MAX, "%.256s/%.256s", root, rel);
  return b;
}

static void mkdirs(const char *rel) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%.256s/%.256s", root, rel);
  for (char *c = path + strlen(root) + 1;; c++) {
    if (*c == '/' || *c == '\0') {
      char saved = *c;
      *c = '\0';
      assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
      *c = saved;
      if (!saved)
        break;
    }
  }
}

static void write_file(const char *rel, const char *text) {
  FILE *f = fopen(at(rel), "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int setup(void **state) {
  /* Not under /tmp: :tmp is writable in workspace-write, which would make the whole
   * fake home writable and hide what these tests look at. */
  char tmpl[] = "/var/tmp/cordon-resolve-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  assert_non_null(realpath(tmpl, root));
  mkdirs("home/.ssh");
  mkdirs("home/.aws");
  mkdirs("home/projects");
  mkdirs("home/keys");
  write_file("home/.ssh/id_rsa", "key");
  write_file("home/.netrc", "machine x");
  write_file("home/.bashrc", "");
  mkdirs("ws/.git");
  mkdirs("ws/docs/tmp");
  mkdirs("ws/src");
  mkdirs("state");
  return 0;
}

static int teardown(void **state) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(system(cmd), 0);
  return 0;
}

/* Resolve with the standard environment plus EXTRA env entries (NULL-terminated). */
static cd_plan *resolve_env(cd_policy *p, const char *cwd_rel, const char *const *extra,
                            cordon_error *err) {
  char home[PATH_MAX + 8], state[PATH_MAX + 16];
  snprintf(home, sizeof home, "HOME=%s", at("home"));
  snprintf(state, sizeof state, "CORDON_HOME=%s", at("state"));
  char *envp[32] = {home, state, "PATH=/usr/bin:/bin"};
  size_t n = 3;
  for (size_t i = 0; extra && extra[i] && n < 31; i++)
    envp[n++] = (char *)extra[i];
  envp[n] = NULL;
  return cd_resolve(p, at(cwd_rel), envp, err);
}

static cd_plan *resolve_ok(cd_policy *p, const char *cwd_rel, const char *const *extra) {
  cordon_error err = {0};
  cd_plan *plan = resolve_env(p, cwd_rel, extra, &err);
  if (!plan)
    fail_msg("resolve failed: %s", err.message);
  return plan;
}

static void resolve_fails(cd_policy *p, const char *cwd_rel, const char *const *extra,
                          const char *needle) {
  cordon_error err = {0};
  cd_plan *plan = resolve_env(p, cwd_rel, extra, &err);
  if (plan) {
    cd_plan_free(plan);
    fail_msg("resolve succeeded, expected an error containing '%s'", needle);
  }
  if (!strstr(err.message, needle))
    fail_msg("error '%s' does not contain '%s'", err.message, needle);
}

static const cd_plan_path *find(const cd_plan *plan, const char *path) {
  for (size_t i = 0; i < plan->n_paths; i++)
    if (strcmp(plan->paths[i].path, path) == 0)
      return &plan->paths[i];
  return NULL;
}

static void assert_kind(const cd_plan *plan, const char *path, cd_plan_kind kind) {
  const cd_plan_path *p = find(plan, path);
  if (!p)
    fail_msg("'%s' is not in the plan", path);
  if (p->kind != kind)
    fail_msg("'%s' is %s, expected %s", path, cd_plan_kind_name(p->kind),
             cd_plan_kind_name(kind));
}

static const char *env_value(const cd_plan *plan, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < plan->env_set.len; i++)
    if (strncmp(plan->env_set.items[i], name, n) == 0 && plan->env_set.items[i][n] == '=')
      return plan->env_set.items[i] + n + 1;
  return NULL;
}

static void add(cd_policy *p, const char *path, cd_access a, cd_layer layer) {
  cordon_error err = {0};
  assert_int_equal(cd_policy_add_entry(p, path, a, layer, path, &err), 0);
}

static void test_default_workspace_write(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_string_equal(plan->cwd, at("ws"));
  assert_kind(plan, "/", CD_PLAN_READABLE_ROOT);
  assert_kind(plan, at("ws"), CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, "/tmp", CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, at("ws/.git"), CD_PLAN_DENY_WRITE);
  assert_kind(plan, at("home/.ssh"), CD_PLAN_DENY_READ);
  assert_kind(plan, at("home/.aws"), CD_PLAN_DENY_READ);
  assert_kind(plan, at("home/.netrc"), CD_PLAN_DENY_READ);
  assert_false(find(plan, at("home/.netrc"))->is_dir);
  assert_null(find(plan, at("home/.gnupg"))); /* does not exist: nothing to hide */
  assert_int_equal(plan->network.mode, CD_NET_OFFLINE);
  assert_int_equal(cd_plan_access(plan, at("ws/src/main.c")), CD_ACCESS_WRITE);
  assert_int_equal(cd_plan_access(plan, at("ws/.git/config")), CD_ACCESS_READ);
  assert_int_equal(cd_plan_access(plan, at("home/.ssh/id_rsa")), CD_ACCESS_NONE);
  assert_int_equal(cd_plan_access(plan, at("home/.bashrc")), CD_ACCESS_READ);
  assert_int_equal(cd_plan_access(plan, "/etc/passwd"), CD_ACCESS_READ);
  /* sorted: parents first */
  for (size_t i = 1; i < plan->n_paths; i++)
    assert_true(strcmp(plan->paths[i - 1].path, plan->paths[i].path) < 0);
  /* env */
  assert_string_equal(env_value(plan, "GIT_CONFIG_COUNT"), "1");
  assert_string_equal(env_value(plan, "GIT_CONFIG_KEY_0"), "safe.directory");
  assert_string_equal(env_value(plan, "GIT_CONFIG_VALUE_0"), at("ws"));
  assert_true(cd_strv_contains(&plan->env_unset, "SSH_AUTH_SOCK"));
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_read_only_mode(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  p.mode = CD_MODE_READ_ONLY;
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  for (size_t i = 0; i < plan->n_paths; i++)
    assert_int_not_equal(plan->paths[i].kind, CD_PLAN_WRITABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("ws/src")), CD_ACCESS_READ);
  assert_null(find(plan, at("ws/.git"))); /* already read-only: nothing to add */
  assert_kind(plan, at("home/.ssh"), CD_PLAN_DENY_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_nested_carveouts(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "./docs", CD_ACCESS_READ, CD_LAYER_CONFIG);
  add(&p, "docs/tmp", CD_ACCESS_WRITE, CD_LAYER_CONFIG);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_kind(plan, at("ws/docs"), CD_PLAN_DENY_WRITE);
  assert_kind(plan, at("ws/docs/tmp"), CD_PLAN_WRITABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("ws/docs/readme")), CD_ACCESS_READ);
  assert_int_equal(cd_plan_access(plan, at("ws/docs/tmp/x")), CD_ACCESS_WRITE);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_missing_carveout_is_created(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "./secret-dir", CD_ACCESS_NONE, CD_LAYER_FLAGS);
  add(&p, "./generated/ro", CD_ACCESS_READ, CD_LAYER_FLAGS);
  add(&p, "/nonexistent-cordon-test/x", CD_ACCESS_NONE, CD_LAYER_FLAGS);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_true(cd_strv_contains(&plan->create, at("ws/secret-dir")));
  assert_true(cd_strv_contains(&plan->create, at("ws/generated/ro")));
  assert_int_equal(plan->create.len, 2); /* outside writable roots: nothing can appear */
  assert_kind(plan, at("ws/secret-dir"), CD_PLAN_DENY_READ);
  assert_kind(plan, at("ws/generated/ro"), CD_PLAN_DENY_WRITE);
  assert_null(find(plan, "/nonexistent-cordon-test/x"));
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_protected_children(void **state) {
  mkdirs("ws2/.agents");
  mkdirs("ws2/.codex");
  mkdirs("ws2/.cordon");
  mkdirs("ws2/.env.d");
  write_file("ws2/.git", "gitdir: /elsewhere/.git/worktrees/ws2\n");
  cd_policy p;
  cd_policy_init(&p);
  assert_int_equal(cd_strv_push(&p.protected_names, ".env.d"), 0);
  cd_plan *plan = resolve_ok(&p, "ws2", NULL);
  assert_kind(plan, at("ws2/.git"), CD_PLAN_DENY_WRITE);
  assert_false(find(plan, at("ws2/.git"))->is_dir); /* the gitfile itself */
  assert_int_equal(find(plan, at("ws2/.git"))->origin, CD_ORIGIN_PROTECTED);
  assert_kind(plan, at("ws2/.agents"), CD_PLAN_DENY_WRITE);
  assert_kind(plan, at("ws2/.codex"), CD_PLAN_DENY_WRITE);
  assert_kind(plan, at("ws2/.cordon"), CD_PLAN_DENY_WRITE);
  assert_kind(plan, at("ws2/.env.d"), CD_PLAN_DENY_WRITE);
  assert_string_equal(plan->worktree_root, at("ws2"));
  cd_plan_free(plan);
  /* In ws (no .agents): skipped, not created. */
  plan = resolve_ok(&p, "ws", NULL);
  assert_null(find(plan, at("ws/.agents")));
  assert_int_equal(plan->create.len, 0);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_protected_symlink_refused(void **state) {
  mkdirs("ws3");
  assert_int_equal(symlink(at("ws/.git"), at("ws3/.git")), 0);
  cd_policy p;
  cd_policy_init(&p);
  resolve_fails(&p, "ws3", NULL, "is a symlink");
  cd_policy_clear(&p);
}

static void test_user_entry_overrides_secret_and_protection(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "~/.aws", CD_ACCESS_READ, CD_LAYER_FLAGS);
  add(&p, "./.git", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_kind(plan, at("home/.aws"), CD_PLAN_READABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("home/.aws/credentials")), CD_ACCESS_READ);
  assert_int_equal(cd_plan_access(plan, at("ws/.git/config")), CD_ACCESS_WRITE);
  assert_kind(plan, at("home/.ssh"), CD_PLAN_DENY_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_ssh_config_dependencies(void **state) {
  mkdirs("home/.ssh/conf.d");
  mkdirs("outside/keys");
  mkdirs("home/sockets");
  write_file("outside/keys/deploy", "key");
  write_file("home/keys/id_work", "key");
  mkdirs("outside/agent");
  write_file("outside/agent/agent.sock", "");
  char agent_env[PATH_MAX + 16];
  snprintf(agent_env, sizeof agent_env, "AGENT_DIR=%s", at("outside/agent"));
  const char *env[] = {agent_env, NULL};
  char config[4 * PATH_MAX];
  snprintf(config, sizeof config,
           "Include conf.d/*.conf\n"
           "Host work\n  IdentityFile ~/keys/id_work\n"
           "  ControlPath ${HOME}/sockets/%%r@%%h:%%p\n"
           "  IdentityAgent ${AGENT_DIR}/agent.sock\n"
           "  IdentityFile $UNSET_VAR/id\n");
  write_file("home/.ssh/config", config);
  snprintf(config, sizeof config, "IdentityFile %s\nInclude ../config\n",
           at("outside/keys/deploy"));
  write_file("home/.ssh/conf.d/a.conf", config); /* includes the top config: a cycle */
  cd_policy p;
  cd_policy_init(&p);
  cd_plan *plan = resolve_ok(&p, "ws", env);
  assert_kind(plan, at("home/keys"), CD_PLAN_DENY_READ); /* mapped to the top-level child */
  assert_kind(plan, at("outside/agent/agent.sock"), CD_PLAN_DENY_READ); /* ${VAR} expanded */
  assert_kind(plan, at("home/sockets"), CD_PLAN_DENY_READ);
  assert_kind(plan, at("outside/keys/deploy"), CD_PLAN_DENY_READ);
  assert_int_equal(cd_plan_access(plan, at("home/keys/id_work")), CD_ACCESS_NONE);
  assert_int_equal(cd_plan_access(plan, at("home/projects")), CD_ACCESS_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);
  unlink(at("home/.ssh/config"));
}

static void test_home_is_never_a_root(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "~", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_null(find(plan, at("home")));
  assert_kind(plan, at("home/projects"), CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, at("home/.bashrc"), CD_PLAN_WRITABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("home/.ssh/id_rsa")), CD_ACCESS_NONE);
  assert_int_equal(cd_plan_access(plan, at("home/.aws")), CD_ACCESS_NONE);
  /* Home itself stays read-only: no new top-level names. */
  assert_int_equal(cd_plan_access(plan, at("home/.new-secret")), CD_ACCESS_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);
  /* cwd equal to home in workspace-write. */
  cd_policy_init(&p);
  plan = resolve_ok(&p, "home", NULL);
  assert_null(find(plan, at("home")));
  assert_kind(plan, at("home/projects"), CD_PLAN_WRITABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("home/.ssh")), CD_ACCESS_NONE);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

/* A writable home split into its children keeps its protected children read-only,
 * and hands nothing to what its symlinks point at. */
static void test_home_split_protects_and_skips_symlinks(void **state) {
  mkdirs("home/.git");
  mkdirs("home/.codex");
  mkdirs("elsewhere");
  char target[PATH_MAX];
  snprintf(target, sizeof target, "%s", at("elsewhere"));
  assert_int_equal(symlink(target, at("home/link")), 0);
  assert_int_equal(symlink(at("home"), at("home/self")), 0);
  cd_policy p;
  cd_policy_init(&p);
  cd_plan *plan = resolve_ok(&p, "home", NULL);
  assert_int_equal(cd_plan_access(plan, at("home/.git/config")), CD_ACCESS_READ);
  assert_int_equal(cd_plan_access(plan, at("home/.codex/x")), CD_ACCESS_READ);
  assert_null(find(plan, at("elsewhere")));
  assert_int_equal(cd_plan_access(plan, at("elsewhere/f")), CD_ACCESS_READ);
  assert_null(find(plan, at("home")));
  assert_kind(plan, at("home/projects"), CD_PLAN_WRITABLE_ROOT);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

/* $TMPDIR never makes "/", home or the workspace's parents writable. */
static void test_tmpdir_bounded(void **state) {
  const char *bad[] = {"/", at("home"), root};
  for (size_t i = 0; i < 3; i++) {
    char env[PATH_MAX + 16];
    snprintf(env, sizeof env, "TMPDIR=%s", bad[i]);
    const char *extra[] = {env, NULL};
    cd_policy p;
    cd_policy_init(&p);
    cd_plan *plan = resolve_ok(&p, "ws", extra);
    if (strcmp(bad[i], "/") == 0)
      assert_int_equal(cd_plan_access(plan, "/etc/passwd"), CD_ACCESS_READ);
    else
      assert_null(find(plan, bad[i]));
    cd_plan_free(plan);
    cd_policy_clear(&p);
  }
  mkdirs("mytmp");
  char env[PATH_MAX + 16];
  snprintf(env, sizeof env, "TMPDIR=%s", at("mytmp"));
  const char *extra[] = {env, NULL};
  cd_policy p;
  cd_policy_init(&p);
  cd_plan *plan = resolve_ok(&p, "ws", extra);
  assert_kind(plan, at("mytmp"), CD_PLAN_WRITABLE_ROOT);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_git_config_count_appended(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  const char *env[] = {"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=a.b", "GIT_CONFIG_VALUE_0=1",
                       NULL};
  cd_plan *plan = resolve_ok(&p, "ws/src", env);
  assert_string_equal(env_value(plan, "GIT_CONFIG_KEY_2"), "safe.directory");
  assert_string_equal(env_value(plan, "GIT_CONFIG_VALUE_2"), at("ws"));
  assert_string_equal(env_value(plan, "GIT_CONFIG_COUNT"), "3");
  char *in[] = {"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=a.b", "SSH_AUTH_SOCK=/x", "KEEP=1", NULL};
  char **out = cd_plan_environment(plan, in);
  size_t n = 0, count = 0;
  for (; out[n]; n++) {
    assert_null(strstr(out[n], "SSH_AUTH_SOCK"));
    count += strncmp(out[n], "GIT_CONFIG_COUNT=", 17) == 0;
  }
  assert_int_equal(count, 1);
  assert_int_equal(n, 2 + 3); /* KEY_0, KEEP, and the three set */
  free(out);
  cd_plan_free(plan);
  const char *bad[] = {"GIT_CONFIG_COUNT=lots", NULL};
  resolve_fails(&p, "ws", bad, "GIT_CONFIG_COUNT");
  cd_policy_clear(&p);
}

static void test_proxy_ports(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  p.network = CD_NET_PROXY;
  p.network_set = true;
  const char *env[] = {"HTTP_PROXY=http://127.0.0.1:3128", "https_proxy=http://user:pw@localhost:8443/",
                       "ALL_PROXY=socks5h://[::1]", NULL};
  cd_plan *plan = resolve_ok(&p, "ws", env);
  assert_int_equal(plan->network.n_proxy_ports, 3);
  assert_int_equal(plan->network.proxy_ports[0], 1080);
  assert_int_equal(plan->network.proxy_ports[1], 3128);
  assert_int_equal(plan->network.proxy_ports[2], 8443);
  cd_plan_free(plan);

  const char *remote[] = {"HTTPS_PROXY=http://proxy.example.com:8080", NULL};
  resolve_fails(&p, "ws", remote, "not on loopback");
  resolve_fails(&p, "ws", NULL, "needs a proxy port");
  const char *badport[] = {"http_proxy=http://127.0.0.1:99999", NULL};
  resolve_fails(&p, "ws", badport, "bad port");

  cordon_error err = {0};
  assert_int_equal(cd_policy_add_proxy_port(&p, 9000, "--proxy-port", &err), 0);
  assert_int_equal(cd_policy_add_proxy_port(&p, 0, "--proxy-port", &err), -1);
  const char *local[] = {"HTTP_PROXY=http://127.0.0.1:3128", NULL};
  plan = resolve_ok(&p, "ws", local);
  assert_int_equal(plan->network.n_proxy_ports, 1); /* explicit ports win */
  assert_int_equal(plan->network.proxy_ports[0], 9000);
  cd_plan_free(plan);
  /* Outside proxy mode a remote proxy variable is irrelevant. */
  p.network = CD_NET_OFFLINE;
  plan = resolve_ok(&p, "ws", remote);
  assert_int_equal(plan->network.n_proxy_ports, 0);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_symlinks_resolved(void **state) {
  mkdirs("real/build");
  assert_int_equal(symlink(at("real/build"), at("ws/build-link")), 0);
  assert_int_equal(symlink(at("loop-b"), at("loop-a")), 0);
  assert_int_equal(symlink(at("loop-a"), at("loop-b")), 0);
  assert_int_equal(symlink(at("nowhere"), at("ws/dangling")), 0);
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "build-link", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_kind(plan, at("real/build"), CD_PLAN_WRITABLE_ROOT);
  assert_null(find(plan, at("ws/build-link")));
  assert_int_equal(cd_plan_access(plan, at("real")), CD_ACCESS_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);

  cd_policy_init(&p);
  add(&p, at("loop-a"), CD_ACCESS_READ, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "Too many levels of symbolic links");
  cd_policy_clear(&p);
  cd_policy_init(&p);
  add(&p, "dangling/x", CD_ACCESS_NONE, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "dangling symlink");
  cd_policy_clear(&p);
  cd_policy_init(&p);
  add(&p, "missing/../../etc", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "'..' after a component that does not exist");
  cd_policy_clear(&p);
}

static void test_dotdot_and_long_paths(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "../ws/./docs/..", CD_ACCESS_READ, CD_LAYER_FLAGS); /* = ws itself */
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_kind(plan, at("ws"), CD_PLAN_READABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("ws/src")), CD_ACCESS_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);

  char *lng = malloc(PATH_MAX + 64);
  memset(lng, 'a', PATH_MAX + 63);
  lng[0] = '/';
  lng[PATH_MAX + 63] = '\0';
  cd_policy_init(&p);
  add(&p, lng, CD_ACCESS_READ, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "File name too long");
  cd_policy_clear(&p);
  free(lng);
}

static void test_contradictions(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "docs", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  add(&p, "./docs/", CD_ACCESS_NONE, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "is both write");
  cd_policy_clear(&p);
  /* A later layer overrides an earlier one. */
  cd_policy_init(&p);
  add(&p, "docs", CD_ACCESS_NONE, CD_LAYER_CONFIG);
  add(&p, "docs", CD_ACCESS_READ, CD_LAYER_FLAGS);
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_kind(plan, at("ws/docs"), CD_PLAN_DENY_WRITE);
  cd_plan_free(plan);
  cd_policy_clear(&p);
  /* A writable path that does not exist. */
  cd_policy_init(&p);
  add(&p, "no-such-dir", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "does not exist");
  cd_policy_clear(&p);
  cd_policy_init(&p);
  add(&p, ":nope", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "unknown special path");
  cd_policy_clear(&p);
}

static void test_danger_full_access(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  p.mode = CD_MODE_DANGER_FULL_ACCESS;
  cd_plan *plan = resolve_ok(&p, "ws", NULL);
  assert_int_equal(plan->n_paths, 1);
  assert_kind(plan, "/", CD_PLAN_WRITABLE_ROOT);
  assert_int_equal(plan->network.mode, CD_NET_ONLINE);
  cd_plan_free(plan);
  p.network = CD_NET_OFFLINE;
  p.network_set = true;
  resolve_fails(&p, "ws", NULL, "cannot be enforced in mode danger-full-access");
  p.network_set = false;
  add(&p, "docs", CD_ACCESS_READ, CD_LAYER_FLAGS);
  resolve_fails(&p, "ws", NULL, "cannot be enforced in mode danger-full-access");
  cd_policy_clear(&p);
}

static void test_state_dir_protected(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  mkdirs("ws/state/secrets");
  /* CORDON_HOME inside the workspace: read-only, its secrets hidden. */
  char cordon_home[PATH_MAX + 16];
  snprintf(cordon_home, sizeof cordon_home, "CORDON_HOME=%s", at("ws/state"));
  char home[PATH_MAX + 8];
  snprintf(home, sizeof home, "HOME=%s", at("home"));
  char *envp[] = {cordon_home, home, NULL};
  cordon_error err = {0};
  cd_plan *plan = cd_resolve(&p, at("ws"), envp, &err);
  assert_non_null(plan);
  assert_kind(plan, at("ws/state"), CD_PLAN_DENY_WRITE);
  assert_kind(plan, at("ws/state/secrets"), CD_PLAN_DENY_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_special_paths(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  p.mode = CD_MODE_READ_ONLY;
  add(&p, ":home/projects", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  add(&p, ":cwd/src", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  add(&p, ":tmp", CD_ACCESS_WRITE, CD_LAYER_FLAGS);
  char tmpdir[PATH_MAX + 8];
  snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", at("real"));
  mkdirs("real");
  const char *env[] = {tmpdir, NULL};
  cd_plan *plan = resolve_ok(&p, "ws", env);
  assert_kind(plan, at("home/projects"), CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, at("ws/src"), CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, "/tmp", CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, at("real"), CD_PLAN_WRITABLE_ROOT);
  assert_int_equal(cd_plan_access(plan, at("ws/docs")), CD_ACCESS_READ);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

/* A workspace inside /tmp stays its own writable root, with its .git protected. */
/* The host's unix sockets: /run, the runtime dir, the sockets the agent and bus
 * variables name; reopened when the policy keeps the variable. */
static void test_host_sockets(void **state) {
  mkdirs("runtime");
  mkdirs("agent");
  write_file("runtime/bus", "");
  write_file("agent/sock", "");
  char runtime[PATH_MAX + 32], agent[PATH_MAX + 32], bus[PATH_MAX + 64];
  snprintf(runtime, sizeof runtime, "XDG_RUNTIME_DIR=%s", at("runtime"));
  snprintf(agent, sizeof agent, "SSH_AUTH_SOCK=%s", at("agent/sock"));
  snprintf(bus, sizeof bus, "DBUS_SESSION_BUS_ADDRESS=unix:abstract=/x;unix:guid=1,path=%s",
           at("runtime/bus"));
  const char *extra[] = {runtime, agent, bus, NULL};
  cd_policy p;
  cd_policy_init(&p);
  cd_plan *plan = resolve_ok(&p, "ws", extra);
  assert_kind(plan, "/run", CD_PLAN_DENY_READ);
  assert_int_equal(find(plan, "/run")->origin, CD_ORIGIN_SOCKET);
  assert_kind(plan, at("runtime"), CD_PLAN_DENY_READ);
  assert_kind(plan, at("agent/sock"), CD_PLAN_DENY_READ);
  assert_null(find(plan, at("runtime/bus"))); /* hidden with its directory */
  cd_plan_free(plan);

  /* Kept variables: their sockets are reachable, the rest stays hidden. */
  assert_int_equal(cd_strv_push(&p.keep_env, "SSH_AUTH_SOCK"), 0);
  assert_int_equal(cd_strv_push(&p.keep_env, "DBUS_SESSION_BUS_ADDRESS"), 0);
  plan = resolve_ok(&p, "ws", extra);
  assert_null(find(plan, at("agent/sock")));
  assert_kind(plan, at("runtime"), CD_PLAN_DENY_READ);
  assert_kind(plan, at("runtime/bus"), CD_PLAN_READABLE_ROOT);
  cd_plan_free(plan);

  /* A user entry naming the place wins, as for secrets. */
  add(&p, "/run", CD_ACCESS_READ, CD_LAYER_FLAGS);
  plan = resolve_ok(&p, "ws", extra);
  assert_kind(plan, "/run", CD_PLAN_READABLE_ROOT);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_workspace_inside_tmp(void **state) {
  char tmpl[] = "/tmp/cordon-ws-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  char ws[PATH_MAX], git[PATH_MAX + 8];
  assert_non_null(realpath(tmpl, ws));
  snprintf(git, sizeof git, "%s/.git", ws);
  assert_int_equal(mkdir(git, 0755), 0);
  cd_policy p;
  cd_policy_init(&p);
  cordon_error err = {0};
  char *envp[] = {"HOME=/nonexistent-home", NULL};
  cd_plan *plan = cd_resolve(&p, ws, envp, &err);
  assert_non_null(plan);
  assert_kind(plan, "/tmp", CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, ws, CD_PLAN_WRITABLE_ROOT);
  assert_kind(plan, git, CD_PLAN_DENY_WRITE);
  cd_plan_free(plan);
  cd_policy_clear(&p);
  rmdir(git);
  rmdir(ws);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_default_workspace_write, setup, teardown),
      cmocka_unit_test_setup_teardown(test_read_only_mode, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nested_carveouts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_carveout_is_created, setup, teardown),
      cmocka_unit_test_setup_teardown(test_protected_children, setup, teardown),
      cmocka_unit_test_setup_teardown(test_protected_symlink_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_user_entry_overrides_secret_and_protection, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_ssh_config_dependencies, setup, teardown),
      cmocka_unit_test_setup_teardown(test_home_is_never_a_root, setup, teardown),
      cmocka_unit_test_setup_teardown(test_git_config_count_appended, setup, teardown),
      cmocka_unit_test_setup_teardown(test_proxy_ports, setup, teardown),
      cmocka_unit_test_setup_teardown(test_symlinks_resolved, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dotdot_and_long_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_contradictions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_danger_full_access, setup, teardown),
      cmocka_unit_test_setup_teardown(test_state_dir_protected, setup, teardown),
      cmocka_unit_test_setup_teardown(test_special_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_host_sockets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_home_split_protects_and_skips_symlinks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tmpdir_bounded, setup, teardown),
      cmocka_unit_test(test_workspace_inside_tmp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
