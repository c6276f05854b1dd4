/* The plan as JSON (for `cordon explain --json` and the API) and as text. */
#include "policy/plan_json.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *const origin_names[] = {
    [CD_ORIGIN_USER] = "user",
    [CD_ORIGIN_PROTECTED] = "protected",
    [CD_ORIGIN_SECRET] = "secret",
    [CD_ORIGIN_STATE] = "state",
    [CD_ORIGIN_SOCKET] = "socket",
};

static json_object *string_array(const cd_strv *v) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; a && i < v->len; i++)
    json_object_array_add(a, json_object_new_string(v->items[i]));
  return a;
}

static json_object *kind_array(const cd_plan *plan, cd_plan_kind kind) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; a && i < plan->n_paths; i++)
    if (plan->paths[i].kind == kind)
      json_object_array_add(a, json_object_new_string(plan->paths[i].path));
  return a;
}

static json_object *network_object(const cd_plan_network *net) {
  json_object *o = json_object_new_object();
  json_object *ports = json_object_new_array();
  for (size_t i = 0; ports && i < net->n_proxy_ports; i++)
    json_object_array_add(ports, json_object_new_int(net->proxy_ports[i]));
  json_object_object_add(o, "mode", json_object_new_string(cd_network_name(net->mode)));
  json_object_object_add(o, "proxy_ports", ports);
  json_object_object_add(o, "allow_local_binding",
                         json_object_new_boolean(net->allow_local_binding));
  return o;
}

static json_object *env_object(const cd_strv *env_set) {
  json_object *o = json_object_new_object();
  for (size_t i = 0; o && i < env_set->len; i++) {
    const char *kv = env_set->items[i];
    const char *eq = strchr(kv, '=');
    char *name = strndup(kv, (size_t)(eq - kv));
    if (name)
      json_object_object_add(o, name, json_object_new_string(eq + 1));
    free(name);
  }
  return o;
}

/* Every path with its kind and why it is there: what a backend lowers. */
static json_object *paths_array(const cd_plan *plan) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; a && i < plan->n_paths; i++) {
    const cd_plan_path *p = &plan->paths[i];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "path", json_object_new_string(p->path));
    json_object_object_add(o, "kind", json_object_new_string(cd_plan_kind_name(p->kind)));
    json_object_object_add(o, "origin", json_object_new_string(origin_names[p->origin]));
    json_object_object_add(o, "dir", json_object_new_boolean(p->is_dir));
    json_object_array_add(a, o);
  }
  return a;
}

json_object *cd_plan_to_json_object(const cd_plan *plan) {
  json_object *o = json_object_new_object();
  if (!o)
    return NULL;
  json_object_object_add(o, "mode", json_object_new_string(cd_mode_name(plan->mode)));
  json_object_object_add(o, "cwd", json_object_new_string(plan->cwd));
  for (cd_plan_kind k = CD_PLAN_READABLE_ROOT; k <= CD_PLAN_DENY_READ; k++)
    json_object_object_add(o, cd_plan_kind_name(k), kind_array(plan, k));
  json_object_object_add(o, "create", string_array(&plan->create));
  json_object_object_add(o, "network", network_object(&plan->network));
  json_object_object_add(o, "env_set", env_object(&plan->env_set));
  json_object_object_add(o, "env_unset", string_array(&plan->env_unset));
  json_object_object_add(o, "paths", paths_array(plan));
  return o;
}

char *cordon_plan_to_json(const cordon_plan *plan) {
  json_object *o = cd_plan_to_json_object(plan);
  if (!o)
    return NULL;
  const char *text = json_object_to_json_string_ext(
      o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  char *copy = text ? strdup(text) : NULL;
  json_object_put(o);
  return copy;
}

static void print_kind(const cd_plan *plan, cd_plan_kind kind, const char *title, FILE *out) {
  fprintf(out, "%s:\n", title);
  bool any = false;
  for (size_t i = 0; i < plan->n_paths; i++) {
    const cd_plan_path *p = &plan->paths[i];
    if (p->kind != kind)
      continue;
    any = true;
    fprintf(out, "  %s%s", p->path, p->is_dir ? "" : " (file)");
    if (p->origin != CD_ORIGIN_USER)
      fprintf(out, "  [%s]", origin_names[p->origin]);
    fputc('\n', out);
  }
  if (!any)
    fputs("  (none)\n", out);
}

void cd_plan_print(const cd_plan *plan, FILE *out) {
  fprintf(out, "mode: %s\ncwd: %s\n", cd_mode_name(plan->mode), plan->cwd);
  if (plan->mode == CD_MODE_DANGER_FULL_ACCESS)
    fputs("no sandbox: the command runs with the caller's full access\n", out);
  print_kind(plan, CD_PLAN_READABLE_ROOT, "readable", out);
  print_kind(plan, CD_PLAN_WRITABLE_ROOT, "writable", out);
  print_kind(plan, CD_PLAN_DENY_WRITE, "read-only inside writable", out);
  print_kind(plan, CD_PLAN_DENY_READ, "hidden", out);
  if (plan->create.len) {
    fputs("created before start:\n", out);
    for (size_t i = 0; i < plan->create.len; i++)
      fprintf(out, "  %s\n", plan->create.items[i]);
  }
  fprintf(out, "network: %s", cd_network_name(plan->network.mode));
  for (size_t i = 0; i < plan->network.n_proxy_ports; i++)
    fprintf(out, "%s%u", i ? "," : " via loopback ports ", plan->network.proxy_ports[i]);
  if (plan->network.allow_local_binding)
    fputs(", local binding allowed", out);
  fputc('\n', out);
  for (size_t i = 0; i < plan->env_set.len; i++)
    fprintf(out, "env set: %s\n", plan->env_set.items[i]);
  for (size_t i = 0; i < plan->env_unset.len; i++)
    fprintf(out, "env unset: %s\n", plan->env_unset.items[i]);
}
