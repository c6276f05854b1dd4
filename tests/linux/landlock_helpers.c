/* Shared by the Landlock tests (landlock_helpers.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "landlock_helpers.h"

char root[PATH_MAX];

char *at(const char *rel) {
  static char bufs[8][PATH_MAX];
  static int next;
  if (rel[0] == '/')
    return (char *)rel;
  char *b = bufs[next++ % 8];
  snprintf(b, PATH_MAX, "%.512s/%.512s", root, rel);
  return b;
}

static int by_path(const void *a, const void *b) {
  return strcmp(((const cd_plan_path *)a)->path, ((const cd_plan_path *)b)->path);
}

cd_plan *plan_new(cd_network_mode net, const entry *entries) {
  cd_plan *plan = calloc(1, sizeof *plan);
  assert_non_null(plan);
  plan->mode = CD_MODE_WORKSPACE_WRITE;
  plan->network.mode = net;
  while (entries[plan->n_paths].path)
    plan->n_paths++;
  plan->paths = calloc(plan->n_paths, sizeof *plan->paths);
  assert_non_null(plan->paths);
  for (size_t i = 0; i < plan->n_paths; i++) {
    plan->paths[i] = (cd_plan_path){
        .path = strdup(at(entries[i].path)),
        .kind = entries[i].kind,
        .origin = CD_ORIGIN_USER,
        .is_dir = !entries[i].file,
    };
    assert_non_null(plan->paths[i].path);
  }
  qsort(plan->paths, plan->n_paths, sizeof *plan->paths, by_path);
  return plan;
}

void set_proxy(cd_plan *plan, const uint16_t *ports, size_t n, bool local_binding) {
  plan->network.mode = CD_NET_PROXY;
  plan->network.proxy_ports = calloc(n, sizeof *ports);
  assert_non_null(plan->network.proxy_ports);
  memcpy(plan->network.proxy_ports, ports, n * sizeof *ports);
  plan->network.n_proxy_ports = n;
  plan->network.allow_local_binding = local_binding;
}

void lower_ok(const cd_plan *plan, int abi, bool namespaced, cd_landlock_ruleset *rs) {
  cordon_error err = {0};
  if (cd_landlock_lower(plan, abi, namespaced, rs, &err) < 0)
    fail_msg("lowering failed: %s", err.message);
}

const cd_landlock_path_rule *rule_for(const cd_landlock_ruleset *rs, const char *path) {
  for (size_t i = 0; i < rs->n_rules; i++)
    if (strcmp(rs->rules[i].path, path) == 0)
      return &rs->rules[i];
  return NULL;
}

/* ---- the tree the enforcement tests work in ---- */

static void write_file(const char *rel, const char *text, mode_t mode) {
  int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

static void copy_true(const char *rel) {
  char cmd[PATH_MAX + 32];
  snprintf(cmd, sizeof cmd, "cp /bin/true '%s'", at(rel));
  assert_int_equal(system(cmd), 0);
}

int tree_create(void **state) {
  char tmpl[] = "/var/tmp/cordon-landlock-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  assert_non_null(realpath(tmpl, root));
  const char *dirs[] = {"ro", "rw", "rw/sub", "rw2", "out"};
  for (size_t i = 0; i < N_OF(dirs); i++)
    assert_int_equal(mkdir(at(dirs[i]), 0755), 0);
  const char *files[] = {"ro/f", "rw/f", "rw/a", "rw/b", "rw/c", "rw/d", "out/f"};
  for (size_t i = 0; i < N_OF(files); i++)
    write_file(files[i], "data\n", 0644);
  copy_true("ro/true");
  copy_true("rw/true");
  copy_true("out/true");
  return 0;
}

const char *shm_path(void) {
  static char path[PATH_MAX];
  snprintf(path, sizeof path, "/dev/shm/%s", strrchr(root, '/') + 1);
  return path;
}

int tree_remove(void **state) {
  unlink(shm_path()); /* if a test made it */
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(system(cmd), 0);
  return 0;
}
