/* The mount layer's lowering: plan -> ordered mount ops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linux/mount_plan.h"

typedef struct {
  const char *path;
  cd_plan_kind kind;
  bool is_dir;
} row;

/* A plan holding ROWS (already sorted, as the resolver leaves them). */
static cd_plan *plan_of(const row *rows, size_t n) {
  cd_plan *plan = calloc(1, sizeof *plan);
  assert_non_null(plan);
  plan->cwd = strdup("/home/u/ws");
  plan->paths = calloc(n, sizeof *plan->paths);
  assert_non_null(plan->paths);
  for (size_t i = 0; i < n; i++) {
    plan->paths[i].path = strdup(rows[i].path);
    plan->paths[i].kind = rows[i].kind;
    plan->paths[i].is_dir = rows[i].is_dir;
  }
  plan->n_paths = n;
  return plan;
}

/* Lower ROWS; the plan is freed by done(). */
static cd_plan *lowered(const row *rows, size_t n, cd_mount_ops *ops) {
  cd_plan *plan = plan_of(rows, n);
  cordon_error err = {0};
  if (cd_mount_plan_lower(plan, ops, &err) < 0)
    fail_msg("lowering failed: %s", err.message);
  return plan;
}

static void done(cd_plan *plan, cd_mount_ops *ops) {
  cd_mount_ops_clear(ops);
  cd_plan_free(plan);
}

static void expect_op(const cd_mount_ops *ops, size_t i, cd_mount_kind kind, const char *target,
                      bool readonly) {
  assert_true(i < ops->len);
  assert_int_equal(ops->items[i].kind, kind);
  assert_string_equal(ops->items[i].target, target);
  if (kind == CD_MOUNT_BIND) {
    assert_string_equal(ops->items[i].source, target);
    assert_int_equal(ops->items[i].readonly, readonly);
  }
}

static void test_workspace_write(void **state) {
  const row rows[] = {
      {"/", CD_PLAN_READABLE_ROOT, true},
      {"/home/u/.netrc", CD_PLAN_DENY_READ, false},
      {"/home/u/.ssh", CD_PLAN_DENY_READ, true},
      {"/home/u/ws", CD_PLAN_WRITABLE_ROOT, true},
      {"/home/u/ws/.git", CD_PLAN_DENY_WRITE, true},
      {"/home/u/ws/docs", CD_PLAN_DENY_WRITE, true},
      {"/home/u/ws/docs/tmp", CD_PLAN_WRITABLE_ROOT, true},
      {"/tmp", CD_PLAN_WRITABLE_ROOT, true},
      {"/tmp/ws2", CD_PLAN_WRITABLE_ROOT, true},
  };
  cd_mount_ops ops;
  cd_plan *plan = lowered(rows, sizeof rows / sizeof rows[0], &ops);
  size_t i = 0;
  expect_op(&ops, i++, CD_MOUNT_BIND, "/", true);
  expect_op(&ops, i++, CD_MOUNT_DEV, "/dev", false);
  expect_op(&ops, i++, CD_MOUNT_MASK, "/home/u/.netrc", false);
  assert_false(ops.items[i - 1].is_dir);
  expect_op(&ops, i++, CD_MOUNT_MASK, "/home/u/.ssh", false);
  assert_true(ops.items[i - 1].is_dir);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/home/u/ws", false);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/home/u/ws/.git", true);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/home/u/ws/docs", true);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/home/u/ws/docs/tmp", false);
  expect_op(&ops, i++, CD_MOUNT_PROC, "/proc", false);
  /* The sandbox's own /tmp, and a workspace inside it bound on top. */
  expect_op(&ops, i++, CD_MOUNT_TMPFS, "/tmp", false);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/tmp/ws2", false);
  assert_int_equal(ops.len, i);
  done(plan, &ops);
}

/* A path in the plan must not be hidden by a later mount of an unrelated path:
 * every op's target that lies inside another op's target comes after it. */
static void test_parents_first(void **state) {
  const row rows[] = {
      {"/", CD_PLAN_READABLE_ROOT, true},
      {"/a", CD_PLAN_WRITABLE_ROOT, true},
      {"/a-b", CD_PLAN_WRITABLE_ROOT, true},
      {"/a/b", CD_PLAN_DENY_WRITE, true},
      {"/devices", CD_PLAN_WRITABLE_ROOT, true},
      {"/proc-like", CD_PLAN_DENY_READ, true},
  };
  cd_mount_ops ops;
  cd_plan *plan = lowered(rows, sizeof rows / sizeof rows[0], &ops);
  for (size_t i = 0; i < ops.len; i++)
    for (size_t j = i + 1; j < ops.len; j++)
      if (strcmp(ops.items[i].target, ops.items[j].target) != 0)
        assert_false(cd_path_is_within(ops.items[i].target, ops.items[j].target));
  assert_int_equal(ops.len, 8);
  done(plan, &ops);
}

/* Nested binds with the access of their parent add nothing and are skipped;
 * different access, or a bind inside a mask or tmpfs, is kept. */
static void test_redundant_binds_skipped(void **state) {
  const row rows[] = {
      {"/", CD_PLAN_READABLE_ROOT, true},
      {"/home/u/.ssh", CD_PLAN_DENY_READ, true},
      {"/home/u/.ssh/known_hosts", CD_PLAN_READABLE_ROOT, false},
      {"/usr", CD_PLAN_READABLE_ROOT, true},
      {"/ws", CD_PLAN_WRITABLE_ROOT, true},
      {"/ws/sub", CD_PLAN_WRITABLE_ROOT, true},
  };
  cd_mount_ops ops;
  cd_plan *plan = lowered(rows, sizeof rows / sizeof rows[0], &ops);
  size_t i = 0;
  expect_op(&ops, i++, CD_MOUNT_BIND, "/", true);
  expect_op(&ops, i++, CD_MOUNT_DEV, "/dev", false);
  expect_op(&ops, i++, CD_MOUNT_MASK, "/home/u/.ssh", false);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/home/u/.ssh/known_hosts", true);
  expect_op(&ops, i++, CD_MOUNT_PROC, "/proc", false);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/ws", false);
  assert_int_equal(ops.len, i);
  done(plan, &ops);
}

/* Only a writable /tmp is private: a read-only one is the host's, as bound with "/". */
static void test_readonly_tmp_is_the_hosts(void **state) {
  const row rows[] = {{"/", CD_PLAN_READABLE_ROOT, true}, {"/tmp", CD_PLAN_DENY_WRITE, true}};
  cd_mount_ops ops;
  cd_plan *plan = lowered(rows, 2, &ops);
  assert_int_equal(ops.len, 3);
  for (size_t i = 0; i < ops.len; i++)
    assert_int_not_equal(ops.items[i].kind, CD_MOUNT_TMPFS);
  done(plan, &ops);
}

/* A workspace that is /tmp itself is the host's /tmp, or its work would be lost. */
static void test_tmp_as_workspace(void **state) {
  const row rows[] = {{"/", CD_PLAN_READABLE_ROOT, true}, {"/tmp", CD_PLAN_WRITABLE_ROOT, true}};
  cd_plan *plan = plan_of(rows, 2);
  free(plan->cwd);
  plan->cwd = strdup("/tmp");
  cd_mount_ops ops;
  cordon_error err = {0};
  assert_int_equal(cd_mount_plan_lower(plan, &ops, &err), 0);
  expect_op(&ops, 3, CD_MOUNT_BIND, "/tmp", false);
  done(plan, &ops);
}

static void test_own_filesystems_refused(void **state) {
  const char *const paths[] = {"/dev", "/dev/sda", "/proc/1/root", "/proc"};
  for (size_t k = 0; k < 4; k++) {
    const row rows[] = {{"/", CD_PLAN_READABLE_ROOT, true}, {paths[k], CD_PLAN_WRITABLE_ROOT, true}};
    cd_plan *plan = plan_of(rows, 2);
    cd_mount_ops ops;
    cordon_error err = {0};
    assert_int_equal(cd_mount_plan_lower(plan, &ops, &err), -1);
    assert_non_null(strstr(err.message, paths[k]));
    assert_non_null(strstr(err.message, "the sandbox has its own"));
    assert_null(ops.items);
    cd_plan_free(plan);
  }
}

/* Without "/" in the plan the root is empty but for the plan's roots and the
 * sandbox's own filesystems. */
static void test_no_root(void **state) {
  const row rows[] = {{"/usr", CD_PLAN_READABLE_ROOT, true}, {"/ws", CD_PLAN_WRITABLE_ROOT, true}};
  cd_mount_ops ops;
  cd_plan *plan = lowered(rows, 2, &ops);
  size_t i = 0;
  expect_op(&ops, i++, CD_MOUNT_DEV, "/dev", false);
  expect_op(&ops, i++, CD_MOUNT_PROC, "/proc", false);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/usr", true);
  expect_op(&ops, i++, CD_MOUNT_BIND, "/ws", false);
  assert_int_equal(ops.len, i);
  done(plan, &ops);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_workspace_write),
      cmocka_unit_test(test_parents_first),
      cmocka_unit_test(test_redundant_binds_skipped),
      cmocka_unit_test(test_readonly_tmp_is_the_hosts),
      cmocka_unit_test(test_tmp_as_workspace),
      cmocka_unit_test(test_own_filesystems_refused),
      cmocka_unit_test(test_no_root),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
