/* Network: proxy ports -> relay ports, and the offline user's firewall rules and
 * WFP filters.
 *
 * The rules and filters depend on nothing but the relay range, allow_local_binding
 * and the offline user's SID: the elevated setup installs them once, and a run
 * checks that what is installed is what it needs (a new proxy port changes no rule,
 * since proxy ports are reached through the fixed relay range). */
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "windows/ops.h"

#define RELAY_LAST (CD_WIN_RELAY_PORT_BASE + CD_WIN_RELAY_PORT_COUNT - 1)

int cd_win_map_relays(const cd_plan_network *net, cd_win_relay out[CD_WIN_RELAY_PORT_COUNT],
                      size_t *n, cordon_error *err) {
  *n = 0;
  if (net->mode != CD_NET_PROXY)
    return 0;
  for (size_t i = 0; i < net->n_proxy_ports; i++) {
    uint16_t port = net->proxy_ports[i];
    /* The relay for another port would have to listen where this proxy listens. */
    if (port >= CD_WIN_RELAY_PORT_BASE && port <= RELAY_LAST)
      return cd_error_set(err, 0, "proxy port %u: it lies in cordon's relay port range %d-%d",
                          port, CD_WIN_RELAY_PORT_BASE, RELAY_LAST);
    /* The firewall admits only the relay range: a port beyond it could not be
     * reached, and widening the range would need a new elevated setup. */
    if (i == CD_WIN_RELAY_PORT_COUNT)
      return cd_error_set(err, 0,
                          "proxy port %u: the Windows sandbox relays at most %d proxy ports "
                          "(relay ports %d-%d)",
                          port, CD_WIN_RELAY_PORT_COUNT, CD_WIN_RELAY_PORT_BASE, RELAY_LAST);
    out[i] = (cd_win_relay){.proxy_port = port,
                            .relay_port = (uint16_t)(CD_WIN_RELAY_PORT_BASE + i)};
  }
  *n = net->n_proxy_ports;
  return 0;
}

/* Loopback, and everything else. "::" (unspecified) is left out of the IPv6 part:
 * it is no destination a connection can reach. */
#define LOOPBACK "127.0.0.0-127.255.255.255,::1"
#define NOT_LOOPBACK                                                                  \
  "0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,"                                \
  "::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

static cd_win_fw_rule rule(const char *name, const char *description, cd_win_fw_direction dir,
                           cd_win_fw_action action, int protocol, const char *remote,
                           const char *remote_ports, const char *sddl) {
  cd_win_fw_rule r = {.description = description,
                      .direction = dir,
                      .action = action,
                      .protocol = protocol,
                      .user = CD_WIN_USER_OFFLINE,
                      .profiles = CD_WIN_FW_PROFILES_ALL,
                      .grouping = CD_WIN_FW_GROUPING};
  snprintf(r.name, sizeof r.name, "%s", name);
  snprintf(r.local_addresses, sizeof r.local_addresses, "*");
  snprintf(r.remote_addresses, sizeof r.remote_addresses, "%s", remote);
  /* Ports exist only for TCP and UDP; INetFwRule refuses them otherwise. */
  if (protocol != CD_WIN_FW_PROTO_ANY) {
    snprintf(r.local_ports, sizeof r.local_ports, "*");
    snprintf(r.remote_ports, sizeof r.remote_ports, "%s", remote_ports);
  }
  snprintf(r.local_user_sddl, sizeof r.local_user_sddl, "%s", sddl);
  return r;
}

int cd_win_lower_firewall(bool allow_local_binding, const char *offline_user_sid,
                          cd_win_fw_rule **out, size_t *n, cordon_error *err) {
  *out = NULL;
  *n = 0;
  cd_win_fw_rule *rules = calloc(5, sizeof *rules);
  if (!rules)
    return cd_error_oom(err);
  char sddl[CD_WIN_SDDL_MAX], relay[32], not_relay[32];
  cd_win_user_sddl(offline_user_sid, CD_WIN_USER_OFFLINE, sddl);
  snprintf(relay, sizeof relay, "%d-%d", CD_WIN_RELAY_PORT_BASE, RELAY_LAST);
  snprintf(not_relay, sizeof not_relay, "1-%d,%d-65535", CD_WIN_RELAY_PORT_BASE - 1,
           RELAY_LAST + 1);
  size_t k = 0;
  /* Windows Firewall applies block rules before allow rules whatever their order,
   * so exceptions are made by leaving ports out of a block rule, never by an allow. */
  rules[k++] = rule("cordon-offline-block-out", "cordon: no network beyond loopback",
                    CD_WIN_FW_OUT, CD_WIN_FW_BLOCK, CD_WIN_FW_PROTO_ANY, NOT_LOOPBACK, "", sddl);
  /* Offline means no network either way: a listener reachable from the LAN is a
   * channel as much as an outgoing connection. */
  rules[k++] = rule("cordon-offline-block-in", "cordon: nothing from beyond loopback",
                    CD_WIN_FW_IN, CD_WIN_FW_BLOCK, CD_WIN_FW_PROTO_ANY, NOT_LOOPBACK, "", sddl);
  /* Loopback UDP would reach the host's DNS resolvers and other local services. */
  rules[k++] = rule("cordon-offline-block-loopback-udp", "cordon: no loopback UDP",
                    CD_WIN_FW_OUT, CD_WIN_FW_BLOCK, CD_WIN_FW_PROTO_UDP, LOOPBACK, "*", sddl);
  /* Windows has one loopback for the whole machine, so "listen on its own
   * loopback" cannot be told apart from "reach the host's loopback services": with
   * allow_local_binding the offline user may open TCP connections to every loopback
   * port (127.0.0.0/8 and ::1), including other programs' local servers. Loopback
   * UDP and everything beyond loopback stay blocked. */
  if (!allow_local_binding)
    rules[k++] = rule("cordon-offline-block-loopback-tcp",
                      "cordon: loopback TCP only to the relay ports", CD_WIN_FW_OUT,
                      CD_WIN_FW_BLOCK, CD_WIN_FW_PROTO_TCP, LOOPBACK, not_relay, sddl);
  /* Explicit, for machines whose policy blocks outbound connections by default. */
  rules[k++] = rule("cordon-offline-allow-relay", "cordon: the proxy relay ports",
                    CD_WIN_FW_OUT, CD_WIN_FW_ALLOW, CD_WIN_FW_PROTO_TCP, LOOPBACK, relay, sddl);
  *out = rules;
  *n = k;
  return 0;
}

const cd_win_guid cd_win_wfp_provider_key = {
    0x239d41ab, 0xf3d9, 0x4764, {0x94, 0x1c, 0x38, 0x68, 0x14, 0xf0, 0xdd, 0x00}};
const cd_win_guid cd_win_wfp_sublayer_key = {
    0x6837d0a2, 0x2d2b, 0x4164, {0x9e, 0x4c, 0x19, 0x9e, 0x29, 0x23, 0xe7, 0x4b}};

typedef struct named_guid {
  const char *name;
  cd_win_guid key;
} named_guid;

/* fwpmu.h */
static const named_guid connect_v4 = {
    "FWPM_LAYER_ALE_AUTH_CONNECT_V4",
    {0xc38d57d1, 0x05a7, 0x4c33, {0x90, 0x4f, 0x7f, 0xbc, 0xee, 0xe6, 0x0e, 0x82}}};
static const named_guid connect_v6 = {
    "FWPM_LAYER_ALE_AUTH_CONNECT_V6",
    {0x4a72393b, 0x319f, 0x44bc, {0x84, 0xc3, 0xba, 0x54, 0xdc, 0xb3, 0xb6, 0xb4}}};
static const named_guid resource_v4 = {
    "FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4",
    {0x1247d66d, 0x0b60, 0x4a15, {0x8d, 0x44, 0x71, 0x55, 0xd0, 0xf5, 0x3a, 0x0c}}};
static const named_guid resource_v6 = {
    "FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V6",
    {0x55a650e1, 0x5f0a, 0x4eca, {0xa6, 0x53, 0x88, 0xf5, 0x3b, 0x26, 0xaa, 0x8c}}};
static const named_guid cond_protocol = {
    "FWPM_CONDITION_IP_PROTOCOL",
    {0x3971ef2b, 0x623e, 0x4f9a, {0x8c, 0xb1, 0x6e, 0x79, 0xb8, 0x06, 0xb9, 0xa7}}};
static const named_guid cond_remote_port = {
    "FWPM_CONDITION_IP_REMOTE_PORT",
    {0xc35a604d, 0xd22b, 0x4e1a, {0x91, 0xb4, 0x68, 0xf6, 0x74, 0xee, 0x67, 0x4b}}};
static const named_guid cond_user = {
    "FWPM_CONDITION_ALE_USER_ID",
    {0xaf043a0a, 0xb34d, 0x4f86, {0x97, 0x9c, 0xc9, 0x03, 0x71, 0xaf, 0x6e, 0x66}}};

#define IPPROTO_ICMP_V4 1
#define IPPROTO_ICMP_V6 58

/* Filter keys: this base with the filter's number in the last byte. Numbers are
 * never reused for another filter, so a key names the same filter on every machine
 * and every version. */
static const cd_win_guid filter_key_base = {
    0xa3529681, 0xf3ed, 0x4a2b, {0x91, 0x96, 0xa9, 0xa6, 0xff, 0x32, 0xfb, 0x00}};

static cd_win_wfp_condition condition(const named_guid *field, cd_win_wfp_value_type type,
                                      uint16_t value) {
  return (cd_win_wfp_condition){.field = field->name,
                                .field_key = field->key,
                                .match = CD_WIN_FWP_MATCH_EQUAL,
                                .type = type,
                                .value = value};
}

static cd_win_wfp_filter filter(uint8_t number, const char *what, const named_guid *layer,
                                cd_win_wfp_condition match, const char *user_sddl) {
  cd_win_wfp_filter f = {.key = filter_key_base,
                         .layer = layer->name,
                         .layer_key = layer->key,
                         .action = CD_WIN_FWP_ACTION_BLOCK,
                         .weight = CD_WIN_WFP_FILTER_WEIGHT,
                         .flags = CD_WIN_FWPM_FILTER_FLAG_PERSISTENT};
  f.key.data4[7] = number;
  snprintf(f.name, sizeof f.name, "cordon-%s-%s", what,
           layer == &connect_v4 || layer == &connect_v6 ? "connect" : "resource-assignment");
  /* Scoped to the offline user: the filters must not touch anyone else's traffic. */
  f.conditions[0] = condition(&cond_user, CD_WIN_WFP_SECURITY_DESCRIPTOR_TYPE, 0);
  snprintf(f.conditions[0].sddl, sizeof f.conditions[0].sddl, "%s", user_sddl);
  f.conditions[1] = match;
  f.n_conditions = 2;
  return f;
}

/* Defence in depth under the firewall rules, which a policy or a stopped firewall
 * service could switch off:
 *  - ICMP on the connect and the resource-assignment layers of both IP versions:
 *    ping-style reachability and tunnels; resource assignment also catches the raw
 *    sockets ICMP helpers open;
 *  - DNS (53), DNS over TLS (853), SMB (445) and NetBIOS session (139) on the
 *    connect layers of both IP versions, loopback included: with no protocol
 *    condition, each filter blocks TCP and UDP alike. */
int cd_win_lower_wfp(const char *offline_user_sid, cd_win_wfp_filter **out, size_t *n,
                     cordon_error *err) {
  static const uint16_t ports[] = {53, 853, 445, 139};
  static const named_guid *const connect_layers[] = {&connect_v4, &connect_v6};
  static const struct {
    const named_guid *layer;
    uint8_t protocol;
    const char *what;
  } icmp[] = {
      {&connect_v4, IPPROTO_ICMP_V4, "icmp-v4"},
      {&connect_v6, IPPROTO_ICMP_V6, "icmp-v6"},
      {&resource_v4, IPPROTO_ICMP_V4, "icmp-v4"},
      {&resource_v6, IPPROTO_ICMP_V6, "icmp-v6"},
  };
  enum { N_ICMP = sizeof icmp / sizeof icmp[0], N_PORTS = sizeof ports / sizeof ports[0] };
  *out = NULL;
  *n = 0;
  cd_win_wfp_filter *filters = calloc(N_ICMP + 2 * N_PORTS, sizeof *filters);
  if (!filters)
    return cd_error_oom(err);
  char sddl[CD_WIN_SDDL_MAX];
  cd_win_user_sddl(offline_user_sid, CD_WIN_USER_OFFLINE, sddl);
  size_t k = 0;
  for (size_t i = 0; i < N_ICMP; i++, k++)
    filters[k] = filter((uint8_t)(k + 1), icmp[i].what, icmp[i].layer,
                        condition(&cond_protocol, CD_WIN_WFP_UINT8, icmp[i].protocol), sddl);
  for (size_t p = 0; p < N_PORTS; p++)
    for (size_t v = 0; v < 2; v++, k++) {
      char what[32];
      snprintf(what, sizeof what, "port%u-v%c", ports[p], v ? '6' : '4');
      filters[k] = filter((uint8_t)(k + 1), what, connect_layers[v],
                          condition(&cond_remote_port, CD_WIN_WFP_UINT16, ports[p]), sddl);
    }
  *out = filters;
  *n = k;
  return 0;
}
