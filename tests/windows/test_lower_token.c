/* Identity, restricted-token spec, and the checks cd_win_lower makes on its input. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void test_token_unelevated(void **state) {
  cd_win_cap_sids caps;
  caps_fixed(&caps, "/ws");
  cd_win_token t;
  cd_win_lower_token(&caps, 1u << CD_WIN_CAP_GENERIC | 1u << CD_WIN_CAP_WORKSPACE,
                     CD_WIN_UNELEVATED, &t);
  assert_int_equal(t.flags, 0x1 | 0x4 | 0x8); /* DISABLE_MAX_PRIVILEGE|LUA_TOKEN|WRITE_RESTRICTED */
  assert_int_equal(t.n_sids, 4);
  assert_int_equal(t.sids[0].kind, CD_WIN_TOKEN_LOGON);
  assert_string_equal(t.sids[0].sid, "");
  assert_int_equal(t.sids[1].kind, CD_WIN_TOKEN_EVERYONE);
  assert_string_equal(t.sids[1].sid, "S-1-1-0");
  assert_int_equal(t.sids[2].kind, CD_WIN_TOKEN_CAP);
  assert_int_equal(t.sids[2].cap, CD_WIN_CAP_GENERIC);
  assert_string_equal(t.sids[2].sid, SID_GENERIC);
  assert_int_equal(t.sids[3].kind, CD_WIN_TOKEN_CAP);
  assert_int_equal(t.sids[3].cap, CD_WIN_CAP_WORKSPACE);
  assert_string_equal(t.sids[3].sid, SID_WORKSPACE);
  cd_win_cap_sids_clear(&caps);
}

static void test_token_elevated_adds_user(void **state) {
  cd_win_cap_sids caps;
  caps_fixed(&caps, "/ws");
  cd_win_token t;
  cd_win_lower_token(&caps, 1u << CD_WIN_CAP_WORKSPACE, CD_WIN_ELEVATED, &t);
  assert_int_equal(t.flags, 0x1 | 0x4 | 0x8);
  assert_int_equal(t.n_sids, 4);
  assert_int_equal(t.sids[2].kind, CD_WIN_TOKEN_CAP);
  assert_string_equal(t.sids[2].sid, SID_WORKSPACE);
  assert_int_equal(t.sids[3].kind, CD_WIN_TOKEN_SANDBOX_USER);
  for (size_t i = 0; i < t.n_sids; i++) /* the generic SID is not used: not carried */
    assert_string_not_equal(t.sids[i].sid, SID_GENERIC);
  cd_win_cap_sids_clear(&caps);
}

static void test_token_read_only(void **state) {
  cd_win_cap_sids caps;
  caps_fixed(&caps, NULL);
  cd_win_token t;
  cd_win_lower_token(&caps, 1u << CD_WIN_CAP_READONLY, CD_WIN_UNELEVATED, &t);
  assert_int_equal(t.n_sids, 3);
  assert_int_equal(t.sids[2].cap, CD_WIN_CAP_READONLY);
  assert_string_equal(t.sids[2].sid, SID_READONLY);
  cd_win_cap_sids_clear(&caps);
}

static void check_identity(cd_network_mode net, bool deny_read, cd_win_variant asked,
                           cd_win_variant variant, const char *user) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, net, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  if (deny_read)
    plan_add(plan, "/home/u/.ssh", CD_PLAN_DENY_READ, true);
  cd_win_identity id;
  cd_win_lower_identity(plan, asked, &id);
  assert_int_equal(id.variant, variant);
  if (user)
    assert_string_equal(id.user, user);
  else
    assert_null(id.user);
  assert_string_equal(id.group, "CordonSandboxUsers");
  assert_non_null(id.reason);
  cd_plan_free(plan);
}

static void test_identity(void **state) {
  /* Offline and proxy: the offline user, even when the unelevated sandbox was asked. */
  check_identity(CD_NET_OFFLINE, false, CD_WIN_UNELEVATED, CD_WIN_ELEVATED, "CordonSandboxOffline");
  check_identity(CD_NET_OFFLINE, false, CD_WIN_ELEVATED, CD_WIN_ELEVATED, "CordonSandboxOffline");
  check_identity(CD_NET_PROXY, false, CD_WIN_UNELEVATED, CD_WIN_ELEVATED, "CordonSandboxOffline");
  check_identity(CD_NET_PROXY, true, CD_WIN_ELEVATED, CD_WIN_ELEVATED, "CordonSandboxOffline");
  /* Online: the online user when elevated... */
  check_identity(CD_NET_ONLINE, false, CD_WIN_ELEVATED, CD_WIN_ELEVATED, "CordonSandboxOnline");
  /* ...the caller's own token when unelevated, unless something must be hidden. */
  check_identity(CD_NET_ONLINE, false, CD_WIN_UNELEVATED, CD_WIN_UNELEVATED, NULL);
  check_identity(CD_NET_ONLINE, true, CD_WIN_UNELEVATED, CD_WIN_ELEVATED, "CordonSandboxOnline");
}

static int lower(const cd_plan *plan, const cd_win_cap_sids *caps, cd_win_ops *ops,
                 cordon_error *err) {
  cd_win_lower_input in = {.variant = CD_WIN_UNELEVATED, .caps = caps};
  return cd_win_lower(plan, &in, ops, err);
}

static void test_lower_whole(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/ws", CD_PLAN_WRITABLE_ROOT, true);
  plan_add(plan, "/ws/.git", CD_PLAN_DENY_WRITE, true);
  assert_int_equal(cd_strv_push(&plan->create, "/ws/not-yet"), 0);
  cd_win_cap_sids caps;
  caps_fixed(&caps, "/ws");
  cd_win_ops ops;
  cordon_error err = {0};
  assert_int_equal(lower(plan, &caps, &ops, &err), 0);
  assert_false(ops.unsandboxed);
  assert_int_equal(ops.setup_version, CD_WIN_SETUP_VERSION);
  assert_int_equal(ops.identity.variant, CD_WIN_UNELEVATED);
  assert_int_equal(ops.caps_used, 1u << CD_WIN_CAP_WORKSPACE);
  assert_string_equal(ops.caps.workspace_root, "/ws");
  assert_int_equal(ops.token.n_sids, 3);
  assert_int_equal(ops.n_aces, 3); /* deny .git, allow /ws twice */
  assert_int_equal(ops.n_fw_rules, 0);
  assert_int_equal(ops.n_wfp_filters, 0);
  assert_int_equal(ops.create.len, 1);
  assert_string_equal(ops.create.items[0], "/ws/not-yet");
  cd_win_ops_clear(&ops);
  cd_win_cap_sids_clear(&caps);
  cd_plan_free(plan);
}

static void test_lower_refusals(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/ws", CD_PLAN_WRITABLE_ROOT, true);
  cd_win_cap_sids caps;
  cd_win_ops ops;
  cordon_error err = {0};
  /* SIDs of another workspace. */
  caps_fixed(&caps, "/other");
  assert_int_equal(lower(plan, &caps, &ops, &err), -1);
  assert_non_null(strstr(err.message, "given for workspace '/other'"));
  cd_win_cap_sids_clear(&caps);
  /* A well-known SID posing as a capability SID would grant Everyone write. */
  caps_fixed(&caps, "/ws");
  strcpy(caps.sid[CD_WIN_CAP_WORKSPACE], "S-1-1-0");
  assert_int_equal(lower(plan, &caps, &ops, &err), -1);
  assert_non_null(strstr(err.message, "workspace SID 'S-1-1-0' is not a cordon capability SID"));
  assert_int_equal(ops.n_aces, 0);
  assert_null(ops.aces);
  cd_win_cap_sids_clear(&caps);
  cd_plan_free(plan);
}

static void test_unsandboxed(void **state) {
  cd_plan *plan = plan_new(CD_MODE_DANGER_FULL_ACCESS, CD_NET_ONLINE, "/ws");
  plan_add(plan, "/", CD_PLAN_WRITABLE_ROOT, true);
  cd_win_cap_sids caps = {0};
  cd_win_ops ops;
  cordon_error err = {0};
  assert_int_equal(lower(plan, &caps, &ops, &err), 0);
  assert_true(ops.unsandboxed);
  assert_int_equal(ops.n_aces, 0);
  assert_int_equal(ops.token.n_sids, 0);
  cd_win_ops_clear(&ops);
  cd_plan_free(plan);
}

static void test_cap_sid_form(void **state) {
  assert_true(cd_win_cap_sid_valid("S-1-5-21-1-2-3-4"));
  assert_true(cd_win_cap_sid_valid("S-1-5-21-4294967295-0-4294967295-1"));
  assert_false(cd_win_cap_sid_valid("S-1-5-21-4294967296-0-1-1")); /* > 32 bits */
  assert_false(cd_win_cap_sid_valid("S-1-5-21-01-2-3-4"));         /* leading zero */
  assert_false(cd_win_cap_sid_valid("S-1-5-21-1-2-3"));            /* three numbers */
  assert_false(cd_win_cap_sid_valid("S-1-5-21-1-2-3-4-5"));        /* five */
  assert_false(cd_win_cap_sid_valid("S-1-5-21-1-2-3-4 "));
  assert_false(cd_win_cap_sid_valid("S-1-5-21-1--3-4"));
  assert_false(cd_win_cap_sid_valid("S-1-1-0"));
  assert_false(cd_win_cap_sid_valid("S-1-5-32-545"));
  assert_false(cd_win_cap_sid_valid(""));
}

/* The runner gets the token spec on its command line: every spec the lowering makes
 * survives the trip exactly, user included. */
static void test_token_arg_roundtrip(void **state) {
  cd_win_cap_sids caps;
  caps_fixed(&caps, "/ws");
  for (int v = 0; v < 2; v++) {
    cd_win_variant variant = v ? CD_WIN_ELEVATED : CD_WIN_UNELEVATED;
    const char *user = v ? CD_WIN_USER_OFFLINE : NULL;
    cd_win_token t, back;
    cd_win_lower_token(&caps, 1u << CD_WIN_CAP_GENERIC | 1u << CD_WIN_CAP_WORKSPACE, variant,
                       &t);
    char arg[CD_WIN_TOKEN_ARG_MAX];
    cordon_error err = {0};
    assert_int_equal(cd_win_token_encode(&t, user, arg, &err), 0);
    assert_null(strpbrk(arg, " \t\"")); /* one plain command-line word */
    const char *back_user = "unset";
    assert_int_equal(cd_win_token_decode(arg, &back, &back_user, &err), 0);
    assert_int_equal(back.flags, t.flags);
    assert_int_equal(back.n_sids, t.n_sids);
    for (size_t i = 0; i < t.n_sids; i++) {
      assert_int_equal(back.sids[i].kind, t.sids[i].kind);
      assert_string_equal(back.sids[i].sid, t.sids[i].sid);
      if (t.sids[i].kind == CD_WIN_TOKEN_CAP)
        assert_int_equal(back.sids[i].cap, t.sids[i].cap);
    }
    if (user)
      assert_string_equal(back_user, user);
    else
      assert_null(back_user);
  }
  cd_win_cap_sids_clear(&caps);
}

/* The runner refuses any spec that would widen the command's token. */
static void test_token_arg_refusals(void **state) {
  static const char *const bad[] = {
      "",                                     /* nothing */
      "d",                                    /* no restricting SID: unrestricted token */
      "c,logon",                              /* privileges kept (no DISABLE_MAX_PRIVILEGE) */
      "1d,logon",                             /* unknown flag */
      "zz,logon",                             /* not hex */
      "d,logon,workspace:S-1-5-32-545",       /* a well-known SID (Users) as capability */
      "d,logon,nosuchcap:S-1-5-21-1-2-3-4",   /* unknown kind */
      "d,logon,user:Administrator",           /* not a sandbox user */
      "d,user:CordonSandboxOffline,user:CordonSandboxOnline", /* two users */
      "d,logon,,everyone",                    /* empty entry */
      "d,everyone:S-1-5-11",                  /* Everyone with another SID */
      "d,logon,logon,logon,logon,logon,logon,logon", /* too many */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cd_win_token t;
    const char *user;
    cordon_error err = {0};
    if (cd_win_token_decode(bad[i], &t, &user, &err) != -1)
      fail_msg("accepted \"%s\"", bad[i]);
    assert_non_null(strstr(err.message, "token spec"));
  }
  /* Encode refuses what decode would: a spec naming the user without a user. */
  cd_win_token t = {.flags = 0xd, .n_sids = 1};
  t.sids[0].kind = CD_WIN_TOKEN_SANDBOX_USER;
  char arg[CD_WIN_TOKEN_ARG_MAX];
  cordon_error err = {0};
  assert_int_equal(cd_win_token_encode(&t, NULL, arg, &err), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_token_arg_roundtrip), cmocka_unit_test(test_token_arg_refusals),
      cmocka_unit_test(test_token_unelevated),  cmocka_unit_test(test_token_elevated_adds_user),
      cmocka_unit_test(test_token_read_only),   cmocka_unit_test(test_identity),
      cmocka_unit_test(test_lower_whole),       cmocka_unit_test(test_lower_refusals),
      cmocka_unit_test(test_unsandboxed),       cmocka_unit_test(test_cap_sid_form),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
