/* Network lowering: relay ports, firewall rules, WFP filters, and which runs get them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define SDDL_OFFLINE "O:LSD:(A;;CC;;;" SID_OFFLINE_USER ")"

static void test_relays(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_PROXY, "/ws");
  plan_add_proxy_port(plan, 3128);
  plan_add_proxy_port(plan, 8080);
  cd_win_relay relays[CD_WIN_RELAY_PORT_COUNT];
  size_t n = 99;
  cordon_error err = {0};
  assert_int_equal(cd_win_map_relays(&plan->network, relays, &n, &err), 0);
  assert_int_equal(n, 2);
  assert_int_equal(relays[0].proxy_port, 3128);
  assert_int_equal(relays[0].relay_port, 48620);
  assert_int_equal(relays[1].proxy_port, 8080);
  assert_int_equal(relays[1].relay_port, 48621);
  /* Not a proxy run: no relays. */
  plan->network.mode = CD_NET_OFFLINE;
  assert_int_equal(cd_win_map_relays(&plan->network, relays, &n, &err), 0);
  assert_int_equal(n, 0);
  cd_plan_free(plan);
}

static void test_relay_overflow(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_PROXY, "/ws");
  for (uint16_t p = 0; p < CD_WIN_RELAY_PORT_COUNT; p++)
    plan_add_proxy_port(plan, (uint16_t)(3000 + p));
  cd_win_relay relays[CD_WIN_RELAY_PORT_COUNT];
  size_t n;
  cordon_error err = {0};
  /* Exactly the range: fine, the last one on the last relay port. */
  assert_int_equal(cd_win_map_relays(&plan->network, relays, &n, &err), 0);
  assert_int_equal(n, CD_WIN_RELAY_PORT_COUNT);
  assert_int_equal(relays[n - 1].relay_port, 48629);
  /* One more: refused, naming the port that does not fit. */
  plan_add_proxy_port(plan, 9999);
  assert_int_equal(cd_win_map_relays(&plan->network, relays, &n, &err), -1);
  assert_string_equal(err.message, "proxy port 9999: the Windows sandbox relays at most 10 proxy "
                                   "ports (relay ports 48620-48629)");
  assert_int_equal(n, 0);
  cd_plan_free(plan);
}

static void test_relay_range_port_refused(void **state) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, CD_NET_PROXY, "/ws");
  plan_add_proxy_port(plan, 48625);
  cd_win_relay relays[CD_WIN_RELAY_PORT_COUNT];
  size_t n;
  cordon_error err = {0};
  assert_int_equal(cd_win_map_relays(&plan->network, relays, &n, &err), -1);
  assert_non_null(strstr(err.message, "proxy port 48625: it lies in cordon's relay port range"));
  cd_plan_free(plan);
}

static const cd_win_fw_rule *rule(const cd_win_fw_rule *rules, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rules[i].name, name) == 0)
      return &rules[i];
  return NULL;
}

#define LOOPBACK "127.0.0.0-127.255.255.255,::1"
#define NOT_LOOPBACK                                                                  \
  "0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

static void check_rule(const cd_win_fw_rule *r, cd_win_fw_direction dir, cd_win_fw_action action,
                       int protocol, const char *remote, const char *remote_ports) {
  assert_non_null(r);
  assert_int_equal(r->direction, dir);
  assert_int_equal(r->action, action);
  assert_int_equal(r->protocol, protocol);
  assert_string_equal(r->remote_addresses, remote);
  assert_string_equal(r->remote_ports, remote_ports);
  assert_string_equal(r->local_addresses, "*");
  assert_string_equal(r->user, "CordonSandboxOffline");
  assert_string_equal(r->local_user_sddl, SDDL_OFFLINE);
  assert_int_equal(r->profiles, 0x7FFFFFFF);
  assert_string_equal(r->grouping, "cordon");
}

static void test_firewall(void **state) {
  cd_win_fw_rule *rules;
  size_t n;
  cordon_error err = {0};
  assert_int_equal(cd_win_lower_firewall(false, SID_OFFLINE_USER, &rules, &n, &err), 0);
  assert_int_equal(n, 5);
  check_rule(rule(rules, n, "cordon-offline-block-out"), CD_WIN_FW_OUT, CD_WIN_FW_BLOCK, 256,
             NOT_LOOPBACK, "");
  check_rule(rule(rules, n, "cordon-offline-block-in"), CD_WIN_FW_IN, CD_WIN_FW_BLOCK, 256,
             NOT_LOOPBACK, "");
  check_rule(rule(rules, n, "cordon-offline-block-loopback-udp"), CD_WIN_FW_OUT, CD_WIN_FW_BLOCK,
             17, LOOPBACK, "*");
  /* Loopback TCP blocked on every port but the relay range... */
  check_rule(rule(rules, n, "cordon-offline-block-loopback-tcp"), CD_WIN_FW_OUT, CD_WIN_FW_BLOCK,
             6, LOOPBACK, "1-48619,48630-65535");
  /* ...which is allowed explicitly. */
  check_rule(rule(rules, n, "cordon-offline-allow-relay"), CD_WIN_FW_OUT, CD_WIN_FW_ALLOW, 6,
             LOOPBACK, "48620-48629");
  assert_string_equal(rule(rules, n, "cordon-offline-allow-relay")->local_ports, "*");
  assert_string_equal(rule(rules, n, "cordon-offline-block-out")->local_ports, "");
  free(rules);
}

static void test_firewall_local_binding(void **state) {
  cd_win_fw_rule *rules;
  size_t n;
  cordon_error err = {0};
  assert_int_equal(cd_win_lower_firewall(true, SID_OFFLINE_USER, &rules, &n, &err), 0);
  /* Exactly the loopback TCP block goes; loopback UDP and non-loopback stay blocked. */
  assert_int_equal(n, 4);
  assert_null(rule(rules, n, "cordon-offline-block-loopback-tcp"));
  assert_non_null(rule(rules, n, "cordon-offline-block-loopback-udp"));
  assert_non_null(rule(rules, n, "cordon-offline-block-out"));
  assert_non_null(rule(rules, n, "cordon-offline-block-in"));
  assert_non_null(rule(rules, n, "cordon-offline-allow-relay"));
  free(rules);
}

static void test_unknown_user_sid(void **state) {
  cd_win_fw_rule *rules;
  cd_win_wfp_filter *filters;
  size_t n, m;
  cordon_error err = {0};
  assert_int_equal(cd_win_lower_firewall(false, NULL, &rules, &n, &err), 0);
  assert_int_equal(cd_win_lower_wfp(NULL, &filters, &m, &err), 0);
  assert_string_equal(rules[0].local_user_sddl, "O:LSD:(A;;CC;;;<CordonSandboxOffline>)");
  assert_string_equal(filters[0].conditions[0].sddl, "O:LSD:(A;;CC;;;<CordonSandboxOffline>)");
  free(rules);
  free(filters);
}

static const char *guid(const cd_win_guid *g) {
  static char bufs[4][39];
  static int next;
  char *b = bufs[next++ % 4];
  cd_win_guid_format(g, b);
  return b;
}

static const char *const connect_v4 = "{c38d57d1-05a7-4c33-904f-7fbceee60e82}";
static const char *const connect_v6 = "{4a72393b-319f-44bc-84c3-ba54dcb3b6b4}";
static const char *const resource_v4 = "{1247d66d-0b60-4a15-8d44-7155d0f53a0c}";
static const char *const resource_v6 = "{55a650e1-5f0a-4eca-a653-88f53b26aa8c}";

/* The filter on LAYER_KEY whose second condition is FIELD == VALUE; exactly one. */
static const cd_win_wfp_filter *find_filter(const cd_win_wfp_filter *f, size_t n,
                                            const char *layer_key, const char *field,
                                            uint16_t value) {
  const cd_win_wfp_filter *found = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(guid(&f[i].layer_key), layer_key) == 0 &&
        strcmp(f[i].conditions[1].field, field) == 0 && f[i].conditions[1].value == value) {
      if (found)
        fail_msg("two filters on %s with %s=%u", layer_key, field, value);
      found = &f[i];
    }
  if (!found)
    fail_msg("no filter on %s with %s=%u", layer_key, field, value);
  return found;
}

static void test_wfp(void **state) {
  cd_win_wfp_filter *f;
  size_t n;
  cordon_error err = {0};
  assert_int_equal(cd_win_lower_wfp(SID_OFFLINE_USER, &f, &n, &err), 0);
  assert_int_equal(n, 12);
  const char *layers[][2] = {{connect_v4, "FWPM_LAYER_ALE_AUTH_CONNECT_V4"},
                             {connect_v6, "FWPM_LAYER_ALE_AUTH_CONNECT_V6"},
                             {resource_v4, "FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4"},
                             {resource_v6, "FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V6"}};
  /* ICMP on all four layers, ICMPv4 (1) on V4 and ICMPv6 (58) on V6. */
  for (size_t l = 0; l < 4; l++) {
    const cd_win_wfp_filter *x =
        find_filter(f, n, layers[l][0], "FWPM_CONDITION_IP_PROTOCOL", l % 2 ? 58 : 1);
    assert_string_equal(x->layer, layers[l][1]);
    assert_string_equal(guid(&x->conditions[1].field_key),
                        "{3971ef2b-623e-4f9a-8cb1-6e79b806b9a7}");
    assert_int_equal(x->conditions[1].type, CD_WIN_WFP_UINT8);
  }
  /* DNS, DNS over TLS, SMB and NetBIOS on both connect layers; no protocol
   * condition, so TCP and UDP alike. */
  static const uint16_t ports[] = {53, 853, 445, 139};
  for (size_t p = 0; p < 4; p++)
    for (size_t v = 0; v < 2; v++) {
      const cd_win_wfp_filter *x =
          find_filter(f, n, layers[v][0], "FWPM_CONDITION_IP_REMOTE_PORT", ports[p]);
      assert_int_equal(x->n_conditions, 2);
      assert_int_equal(x->conditions[1].type, CD_WIN_WFP_UINT16);
      assert_string_equal(guid(&x->conditions[1].field_key),
                          "{c35a604d-d22b-4e1a-91b4-68f674ee674b}");
    }
  for (size_t i = 0; i < n; i++) {
    /* Every filter: scoped to the offline user, blocking, persistent, stable key. */
    assert_string_equal(f[i].conditions[0].field, "FWPM_CONDITION_ALE_USER_ID");
    assert_string_equal(guid(&f[i].conditions[0].field_key),
                        "{af043a0a-b34d-4f86-979c-c90371af6e66}");
    assert_int_equal(f[i].conditions[0].type, CD_WIN_WFP_SECURITY_DESCRIPTOR_TYPE);
    assert_string_equal(f[i].conditions[0].sddl, SDDL_OFFLINE);
    assert_int_equal(f[i].conditions[0].match, 0);
    assert_int_equal(f[i].action, 0x1001);
    assert_int_equal(f[i].weight, 15);
    assert_int_equal(f[i].flags, 1);
    for (size_t j = 0; j < i; j++) {
      assert_string_not_equal(guid(&f[i].key), guid(&f[j].key));
      assert_string_not_equal(f[i].name, f[j].name);
    }
  }
  assert_string_equal(guid(&f[0].key), "{a3529681-f3ed-4a2b-9196-a9a6ff32fb01}");
  free(f);
  /* The same keys every time: the apply layer finds its filters by key. */
  cd_win_wfp_filter *again;
  assert_int_equal(cd_win_lower_wfp(NULL, &again, &n, &err), 0);
  assert_string_equal(guid(&again[11].key), "{a3529681-f3ed-4a2b-9196-a9a6ff32fb0c}");
  free(again);
}

/* Per mode: offline and proxy runs carry the offline user's rules and filters,
 * online runs none. */
static void check_mode(cd_network_mode net, bool local_binding, size_t rules, size_t filters,
                       size_t relays) {
  cd_plan *plan = plan_new(CD_MODE_WORKSPACE_WRITE, net, "/ws");
  plan_add(plan, "/", CD_PLAN_READABLE_ROOT, true);
  plan_add(plan, "/ws", CD_PLAN_WRITABLE_ROOT, true);
  plan->network.allow_local_binding = local_binding;
  if (net == CD_NET_PROXY)
    plan_add_proxy_port(plan, 3128);
  cd_win_cap_sids caps;
  caps_fixed(&caps, "/ws");
  cd_win_lower_input in = {
      .variant = CD_WIN_ELEVATED, .caps = &caps, .offline_user_sid = SID_OFFLINE_USER};
  cd_win_ops ops;
  cordon_error err = {0};
  if (cd_win_lower(plan, &in, &ops, &err) < 0)
    fail_msg("%s", err.message);
  assert_int_equal(ops.n_fw_rules, rules);
  assert_int_equal(ops.n_wfp_filters, filters);
  assert_int_equal(ops.n_relays, relays);
  cd_win_ops_clear(&ops);
  cd_win_cap_sids_clear(&caps);
  cd_plan_free(plan);
}

static void test_per_mode(void **state) {
  check_mode(CD_NET_OFFLINE, false, 5, 12, 0);
  check_mode(CD_NET_OFFLINE, true, 4, 12, 0);
  check_mode(CD_NET_PROXY, false, 5, 12, 1);
  check_mode(CD_NET_PROXY, true, 4, 12, 1);
  check_mode(CD_NET_ONLINE, false, 0, 0, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_relays),          cmocka_unit_test(test_relay_overflow),
      cmocka_unit_test(test_relay_range_port_refused),
      cmocka_unit_test(test_firewall),        cmocka_unit_test(test_firewall_local_binding),
      cmocka_unit_test(test_unknown_user_sid), cmocka_unit_test(test_wfp),
      cmocka_unit_test(test_per_mode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
