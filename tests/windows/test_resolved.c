/* The Windows lowering of plans from the real resolver, on real trees, with the SIDs
 * from a real store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "policy/resolve.h"

static char root[4096];

static int setup(void **state) {
  tree_make(root);
  tree_mkdirs(root, "home/.ssh");
  tree_write(root, "home/.ssh/id_ed25519", "key");
  tree_write(root, "home/.netrc", "machine x");
  tree_mkdirs(root, "ws/.git");
  tree_mkdirs(root, "ws/docs/tmp");
  tree_mkdirs(root, "ws2/.git");
  tree_mkdirs(root, "extra");
  tree_mkdirs(root, "shared");
  tree_mkdirs(root, "state");
  return 0;
}

static int teardown(void **state) {
  tree_remove(root);
  return 0;
}

static cd_plan *resolve(cd_policy *p, const char *cwd) {
  char home[4200], state[4200];
  snprintf(home, sizeof home, "HOME=%s", tree_at(root, "home"));
  snprintf(state, sizeof state, "CORDON_HOME=%s", tree_at(root, "state"));
  char *envp[] = {home, state, "PATH=/usr/bin:/bin", NULL};
  cordon_error err = {0};
  cd_plan *plan = cd_resolve(p, tree_at(root, cwd), envp, &err);
  if (!plan)
    fail_msg("resolve: %s", err.message);
  return plan;
}

static void sids_of(const cd_plan *plan, cd_win_cap_sids *caps) {
  cordon_error err = {0};
  if (cd_win_cap_sids_get(tree_at(root, "state"), cd_win_workspace_root(plan), cd_win_random_os,
                          NULL, caps, &err) < 0)
    fail_msg("cap_sids: %s", err.message);
}

static const cd_win_ace *find(const cd_win_ops *ops, const char *path, cd_win_ace_type type,
                              cd_win_trustee trustee, cd_win_cap cap, uint32_t mask) {
  for (size_t i = 0; i < ops->n_aces; i++) {
    const cd_win_ace *a = &ops->aces[i];
    if (strcmp(a->path, path) == 0 && a->type == type && a->trustee == trustee &&
        (trustee == CD_WIN_TRUSTEE_GROUP || a->cap == cap) && a->mask == mask)
      return a;
  }
  fail_msg("no %s ACE 0x%08x for %s/%s on %s", type == CD_WIN_ACE_ALLOW ? "allow" : "deny",
           (unsigned)mask, trustee == CD_WIN_TRUSTEE_CAP ? "cap" : "group", cd_win_cap_name(cap),
           path);
  return NULL;
}

static void add(cd_policy *p, const char *path, cd_access access) {
  cordon_error err = {0};
  assert_int_equal(cd_policy_add_entry(p, path, access, CD_LAYER_FLAGS, path, &err), 0);
}

static void test_workspace_write(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  add(&p, "./docs", CD_ACCESS_READ);
  add(&p, "./docs/tmp", CD_ACCESS_WRITE);
  add(&p, tree_at(root, "extra"), CD_ACCESS_WRITE);
  cd_plan *plan = resolve(&p, "ws");
  cd_win_cap_sids caps;
  sids_of(plan, &caps);
  assert_string_equal(caps.workspace_root, tree_at(root, "ws"));
  const char *everyone[] = {tree_at(root, "shared"), tree_at(root, "ws/docs/tmp")};
  cd_win_lower_input in = {.variant = CD_WIN_ELEVATED,
                           .caps = &caps,
                           .everyone_writable = everyone,
                           .n_everyone_writable = 2};
  cd_win_ops ops;
  cordon_error err = {0};
  if (cd_win_lower(plan, &in, &ops, &err) < 0)
    fail_msg("lower: %s", err.message);

  const uint32_t W = CD_WIN_MASK_WRITE, DW = CD_WIN_MASK_DENY_WRITE, ALL = CD_WIN_MASK_DENY_ALL;
  const cd_win_trustee CAP = CD_WIN_TRUSTEE_CAP, GROUP = CD_WIN_TRUSTEE_GROUP;
  /* .git and the docs carveout: denied for both SIDs the token carries. */
  for (cd_win_cap c = CD_WIN_CAP_GENERIC; c <= CD_WIN_CAP_WORKSPACE; c++) {
    const cd_win_ace *git = find(&ops, tree_at(root, "ws/.git"), CD_WIN_ACE_DENY, CAP, c, DW);
    assert_int_equal(git->inheritance, CD_WIN_INHERIT_DIR);
    assert_string_equal(git->sid, caps.sid[c]);
    find(&ops, tree_at(root, "ws/docs"), CD_WIN_ACE_DENY, CAP, c, DW);
    find(&ops, tree_at(root, "shared"), CD_WIN_ACE_DENY, CAP, c, DW);
  }
  /* The workspace SID writes the workspace and the reopened docs/tmp... */
  const cd_win_ace *ws = find(&ops, tree_at(root, "ws"), CD_WIN_ACE_ALLOW, CAP,
                              CD_WIN_CAP_WORKSPACE, W);
  assert_string_equal(ws->sid, caps.sid[CD_WIN_CAP_WORKSPACE]);
  const cd_win_ace *re = find(&ops, tree_at(root, "ws/docs/tmp"), CD_WIN_ACE_ALLOW, CAP,
                              CD_WIN_CAP_WORKSPACE, W);
  assert_int_equal(re->why, CD_WIN_WHY_REOPENED);
  /* ...which, being writable, got no Everyone-writable deny. */
  assert_int_equal(
      count_aces(ops.aces, ops.n_aces, tree_at(root, "ws/docs/tmp"), CD_WIN_ACE_DENY), 0);
  /* The generic SID writes the extra root and /tmp. */
  const cd_win_ace *extra = find(&ops, tree_at(root, "extra"), CD_WIN_ACE_ALLOW, CAP,
                                 CD_WIN_CAP_GENERIC, W);
  assert_string_equal(extra->sid, caps.sid[CD_WIN_CAP_GENERIC]);
  find(&ops, "/tmp", CD_WIN_ACE_ALLOW, CAP, CD_WIN_CAP_GENERIC, W);
  /* Secrets: hidden from the sandbox group; a file gets no inheritance. */
  find(&ops, tree_at(root, "home/.ssh"), CD_WIN_ACE_DENY, GROUP, 0, ALL);
  const cd_win_ace *netrc =
      find(&ops, tree_at(root, "home/.netrc"), CD_WIN_ACE_DENY, GROUP, 0, ALL);
  assert_int_equal(netrc->inheritance, 0);
  /* Offline by default: the offline user, its rules and filters. */
  assert_string_equal(ops.identity.user, CD_WIN_USER_OFFLINE);
  assert_int_equal(ops.n_fw_rules, 5);
  assert_int_equal(ops.n_wfp_filters, 12);
  assert_int_equal(ops.token.n_sids, 5);
  cd_win_ops_clear(&ops);
  cd_win_cap_sids_clear(&caps);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_workspaces_isolated(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  cd_win_cap_sids a, b, a2;
  cd_plan *plan = resolve(&p, "ws");
  sids_of(plan, &a);
  cd_plan_free(plan);
  plan = resolve(&p, "ws2");
  sids_of(plan, &b);
  cd_plan_free(plan);
  plan = resolve(&p, "ws");
  sids_of(plan, &a2);
  assert_string_not_equal(a.sid[CD_WIN_CAP_WORKSPACE], b.sid[CD_WIN_CAP_WORKSPACE]);
  assert_string_equal(a.sid[CD_WIN_CAP_WORKSPACE], a2.sid[CD_WIN_CAP_WORKSPACE]);
  assert_string_equal(a.sid[CD_WIN_CAP_GENERIC], b.sid[CD_WIN_CAP_GENERIC]);
  /* ws's ACEs name ws's SID only: ws2's token cannot write ws. */
  cd_win_lower_input in = {.variant = CD_WIN_ELEVATED, .caps = &a2};
  cd_win_ops ops;
  cordon_error err = {0};
  assert_int_equal(cd_win_lower(plan, &in, &ops, &err), 0);
  for (size_t i = 0; i < ops.n_aces; i++)
    assert_string_not_equal(ops.aces[i].sid, b.sid[CD_WIN_CAP_WORKSPACE]);
  cd_win_ops_clear(&ops);
  cd_win_cap_sids_clear(&a);
  cd_win_cap_sids_clear(&b);
  cd_win_cap_sids_clear(&a2);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

static void test_read_only_mode(void **state) {
  cd_policy p;
  cd_policy_init(&p);
  p.mode = CD_MODE_READ_ONLY;
  cd_plan *plan = resolve(&p, "ws");
  assert_null(cd_win_workspace_root(plan));
  cd_win_cap_sids caps;
  sids_of(plan, &caps);
  cd_win_lower_input in = {.variant = CD_WIN_ELEVATED, .caps = &caps};
  cd_win_ops ops;
  cordon_error err = {0};
  assert_int_equal(cd_win_lower(plan, &in, &ops, &err), 0);
  assert_int_equal(ops.caps_used, 1u << CD_WIN_CAP_READONLY);
  for (size_t i = 0; i < ops.n_aces; i++)
    assert_false(ops.aces[i].type == CD_WIN_ACE_ALLOW && ops.aces[i].trustee == CD_WIN_TRUSTEE_CAP);
  cd_win_ops_clear(&ops);
  cd_win_cap_sids_clear(&caps);
  cd_plan_free(plan);
  cd_policy_clear(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_workspace_write, setup, teardown),
      cmocka_unit_test_setup_teardown(test_workspaces_isolated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_read_only_mode, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
