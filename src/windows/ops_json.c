/* The Windows ops as JSON and as text. */
#include "windows/ops_json.h"

#include <string.h>

/* The masks cordon writes, by their Win32 names. */
static const char *mask_name(uint32_t mask) {
  static const struct {
    uint32_t mask;
    const char *name;
  } names[] = {
      {CD_WIN_MASK_READ, "FILE_GENERIC_READ|FILE_GENERIC_EXECUTE"},
      {CD_WIN_MASK_WRITE, "FILE_GENERIC_READ|FILE_GENERIC_WRITE|FILE_GENERIC_EXECUTE"},
      {CD_WIN_DELETE, "DELETE"},
      {CD_WIN_MASK_DENY_WRITE, "FILE_WRITE_DATA|FILE_APPEND_DATA|FILE_WRITE_EA|"
                               "FILE_WRITE_ATTRIBUTES|FILE_DELETE_CHILD|DELETE|WRITE_DAC|"
                               "WRITE_OWNER"},
      {CD_WIN_MASK_DENY_ALL, "FILE_ALL_ACCESS"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].mask == mask)
      return names[i].name;
  return "";
}

/* icacls' notation: "OI|CI|IO", "" for none. */
static void inheritance_text(uint32_t flags, char buf[16]) {
  snprintf(buf, 16, "%s%s%s", flags & CD_WIN_OBJECT_INHERIT_ACE ? "OI" : "",
           flags & CD_WIN_CONTAINER_INHERIT_ACE ? "|CI" : "",
           flags & CD_WIN_INHERIT_ONLY_ACE ? "|IO" : "");
}

static void hex(uint32_t v, char buf[11]) { snprintf(buf, 11, "0x%08x", (unsigned)v); }

static const struct {
  uint32_t flag;
  const char *name;
} token_flags[] = {
    {CD_WIN_DISABLE_MAX_PRIVILEGE, "DISABLE_MAX_PRIVILEGE"},
    {CD_WIN_LUA_TOKEN, "LUA_TOKEN"},
    {CD_WIN_WRITE_RESTRICTED, "WRITE_RESTRICTED"},
};
#define N_TOKEN_FLAGS (sizeof token_flags / sizeof token_flags[0])

static const char *variant_name(cd_win_variant v) {
  return v == CD_WIN_ELEVATED ? "elevated" : "unelevated";
}

static void add_str(json_object *o, const char *key, const char *value) {
  json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

static void add_guid(json_object *o, const char *key, const cd_win_guid *guid) {
  char text[39];
  cd_win_guid_format(guid, text);
  add_str(o, key, text);
}

static json_object *caps_json(const cd_win_ops *ops) {
  json_object *a = json_object_new_array();
  for (cd_win_cap c = 0; c < CD_WIN_CAP_COUNT; c++) {
    if (!(ops->caps_used & (1u << c)))
      continue;
    json_object *o = json_object_new_object();
    add_str(o, "role", cd_win_cap_name(c));
    add_str(o, "sid", ops->caps.sid[c]);
    if (c == CD_WIN_CAP_WORKSPACE)
      add_str(o, "workspace_root", ops->caps.workspace_root);
    json_object_array_add(a, o);
  }
  return a;
}

static json_object *identity_json(const cd_win_identity *id) {
  json_object *o = json_object_new_object();
  add_str(o, "variant", variant_name(id->variant));
  add_str(o, "user", id->user);
  add_str(o, "group", id->group);
  add_str(o, "reason", id->reason);
  return o;
}

static const char *token_sid_kind(cd_win_token_sid_kind kind) {
  static const char *const names[] = {
      [CD_WIN_TOKEN_LOGON] = "logon",
      [CD_WIN_TOKEN_EVERYONE] = "everyone",
      [CD_WIN_TOKEN_CAP] = "capability",
      [CD_WIN_TOKEN_SANDBOX_USER] = "sandbox_user",
  };
  return names[kind];
}

static json_object *token_json(const cd_win_token *t, const cd_win_identity *id) {
  json_object *o = json_object_new_object();
  json_object *flags = json_object_new_array();
  for (size_t i = 0; i < N_TOKEN_FLAGS; i++)
    if (t->flags & token_flags[i].flag)
      json_object_array_add(flags, json_object_new_string(token_flags[i].name));
  json_object_object_add(o, "flags", flags);
  json_object *sids = json_object_new_array();
  for (size_t i = 0; i < t->n_sids; i++) {
    const cd_win_token_sid *s = &t->sids[i];
    json_object *e = json_object_new_object();
    add_str(e, "kind", token_sid_kind(s->kind));
    if (s->kind == CD_WIN_TOKEN_CAP)
      add_str(e, "role", cd_win_cap_name(s->cap));
    if (s->kind == CD_WIN_TOKEN_SANDBOX_USER)
      add_str(e, "account", id->user);
    add_str(e, "sid", s->sid[0] ? s->sid : NULL);
    json_object_array_add(sids, e);
  }
  json_object_object_add(o, "restricting_sids", sids);
  return o;
}

static json_object *ace_json(const cd_win_ace *a) {
  json_object *o = json_object_new_object();
  char mask[11], inherit[16];
  hex(a->mask, mask);
  inheritance_text(a->inheritance, inherit);
  add_str(o, "path", a->path);
  add_str(o, "type", a->type == CD_WIN_ACE_ALLOW ? "allow" : "deny");
  if (a->trustee == CD_WIN_TRUSTEE_CAP) {
    add_str(o, "trustee", "capability");
    add_str(o, "role", cd_win_cap_name(a->cap));
    add_str(o, "sid", a->sid);
  } else {
    add_str(o, "trustee", "group");
    add_str(o, "account", CD_WIN_GROUP);
  }
  add_str(o, "mask", mask);
  add_str(o, "rights", mask_name(a->mask));
  add_str(o, "inheritance", inherit);
  json_object_object_add(o, "deferred", json_object_new_boolean(a->deferred));
  add_str(o, "why", cd_win_ace_why_name(a->why));
  return o;
}

static const char *protocol_name(int protocol) {
  return protocol == CD_WIN_FW_PROTO_TCP   ? "tcp"
         : protocol == CD_WIN_FW_PROTO_UDP ? "udp"
                                           : "any";
}

static json_object *fw_rule_json(const cd_win_fw_rule *r) {
  json_object *o = json_object_new_object();
  add_str(o, "name", r->name);
  add_str(o, "description", r->description);
  add_str(o, "direction", r->direction == CD_WIN_FW_IN ? "in" : "out");
  add_str(o, "action", r->action == CD_WIN_FW_BLOCK ? "block" : "allow");
  json_object_object_add(o, "protocol", json_object_new_int(r->protocol));
  add_str(o, "local_addresses", r->local_addresses);
  add_str(o, "remote_addresses", r->remote_addresses);
  add_str(o, "local_ports", r->local_ports);
  add_str(o, "remote_ports", r->remote_ports);
  add_str(o, "user", r->user);
  add_str(o, "local_user_sddl", r->local_user_sddl);
  json_object_object_add(o, "profiles", json_object_new_int(r->profiles));
  add_str(o, "grouping", r->grouping);
  return o;
}

static json_object *wfp_filter_json(const cd_win_wfp_filter *f) {
  json_object *o = json_object_new_object();
  add_str(o, "name", f->name);
  add_guid(o, "key", &f->key);
  add_str(o, "layer", f->layer);
  add_guid(o, "layer_key", &f->layer_key);
  add_guid(o, "provider_key", &cd_win_wfp_provider_key);
  add_guid(o, "sublayer_key", &cd_win_wfp_sublayer_key);
  add_str(o, "action", "block");
  json_object_object_add(o, "weight", json_object_new_int(f->weight));
  json_object_object_add(o, "persistent",
                         json_object_new_boolean(f->flags & CD_WIN_FWPM_FILTER_FLAG_PERSISTENT));
  json_object *conds = json_object_new_array();
  for (size_t i = 0; i < f->n_conditions; i++) {
    const cd_win_wfp_condition *c = &f->conditions[i];
    json_object *e = json_object_new_object();
    add_str(e, "field", c->field);
    add_guid(e, "field_key", &c->field_key);
    add_str(e, "match", "equal");
    if (c->type == CD_WIN_WFP_SECURITY_DESCRIPTOR_TYPE) {
      add_str(e, "type", "security_descriptor");
      add_str(e, "sddl", c->sddl);
    } else {
      add_str(e, "type", c->type == CD_WIN_WFP_UINT8 ? "uint8" : "uint16");
      json_object_object_add(e, "value", json_object_new_int(c->value));
    }
    json_object_array_add(conds, e);
  }
  json_object_object_add(o, "conditions", conds);
  return o;
}

json_object *cd_win_ops_to_json(const cd_win_ops *ops) {
  json_object *o = json_object_new_object();
  if (!o)
    return NULL;
  json_object_object_add(o, "setup_version", json_object_new_int(ops->setup_version));
  json_object_object_add(o, "unsandboxed", json_object_new_boolean(ops->unsandboxed));
  json_object_object_add(o, "capability_sids", caps_json(ops));
  json_object_object_add(o, "identity", ops->unsandboxed ? NULL : identity_json(&ops->identity));
  json_object_object_add(o, "token",
                         ops->unsandboxed ? NULL : token_json(&ops->token, &ops->identity));
  json_object *aces = json_object_new_array();
  for (size_t i = 0; i < ops->n_aces; i++)
    json_object_array_add(aces, ace_json(&ops->aces[i]));
  json_object_object_add(o, "aces", aces);
  json_object *create = json_object_new_array();
  for (size_t i = 0; i < ops->create.len; i++)
    json_object_array_add(create, json_object_new_string(ops->create.items[i]));
  json_object_object_add(o, "create", create);
  json_object *relays = json_object_new_array();
  for (size_t i = 0; i < ops->n_relays; i++) {
    json_object *e = json_object_new_object();
    json_object_object_add(e, "proxy_port", json_object_new_int(ops->relays[i].proxy_port));
    json_object_object_add(e, "relay_port", json_object_new_int(ops->relays[i].relay_port));
    json_object_array_add(relays, e);
  }
  json_object_object_add(o, "relay_ports", relays);
  json_object *rules = json_object_new_array();
  for (size_t i = 0; i < ops->n_fw_rules; i++)
    json_object_array_add(rules, fw_rule_json(&ops->fw_rules[i]));
  json_object_object_add(o, "firewall_rules", rules);
  json_object *filters = json_object_new_array();
  for (size_t i = 0; i < ops->n_wfp_filters; i++)
    json_object_array_add(filters, wfp_filter_json(&ops->wfp_filters[i]));
  json_object_object_add(o, "wfp_filters", filters);
  return o;
}

static void print_token(const cd_win_ops *ops, FILE *out) {
  const cd_win_token *t = &ops->token;
  fputs("token: restricted (", out);
  for (size_t i = 0, n = 0; i < N_TOKEN_FLAGS; i++)
    if (t->flags & token_flags[i].flag)
      fprintf(out, "%s%s", n++ ? "|" : "", token_flags[i].name);
  fputs("), restricting SIDs:\n", out);
  for (size_t i = 0; i < t->n_sids; i++) {
    const cd_win_token_sid *s = &t->sids[i];
    switch (s->kind) {
    case CD_WIN_TOKEN_LOGON:
      fputs("  the logon session SID\n", out);
      break;
    case CD_WIN_TOKEN_EVERYONE:
      fprintf(out, "  Everyone %s\n", s->sid);
      break;
    case CD_WIN_TOKEN_CAP:
      fprintf(out, "  %s %s\n", cd_win_cap_name(s->cap), s->sid);
      break;
    case CD_WIN_TOKEN_SANDBOX_USER:
      fprintf(out, "  the SID of %s\n", ops->identity.user);
      break;
    }
  }
}

static void print_aces(const cd_win_ops *ops, FILE *out) {
  fputs("ACEs, in apply order:\n", out);
  if (!ops->n_aces)
    fputs("  (none)\n", out);
  for (size_t i = 0; i < ops->n_aces; i++) {
    const cd_win_ace *a = &ops->aces[i];
    char mask[11], inherit[16];
    hex(a->mask, mask);
    inheritance_text(a->inheritance, inherit);
    fprintf(out, "  %-5s %-9s %s %-8s %s  [%s%s]\n", a->type == CD_WIN_ACE_ALLOW ? "allow" : "deny",
            a->trustee == CD_WIN_TRUSTEE_CAP ? cd_win_cap_name(a->cap) : "group", mask,
            inherit[0] ? inherit : "-", a->path, cd_win_ace_why_name(a->why),
            a->deferred ? ", deferred" : "");
  }
}

static void print_network(const cd_win_ops *ops, FILE *out) {
  for (size_t i = 0; i < ops->n_relays; i++)
    fprintf(out, "relay: proxy port %u reached at 127.0.0.1:%u\n", ops->relays[i].proxy_port,
            ops->relays[i].relay_port);
  if (!ops->n_fw_rules) {
    fputs("firewall rules: none (online)\n", out);
    return;
  }
  fprintf(out, "firewall rules (user %s, %s, all profiles):\n", ops->fw_rules[0].user,
          ops->fw_rules[0].local_user_sddl);
  for (size_t i = 0; i < ops->n_fw_rules; i++) {
    const cd_win_fw_rule *r = &ops->fw_rules[i];
    fprintf(out, "  %-34s %-3s %-5s %-3s remote %s%s%s\n", r->name,
            r->direction == CD_WIN_FW_IN ? "in" : "out",
            r->action == CD_WIN_FW_BLOCK ? "block" : "allow", protocol_name(r->protocol),
            r->remote_addresses, r->remote_ports[0] ? " ports " : "", r->remote_ports);
  }
  char provider[39], sublayer[39];
  cd_win_guid_format(&cd_win_wfp_provider_key, provider);
  cd_win_guid_format(&cd_win_wfp_sublayer_key, sublayer);
  fprintf(out, "WFP filters (block, persistent, user %s; provider %s, sublayer %s):\n",
          CD_WIN_USER_OFFLINE, provider, sublayer);
  for (size_t i = 0; i < ops->n_wfp_filters; i++) {
    const cd_win_wfp_filter *f = &ops->wfp_filters[i];
    const cd_win_wfp_condition *c = &f->conditions[1];
    char key[39];
    cd_win_guid_format(&f->key, key);
    char match[48];
    snprintf(match, sizeof match, "%s=%u", c->field + strlen("FWPM_CONDITION_"), c->value);
    fprintf(out, "  %-34s %-38s %-18s %s\n", f->name, f->layer, match, key);
  }
}

void cd_win_ops_print(const cd_win_ops *ops, FILE *out) {
  fprintf(out, "setup version: %d\n", ops->setup_version);
  if (ops->unsandboxed) {
    fputs("no sandbox: the command runs with the caller's full access\n", out);
    return;
  }
  const cd_win_identity *id = &ops->identity;
  fprintf(out, "identity: %s (%s), group %s\n  %s\n", id->user ? id->user : "the caller",
          variant_name(id->variant), id->group, id->reason);
  fputs("capability SIDs:\n", out);
  for (cd_win_cap c = 0; c < CD_WIN_CAP_COUNT; c++)
    if (ops->caps_used & (1u << c))
      fprintf(out, "  %-9s %s%s%s\n", cd_win_cap_name(c), ops->caps.sid[c],
              c == CD_WIN_CAP_WORKSPACE ? "  " : "",
              c == CD_WIN_CAP_WORKSPACE ? ops->caps.workspace_root : "");
  print_token(ops, out);
  for (size_t i = 0; i < ops->create.len; i++)
    fprintf(out, "created before the ACEs: %s\n", ops->create.items[i]);
  print_aces(ops, out);
  print_network(ops, out);
}
