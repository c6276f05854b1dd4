/* ACE lowering: which ACEs come out of a plan, in which order, for which SID, with
 * which mask and inheritance. Hand-built plans here; test_resolved.c drives the
 * real resolver. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define OICI CD_WIN_INHERIT_DIR
#define OICIIO (CD_WIN_INHERIT_DIR | CD_WIN_INHERIT_ONLY_ACE)
#define CAP CD_WIN_TRUSTEE_CAP
#define GROUP CD_WIN_TRUSTEE_GROUP
#define ALLOW CD_WIN_ACE_ALLOW
#define DENY CD_WIN_ACE_DENY
#define GEN CD_WIN_CAP_GENERIC
#define WS CD_WIN_CAP_WORKSPACE
#define RO CD_WIN_CAP_READONLY
#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct lowered {
  cd_win_ace *aces;
  size_t n;
} lowered;

static lowered lower_ok(const cd_plan *plan, const char *root, cd_win_variant variant,
                        const char *const *everyone, size_t n_everyone) {
  cd_win_cap_sids caps;
  caps_fixed(&caps, root);
  cd_win_lower_input in = {.variant = variant,
                           .caps = &caps,
                           .everyone_writable = everyone,
                           .n_everyone_writable = n_everyone};
  cordon_error err = {0};
  lowered l;
  if (cd_win_lower_aces(plan, &in, cd_win_caps_used(plan, &caps), variant, &l.aces, &l.n, &err) < 0)
    fail_msg("lowering failed: %s", err.message);
  cd_win_cap_sids_clear(&caps);
  return l;
}

static void lower_fails(const cd_plan *plan, const char *root, cd_win_variant variant,
                        const char *needle) {
  cd_win_cap_sids caps;
  caps_fixed(&caps, root);
  cd_win_lower_input in = {.variant = variant, .caps = &caps};
  cordon_error err = {0};
  cd_win_ace *aces = (cd_win_ace *)1;
  size_t n = 1;
  assert_int_equal(
      cd_win_lower_aces(plan, &in, cd_win_caps_used(plan, &caps), variant, &aces, &n, &err), -1);
  assert_null(aces);
  assert_int_equal(n, 0);
  if (!strstr(err.message, needle))
    fail_msg("error '%s' does not contain '%s'", err.message, needle);
  assert_null(strchr(err.message, '\n'));
  cd_win_cap_sids_clear(&caps);
}

/* / read, /ws (cwd) write with .git, /tmp write: the workspace-write shape. */
static cd_plan *workspace_plan(bool gitfile) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/ws", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "/ws/.git", CD_PLAN_DENY_WRITE, !gitfile);
  plan_add(plan, "/tmp", CD_PLAN_WRITABLE_ROOT, true);
  return plan;
}

static void test_workspace_write_unelevated(void **state) {
  cd_plan *plan = workspace_plan(false);
  lowered l = lower_ok(plan, "/ws", CD_WIN_UNELEVATED, NULL, 0);
  /* Denies first (both SIDs the token carries), then allows; by path within each. */
  static const ace_want want[] = {
      {"/ws/.git", DENY, CAP, GEN, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"/ws/.git", DENY, CAP, WS, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"/tmp", ALLOW, CAP, GEN, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/tmp", ALLOW, CAP, GEN, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, CAP, WS, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, CAP, WS, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
  };
  assert_aces(l.aces, l.n, want, N(want));
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_masks_are_win32_values(void **state) {
  /* winnt.h values, so the apply layer passes them through. */
  assert_int_equal(CD_WIN_FILE_GENERIC_READ, 0x00120089);
  assert_int_equal(CD_WIN_FILE_GENERIC_WRITE, 0x00120116);
  assert_int_equal(CD_WIN_FILE_GENERIC_EXECUTE, 0x001200A0);
  assert_int_equal(CD_WIN_MASK_WRITE, 0x001201BF);
  assert_int_equal(CD_WIN_MASK_DENY_WRITE, 0x000D0156);
  assert_int_equal(CD_WIN_MASK_DENY_ALL, 0x001F01FF);
  /* The allow on a writable root never holds FILE_DELETE_CHILD (which would let the
   * command rename .git away) nor DELETE (the root itself cannot be renamed). */
  assert_int_equal(CD_WIN_MASK_WRITE & (CD_WIN_FILE_DELETE_CHILD | CD_WIN_DELETE), 0);
  /* The deny-write mask keeps reading possible: no SYNCHRONIZE, no READ_CONTROL,
   * no read or execute right. */
  assert_int_equal(CD_WIN_MASK_DENY_WRITE & (CD_WIN_SYNCHRONIZE | CD_WIN_READ_CONTROL |
                                             CD_WIN_FILE_READ_DATA | CD_WIN_FILE_EXECUTE),
                   0);
  assert_int_equal(CD_WIN_MASK_DENY_WRITE & CD_WIN_FILE_GENERIC_WRITE & ~CD_WIN_SYNCHRONIZE &
                       ~CD_WIN_READ_CONTROL,
                   CD_WIN_FILE_GENERIC_WRITE & ~CD_WIN_SYNCHRONIZE & ~CD_WIN_READ_CONTROL);
}

static void test_gitfile_gets_no_inheritance(void **state) {
  cd_plan *plan = workspace_plan(true);
  lowered l = lower_ok(plan, "/ws", CD_WIN_UNELEVATED, NULL, 0);
  assert_string_equal(l.aces[0].path, "/ws/.git");
  assert_int_equal(l.aces[0].inheritance, 0);
  assert_int_equal(l.aces[1].inheritance, 0);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_elevated_adds_group(void **state) {
  cd_plan *plan = workspace_plan(false);
  plan_add(plan, "/data", CD_PLAN_READABLE_ROOT, true);
  lowered l = lower_ok(plan, "/ws", CD_WIN_ELEVATED, NULL, 0);
  static const ace_want want[] = {
      {"/ws/.git", DENY, CAP, GEN, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"/ws/.git", DENY, CAP, WS, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"/tmp", ALLOW, CAP, GEN, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/tmp", ALLOW, CAP, GEN, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/tmp", ALLOW, GROUP, 0, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/tmp", ALLOW, GROUP, 0, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, CAP, WS, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, CAP, WS, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, GROUP, 0, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, GROUP, 0, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
      /* Read for the group on a readable root, last and deferred; none on "/". */
      {"/data", ALLOW, GROUP, 0, CD_WIN_MASK_READ, OICI, true, CD_WIN_WHY_READABLE_ROOT},
  };
  assert_aces(l.aces, l.n, want, N(want));
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_nested_carveout_reopened(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/ws", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "/ws/docs", CD_PLAN_DENY_WRITE, true);
  plan_add(plan, "/ws/docs/tmp", CD_PLAN_WRITABLE_ROOT, true);
  lowered l = lower_ok(plan, "/ws", CD_WIN_UNELEVATED, NULL, 0);
  /* Only the workspace SID is in use: both writable paths are inside the workspace. */
  static const ace_want want[] = {
      {"/ws/docs", DENY, CAP, WS, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"/ws", ALLOW, CAP, WS, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"/ws", ALLOW, CAP, WS, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
      /* The explicit allow that wins over the deny docs/tmp inherits from docs. */
      {"/ws/docs/tmp", ALLOW, CAP, WS, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_REOPENED},
      {"/ws/docs/tmp", ALLOW, CAP, WS, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_REOPENED},
  };
  assert_aces(l.aces, l.n, want, N(want));
  assert_int_equal(count_aces(l.aces, l.n, "/ws/docs", ALLOW), 0);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_secrets_deny_read(void **state) {
  cd_plan *plan = workspace_plan(false);
  plan_add(plan, "/home/u/.ssh", CD_PLAN_DENY_READ, true);
  plan_add(plan, "/home/u/.netrc", CD_PLAN_DENY_READ, false);
  plan_add(plan, "/home/u/.ssh/pub", CD_PLAN_READABLE_ROOT, true);
  lowered l = lower_ok(plan, "/ws", CD_WIN_ELEVATED, NULL, 0);
  /* The group is denied everything (reads are decided by the identity); the
   * capability SIDs are denied writes. Files get no inheritance. */
  static const ace_want want[] = {
      {"/home/u/.netrc", DENY, CAP, GEN, CD_WIN_MASK_DENY_WRITE, 0, false, CD_WIN_WHY_DENY_READ},
      {"/home/u/.netrc", DENY, CAP, WS, CD_WIN_MASK_DENY_WRITE, 0, false, CD_WIN_WHY_DENY_READ},
      {"/home/u/.netrc", DENY, GROUP, 0, CD_WIN_MASK_DENY_ALL, 0, false, CD_WIN_WHY_DENY_READ},
      {"/home/u/.ssh", DENY, CAP, GEN, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_READ},
      {"/home/u/.ssh", DENY, CAP, WS, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_READ},
      {"/home/u/.ssh", DENY, GROUP, 0, CD_WIN_MASK_DENY_ALL, OICI, false, CD_WIN_WHY_DENY_READ},
  };
  assert_aces(l.aces, N(want), want, N(want));
  /* The readable path under the hidden one is reopened for the group, deferred. */
  const cd_win_ace *last = &l.aces[l.n - 1];
  assert_string_equal(last->path, "/home/u/.ssh/pub");
  assert_int_equal(last->type, ALLOW);
  assert_int_equal(last->trustee, GROUP);
  assert_int_equal(last->mask, CD_WIN_MASK_READ);
  assert_true(last->deferred);
  assert_int_equal(last->why, CD_WIN_WHY_REOPENED);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_deny_read_needs_sandbox_user(void **state) {
  cd_plan *plan = workspace_plan(false);
  plan_add(plan, "/home/u/.ssh", CD_PLAN_DENY_READ, true);
  lower_fails(plan, "/ws", CD_WIN_UNELEVATED, "deny_read '/home/u/.ssh': the unelevated");
  cd_plan_free(plan);
}

static void test_extra_root_gets_generic_sid(void **state) {
  cd_plan *plan = workspace_plan(false);
  plan_add(plan, "/scratch", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "/ws/build", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "/ws/notes.txt", CD_PLAN_WRITABLE_ROOT, false);
  lowered l = lower_ok(plan, "/ws", CD_WIN_UNELEVATED, NULL, 0);
  for (size_t i = 0; i < l.n; i++) {
    if (l.aces[i].type != ALLOW)
      continue;
    bool inside = strncmp(l.aces[i].path, "/ws", 3) == 0;
    assert_int_equal(l.aces[i].cap, inside ? WS : GEN);
  }
  assert_int_equal(count_aces(l.aces, l.n, "/scratch", ALLOW), 2);
  /* A writable file: one allow, no inheritance, no inherit-only DELETE. */
  assert_int_equal(count_aces(l.aces, l.n, "/ws/notes.txt", ALLOW), 1);
  for (size_t i = 0; i < l.n; i++)
    if (strcmp(l.aces[i].path, "/ws/notes.txt") == 0)
      assert_int_equal(l.aces[i].inheritance, 0);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_read_only_uses_readonly_sid(void **state) {
  cd_plan *plan = plan_new(CD_MODE_READ_ONLY, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  cd_win_cap_sids caps;
  caps_fixed(&caps, NULL);
  assert_int_equal(cd_win_caps_used(plan, &caps), 1u << RO);
  cd_win_cap_sids_clear(&caps);
  static const char *const everyone[] = {"/srv/drop"};
  lowered l = lower_ok(plan, NULL, CD_WIN_UNELEVATED, everyone, 1);
  static const ace_want want[] = {
      {"/srv/drop", DENY, CAP, RO, CD_WIN_MASK_DENY_WRITE, OICI, false,
       CD_WIN_WHY_EVERYONE_WRITABLE},
  };
  assert_aces(l.aces, l.n, want, N(want));
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

/* The group's read grant on the cwd is applied before the command starts (never
 * deferred): the junction a run starts in while grants wait leads to the cwd,
 * whose own DACL must already let the sandbox user read it. */
static const cd_win_ace *cwd_grant(const lowered *l, const char *cwd) {
  const cd_win_ace *found = NULL;
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->aces[i].path, cwd) == 0 && l->aces[i].type == ALLOW &&
        l->aces[i].trustee == GROUP) {
      assert_null(found); /* one grant, not two */
      found = &l->aces[i];
    }
  return found;
}

static void test_read_only_cwd_grant_immediate(void **state) {
  /* Read-only mode: the cwd is readable through "/" only, which gets no grant. */
  cd_plan *plan = plan_new(CD_MODE_READ_ONLY, CD_NET_OFFLINE, "/home/u/proj");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/opt/data", CD_PLAN_READABLE_ROOT, true);
  lowered l = lower_ok(plan, NULL, CD_WIN_ELEVATED, NULL, 0);
  const cd_win_ace *a = cwd_grant(&l, "/home/u/proj");
  assert_non_null(a);
  assert_false(a->deferred);
  assert_int_equal(a->mask, CD_WIN_MASK_READ);
  assert_int_equal(a->inheritance, OICI);
  /* Other readable roots stay deferred. */
  const cd_win_ace *other = cwd_grant(&l, "/opt/data");
  assert_non_null(other);
  assert_true(other->deferred);
  /* Before every deferred grant in apply order. */
  for (size_t i = 0; i < l.n && &l.aces[i] != a; i++)
    assert_false(l.aces[i].deferred);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);

  /* The cwd as a readable root of its own: that grant is made immediate. */
  plan = plan_new(CD_MODE_READ_ONLY, CD_NET_OFFLINE, "/home/u/proj");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/home/u/proj", CD_PLAN_READABLE_ROOT, true);
  l = lower_ok(plan, NULL, CD_WIN_ELEVATED, NULL, 0);
  a = cwd_grant(&l, "/home/u/proj");
  assert_non_null(a);
  assert_false(a->deferred);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_cwd_grant_only_when_readable(void **state) {
  /* A hidden cwd is never granted. */
  cd_plan *plan = plan_new(CD_MODE_READ_ONLY, CD_NET_OFFLINE, "/home/u/.ssh/x");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/home/u/.ssh", CD_PLAN_DENY_READ, true);
  lowered l = lower_ok(plan, NULL, CD_WIN_ELEVATED, NULL, 0);
  assert_null(cwd_grant(&l, "/home/u/.ssh/x"));
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
  /* The caller's own token reads it already: no ACE for the group. */
  plan = plan_new(CD_MODE_READ_ONLY, CD_NET_ONLINE, "/home/u/proj");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  l = lower_ok(plan, NULL, CD_WIN_UNELEVATED, NULL, 0);
  assert_int_equal(l.n, 0);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
  /* A writable cwd keeps its write grants and gets no second, read-only one. */
  plan = workspace_plan(false);
  l = lower_ok(plan, "/ws", CD_WIN_ELEVATED, NULL, 0);
  for (size_t i = 0; i < l.n; i++)
    if (strcmp(l.aces[i].path, "/ws") == 0)
      assert_int_not_equal(l.aces[i].mask, CD_WIN_MASK_READ);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_everyone_writable(void **state) {
  cd_plan *plan = workspace_plan(false);
  plan_add(plan, "/home/u/.ssh", CD_PLAN_DENY_READ, true);
  static const char *const everyone[] = {
      "/ws/shared",      /* inside a writable root: writable anyway */
      "/opt/drop",       /* outside: denied */
      "/ws/.git",        /* already denied explicitly */
      "/opt/drop",       /* listed twice: denied once */
      "/home/u/.ssh/ctl" /* inside a hidden path: explicit, so an Everyone allow cannot win */
  };
  lowered l = lower_ok(plan, "/ws", CD_WIN_ELEVATED, everyone, N(everyone));
  assert_int_equal(count_aces(l.aces, l.n, "/ws/shared", DENY), 0);
  assert_int_equal(count_aces(l.aces, l.n, "/opt/drop", DENY), 2);
  assert_int_equal(count_aces(l.aces, l.n, "/ws/.git", DENY), 2);
  assert_int_equal(count_aces(l.aces, l.n, "/home/u/.ssh/ctl", DENY), 2);
  for (size_t i = 0; i < l.n; i++)
    if (strcmp(l.aces[i].path, "/opt/drop") == 0) {
      assert_int_equal(l.aces[i].trustee, CAP);
      assert_int_equal(l.aces[i].mask, CD_WIN_MASK_DENY_WRITE);
      assert_int_equal(l.aces[i].inheritance, OICI);
      assert_int_equal(l.aces[i].why, CD_WIN_WHY_EVERYONE_WRITABLE);
    }
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_apply_order(void **state) {
  cd_plan *plan = workspace_plan(false);
  plan_add(plan, "/ws/docs", CD_PLAN_DENY_WRITE, true);
  plan_add(plan, "/ws/docs/tmp", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "/home/u/.ssh", CD_PLAN_DENY_READ, true);
  plan_add(plan, "/data", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/data2", CD_PLAN_READABLE_ROOT, true);
  static const char *const everyone[] = {"/srv/b", "/srv/a"};
  lowered l = lower_ok(plan, "/ws", CD_WIN_ELEVATED, everyone, 2);
  /* Classes never go backwards (deny, allow, deferred), paths ascend within one. */
  int last_class = 0;
  for (size_t i = 0; i < l.n; i++) {
    int class = l.aces[i].type == DENY ? 0 : l.aces[i].deferred ? 2 : 1;
    assert_true(class >= last_class);
    if (i > 0 && class == last_class)
      assert_true(strcmp(l.aces[i - 1].path, l.aces[i].path) <= 0);
    last_class = class;
  }
  assert_int_equal(last_class, 2);
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

static void test_narrow_reads_refused(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/ws", CD_PLAN_WRITABLE_ROOT, true);
  lower_fails(plan, "/ws", CD_WIN_ELEVATED, "':root' is not readable");
  cd_plan_free(plan);
}

static void test_windows_paths(void **state) {
  /* The lowering does not care about the path syntax. */
  assert_true(cd_win_path_within("C:\\ws\\docs", "C:\\ws"));
  assert_true(cd_win_path_within("C:\\ws", "C:\\ws"));
  assert_true(cd_win_path_within("C:\\ws", "C:\\"));
  assert_false(cd_win_path_within("C:\\wsx", "C:\\ws"));
  assert_false(cd_win_path_within("D:\\ws", "C:\\"));
  assert_true(cd_win_path_within("/a/b", "/"));
  assert_false(cd_win_path_within("/ab", "/a"));
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_ONLINE, "C:\\ws");
  plan_add(plan, "C:\\", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "C:\\ws", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "C:\\ws\\.git", CD_PLAN_DENY_WRITE, true);
  plan_add(plan, "C:\\Users\\u\\AppData\\Local\\Temp", CD_PLAN_WRITABLE_ROOT, true);
  lowered l = lower_ok(plan, "C:\\ws", CD_WIN_UNELEVATED, NULL, 0);
  static const ace_want want[] = {
      {"C:\\ws\\.git", DENY, CAP, GEN, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"C:\\ws\\.git", DENY, CAP, WS, CD_WIN_MASK_DENY_WRITE, OICI, false, CD_WIN_WHY_DENY_WRITE},
      {"C:\\Users\\u\\AppData\\Local\\Temp", ALLOW, CAP, GEN, CD_WIN_MASK_WRITE, OICI, false,
       CD_WIN_WHY_WRITABLE_ROOT},
      {"C:\\Users\\u\\AppData\\Local\\Temp", ALLOW, CAP, GEN, CD_WIN_DELETE, OICIIO, false,
       CD_WIN_WHY_WRITABLE_ROOT},
      {"C:\\ws", ALLOW, CAP, WS, CD_WIN_MASK_WRITE, OICI, false, CD_WIN_WHY_WRITABLE_ROOT},
      {"C:\\ws", ALLOW, CAP, WS, CD_WIN_DELETE, OICIIO, false, CD_WIN_WHY_WRITABLE_ROOT},
  };
  assert_aces(l.aces, l.n, want, N(want));
  cd_win_aces_free(l.aces, l.n);
  cd_plan_free(plan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_only_cwd_grant_immediate),
      cmocka_unit_test(test_cwd_grant_only_when_readable),
      cmocka_unit_test(test_workspace_write_unelevated),
      cmocka_unit_test(test_masks_are_win32_values),
      cmocka_unit_test(test_gitfile_gets_no_inheritance),
      cmocka_unit_test(test_elevated_adds_group),
      cmocka_unit_test(test_nested_carveout_reopened),
      cmocka_unit_test(test_secrets_deny_read),
      cmocka_unit_test(test_deny_read_needs_sandbox_user),
      cmocka_unit_test(test_extra_root_gets_generic_sid),
      cmocka_unit_test(test_read_only_uses_readonly_sid),
      cmocka_unit_test(test_everyone_writable),
      cmocka_unit_test(test_apply_order),
      cmocka_unit_test(test_narrow_reads_refused),
      cmocka_unit_test(test_windows_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
