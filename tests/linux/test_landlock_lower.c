/* Landlock lowering, checked as data at every ABI: the rights each plan kind
 * gets, the ABI's additions, the sandbox's devices, the network, and the plans
 * that Landlock alone must refuse, with their messages. Enforcement is in
 * test_landlock_enforce.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "landlock_helpers.h"

#define FS(right) LANDLOCK_ACCESS_FS_##right
#define NET_TCP (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
#define FS_READ (FS(READ_FILE) | FS(READ_DIR) | FS(EXECUTE))
#define FS_FILE (FS(EXECUTE) | FS(WRITE_FILE) | FS(READ_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))

/* Lowering PLAN must fail with an error that contains MESSAGE. */
static void lower_fails(const cd_plan *plan, int abi, bool namespaced, const char *message) {
  cordon_error err = {0};
  cd_landlock_ruleset rs = {0};
  int lowered = cd_landlock_lower(plan, abi, namespaced, &rs, &err);
  cd_landlock_ruleset_clear(&rs);
  if (lowered == 0)
    fail_msg("lowering succeeded, expected '%s'", message);
  if (!strstr(err.message, message))
    fail_msg("error '%s' does not contain '%s'", err.message, message);
}

static uint64_t access_of(const cd_landlock_ruleset *rs, const char *path) {
  const cd_landlock_path_rule *r = rule_for(rs, path);
  if (!r)
    fail_msg("no rule for '%s'", path);
  return r->access;
}

static const entry simple[] = {
    {CD_PLAN_READABLE_ROOT, "/usr", false},
    {CD_PLAN_WRITABLE_ROOT, "/ws", false},
    {0, NULL, false},
};

/* Each ABI adds its rights and nothing else; a newer kernel is used at ABI 7. */
static void test_lower_degrades_by_abi(void **state) {
  cd_plan *plan = plan_new(CD_NET_OFFLINE, simple);
  for (int abi = 1; abi <= 9; abi++) {
    cd_landlock_ruleset rs = {0};
    lower_ok(plan, abi, true, &rs);
    int used = abi > CD_LANDLOCK_ABI_KNOWN ? CD_LANDLOCK_ABI_KNOWN : abi;
    assert_int_equal(rs.abi, used);
    uint64_t v1 = (FS(MAKE_SYM) << 1) - 1;
    assert_int_equal(rs.handled_fs & v1, v1);
    assert_int_equal(!!(rs.handled_fs & FS(REFER)), used >= 2);
    assert_int_equal(!!(rs.handled_fs & FS(TRUNCATE)), used >= 3);
    assert_int_equal(!!(rs.handled_fs & FS(IOCTL_DEV)), used >= 5);
    assert_int_equal(rs.handled_fs & ~(v1 | FS(REFER) | FS(TRUNCATE) | FS(IOCTL_DEV)), 0);
    assert_int_equal(rs.scoped, used >= 6 ? LANDLOCK_SCOPE_SIGNAL |
                                                LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
                                          : 0);
    /* Offline in a private net namespace: TCP is left to that namespace. */
    assert_int_equal(rs.handled_net, 0);
    assert_int_equal(access_of(&rs, "/usr"), FS_READ);
    assert_int_equal(access_of(&rs, "/ws"), rs.handled_fs);
    assert_int_equal(access_of(&rs, "/dev/null"),
                     FS(READ_FILE) | FS(WRITE_FILE) | (used >= 5 ? FS(IOCTL_DEV) : 0));
    cd_landlock_ruleset_clear(&rs);

    /* Offline without namespaces: Landlock must deny TCP, which needs ABI 4. */
    if (abi < 4) {
      lower_fails(plan, abi, false, "offline network cannot be enforced");
      continue;
    }
    lower_ok(plan, abi, false, &rs);
    assert_int_equal(rs.handled_net, NET_TCP);
    assert_int_equal(rs.n_connect_ports, 0);
    cd_landlock_ruleset_clear(&rs);
  }
  lower_fails(plan, 0, true, "no Landlock");
  cd_plan_free(plan);
}

/* The default workspace-write shape: each plan kind gets its rights, nested
 * carveouts are left to the mount layer, and the sandbox's devices are added. */
static void test_lower_namespaced(void **state) {
  static const entry e[] = {
      {CD_PLAN_READABLE_ROOT, "/", false},
      {CD_PLAN_DENY_READ, "/home/u/.ssh", false},
      {CD_PLAN_DENY_READ, "/home/u/.netrc", true},
      {CD_PLAN_WRITABLE_ROOT, "/tmp", false},
      {CD_PLAN_WRITABLE_ROOT, "/ws", false},
      {CD_PLAN_DENY_WRITE, "/ws/.git", false},
      {CD_PLAN_WRITABLE_ROOT, "/ws/.git/hooks.d", false}, /* reopened below a carveout */
      {CD_PLAN_DENY_READ, "/ws/.env", true},
      {CD_PLAN_WRITABLE_ROOT, "/data/log.txt", true},
      {0, NULL, false},
  };
  cd_plan *plan = plan_new(CD_NET_OFFLINE, e);
  cd_landlock_ruleset rs = {0};
  lower_ok(plan, 7, true, &rs);
  uint64_t all = rs.handled_fs;
  uint64_t device = FS(READ_FILE) | FS(WRITE_FILE) | FS(IOCTL_DEV);
  assert_int_equal(access_of(&rs, "/"), FS_READ);
  assert_int_equal(access_of(&rs, "/tmp"), all);
  assert_int_equal(access_of(&rs, "/ws"), all);
  /* A non-directory gets file rights only (Landlock rejects the others). */
  assert_int_equal(access_of(&rs, "/data/log.txt"), all & FS_FILE);
  /* Hidden paths get no rule; a read-only carveout, and a writable root beneath it,
   * add nothing to what /ws grants: Landlock cannot narrow, the mounts do. */
  const char *no_rule[] = {"/home/u/.ssh", "/home/u/.netrc", "/ws/.git", "/ws/.git/hooks.d",
                           "/ws/.env", "/proc" /* "/" already grants reading it */};
  for (size_t i = 0; i < N_OF(no_rule); i++)
    if (rule_for(&rs, no_rule[i]))
      fail_msg("unexpected rule for '%s'", no_rule[i]);
  const char *devices[] = {"/dev/null",   "/dev/zero", "/dev/full", "/dev/random",
                           "/dev/urandom", "/dev/tty", "/dev/ptmx"};
  for (size_t i = 0; i < N_OF(devices); i++) {
    assert_int_equal(access_of(&rs, devices[i]), device);
    assert_true(rule_for(&rs, devices[i])->optional);
  }
  assert_int_equal(access_of(&rs, "/dev/pts"), device | FS(READ_DIR));
  assert_int_equal(access_of(&rs, "/dev/shm"), all);
  assert_false(rule_for(&rs, "/ws")->optional);
  assert_int_equal(rs.n_rules, 4 + N_OF(devices) + 2); /* + /dev/pts, /dev/shm */
  assert_int_equal(rs.handled_net, 0);
  cd_landlock_ruleset_clear(&rs);

  /* Without a readable root, /proc gets its own read rule. */
  cd_plan *narrow = plan_new(CD_NET_ONLINE, simple);
  lower_ok(narrow, 7, true, &rs);
  assert_int_equal(access_of(&rs, "/proc"), FS(READ_FILE) | FS(READ_DIR));
  assert_true(rule_for(&rs, "/proc")->optional);
  assert_int_equal(rs.handled_net, 0);
  cd_landlock_ruleset_clear(&rs);
  cd_plan_free(narrow);
  cd_plan_free(plan);
}

/* Alone, Landlock must express the plan exactly, or refuse it. */
static void test_lower_fallback_refusals(void **state) {
  static const entry git[] = {
      {CD_PLAN_READABLE_ROOT, "/", false},
      {CD_PLAN_WRITABLE_ROOT, "/ws", false},
      {CD_PLAN_DENY_WRITE, "/ws/.git", false},
      {0, NULL, false},
  };
  static const entry ssh[] = {
      {CD_PLAN_READABLE_ROOT, "/", false},
      {CD_PLAN_DENY_READ, "/home/u/.ssh", false},
      {0, NULL, false},
  };
  static const entry env[] = {
      {CD_PLAN_WRITABLE_ROOT, "/ws", false},
      {CD_PLAN_DENY_READ, "/ws/.env", true},
      {0, NULL, false},
  };
  static const entry docs[] = {
      {CD_PLAN_WRITABLE_ROOT, "/ws", false},
      {CD_PLAN_DENY_WRITE, "/ws/docs", false},
      {CD_PLAN_WRITABLE_ROOT, "/ws/docs/tmp", false},
      {0, NULL, false},
  };
  const struct {
    const entry *entries;
    const char *message;
  } cases[] = {
      {git, "Landlock alone cannot keep '/ws/.git' read-only inside the writable root '/ws'"},
      {ssh, "Landlock alone cannot hide '/home/u/.ssh' inside the readable root '/'"},
      {env, "Landlock alone cannot hide '/ws/.env' inside the writable root '/ws'"},
      {docs, "Landlock alone cannot keep '/ws/docs' read-only inside the writable root '/ws'"},
  };
  for (size_t i = 0; i < N_OF(cases); i++) {
    cd_plan *plan = plan_new(CD_NET_ONLINE, cases[i].entries);
    lower_fails(plan, 7, false, cases[i].message);
    cd_landlock_ruleset rs = {0};
    lower_ok(plan, 7, true, &rs); /* the mount layer makes it exact */
    cd_landlock_ruleset_clear(&rs);
    cd_plan_free(plan);
  }

  /* What Landlock can express exactly is accepted: a hidden path under no root, a
   * read-only path under a readable root, a writable root under a readable one. */
  static const entry exact[] = {
      {CD_PLAN_READABLE_ROOT, "/usr", false},
      {CD_PLAN_DENY_WRITE, "/usr/share", false},
      {CD_PLAN_WRITABLE_ROOT, "/usr/share/scratch", false},
      {CD_PLAN_WRITABLE_ROOT, "/ws", false},
      {CD_PLAN_DENY_READ, "/home/u/.ssh", false},
      {0, NULL, false},
  };
  cd_plan *plan = plan_new(CD_NET_ONLINE, exact);
  cd_landlock_ruleset rs = {0};
  lower_ok(plan, 7, false, &rs);
  assert_int_equal(access_of(&rs, "/usr"), FS_READ);
  assert_int_equal(access_of(&rs, "/usr/share/scratch"), rs.handled_fs);
  assert_null(rule_for(&rs, "/usr/share")); /* adds nothing to /usr */
  assert_null(rule_for(&rs, "/home/u/.ssh"));
  /* The host's devices, but never the host's /dev/shm: shared with every process. */
  assert_int_equal(access_of(&rs, "/dev/ptmx"), FS(READ_FILE) | FS(WRITE_FILE) | FS(IOCTL_DEV));
  assert_null(rule_for(&rs, "/dev/shm"));
  assert_int_equal(access_of(&rs, "/proc"), FS(READ_FILE) | FS(READ_DIR));
  assert_int_equal(rs.handled_net, 0); /* online */
  cd_landlock_ruleset_clear(&rs);

  /* Proxy: Landlock's TCP rules have no addresses, so alone it cannot hold. */
  static const uint16_t port = 3128;
  set_proxy(plan, &port, 1, false);
  lower_fails(plan, 7, false, "TCP rules name ports, not addresses");
  cd_plan_free(plan);
}

static void test_lower_proxy(void **state) {
  static const uint16_t ports[] = {3128, 8080};
  cd_plan *plan = plan_new(CD_NET_OFFLINE, simple);
  set_proxy(plan, ports, N_OF(ports), false);
  cd_landlock_ruleset rs = {0};
  lower_ok(plan, 4, true, &rs);
  assert_int_equal(rs.handled_net, NET_TCP); /* no bind at all */
  assert_int_equal(rs.n_connect_ports, 2);
  assert_int_equal(rs.connect_ports[0], 3128);
  assert_int_equal(rs.connect_ports[1], 8080);
  cd_landlock_ruleset_clear(&rs);

  plan->network.allow_local_binding = true;
  lower_ok(plan, 7, true, &rs);
  assert_int_equal(rs.handled_net, LANDLOCK_ACCESS_NET_CONNECT_TCP);
  assert_int_equal(rs.n_connect_ports, 2);
  cd_landlock_ruleset_clear(&rs);

  /* Before ABI 4 the net namespace and its bridge are the only enforcement. */
  lower_ok(plan, 3, true, &rs);
  assert_int_equal(rs.handled_net, 0);
  assert_int_equal(rs.n_connect_ports, 0);
  cd_landlock_ruleset_clear(&rs);
  cd_plan_free(plan);
}

int main(void) {
  const struct CMUnitTest lowering[] = {
      cmocka_unit_test(test_lower_degrades_by_abi),
      cmocka_unit_test(test_lower_namespaced),
      cmocka_unit_test(test_lower_fallback_refusals),
      cmocka_unit_test(test_lower_proxy),
  };
  return cmocka_run_group_tests_name("landlock lowering", lowering, NULL, NULL);
}
