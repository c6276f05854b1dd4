#include "policy/policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static const char *const access_names[] = {
    [CD_ACCESS_NONE] = "none", [CD_ACCESS_READ] = "read", [CD_ACCESS_WRITE] = "write"};
static const char *const mode_names[] = {
    [CD_MODE_READ_ONLY] = "read-only",
    [CD_MODE_WORKSPACE_WRITE] = "workspace-write",
    [CD_MODE_DANGER_FULL_ACCESS] = "danger-full-access"};
static const char *const network_names[] = {
    [CD_NET_OFFLINE] = "offline", [CD_NET_PROXY] = "proxy", [CD_NET_ONLINE] = "online"};

static int lookup(const char *const *names, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0)
      return (int)i;
  return -1;
}

#define LOOKUP(names, name) lookup(names, sizeof names / sizeof names[0], name)

int cd_access_parse(const char *name, cd_access *out) {
  int i = LOOKUP(access_names, name);
  if (i < 0)
    return -1;
  *out = (cd_access)i;
  return 0;
}

int cd_mode_parse(const char *name, cd_mode *out) {
  int i = LOOKUP(mode_names, name);
  if (i < 0)
    return -1;
  *out = (cd_mode)i;
  return 0;
}

int cd_network_parse(const char *name, cd_network_mode *out) {
  int i = LOOKUP(network_names, name);
  if (i < 0)
    return -1;
  *out = (cd_network_mode)i;
  return 0;
}

const char *cd_access_name(cd_access a) { return access_names[a]; }
const char *cd_mode_name(cd_mode m) { return mode_names[m]; }
const char *cd_network_name(cd_network_mode n) { return network_names[n]; }

void cd_policy_init(cd_policy *p) {
  *p = (cd_policy){.mode = CD_MODE_WORKSPACE_WRITE, .network = CD_NET_OFFLINE};
}

void cd_policy_clear(cd_policy *p) {
  for (size_t i = 0; i < p->n_entries; i++) {
    free(p->entries[i].path);
    free(p->entries[i].source);
  }
  free(p->entries);
  free(p->proxy_ports);
  cd_strv_free(&p->protected_names);
  cd_strv_free(&p->keep_env);
  cd_policy_init(p);
}

int cd_policy_add_entry(cd_policy *p, const char *path, cd_access access, cd_layer layer,
                        const char *source, cordon_error *err) {
  if (path[0] == '\0')
    return cd_error_set(err, 0, "%s: empty path", source);
  cd_fs_entry *entries = realloc(p->entries, (p->n_entries + 1) * sizeof *entries);
  if (!entries)
    return cd_error_oom(err);
  p->entries = entries;
  /* The source goes into error messages: keep it short enough that the reason
   * after it is never cut off. */
  cd_fs_entry e = {
      .path = strdup(path), .access = access, .layer = layer, .source = strndup(source, 200)};
  if (!e.path || !e.source) {
    free(e.path);
    free(e.source);
    return cd_error_oom(err);
  }
  p->entries[p->n_entries++] = e;
  return 0;
}

int cd_policy_add_proxy_port(cd_policy *p, long port, const char *source, cordon_error *err) {
  if (port < 1 || port > 65535)
    return cd_error_set(err, 0, "%s: proxy port %ld is not in 1..65535", source, port);
  for (size_t i = 0; i < p->n_proxy_ports; i++)
    if (p->proxy_ports[i] == port)
      return 0;
  uint16_t *ports = realloc(p->proxy_ports, (p->n_proxy_ports + 1) * sizeof *ports);
  if (!ports)
    return cd_error_oom(err);
  p->proxy_ports = ports;
  p->proxy_ports[p->n_proxy_ports++] = (uint16_t)port;
  return 0;
}

/* The public API: thin wrappers over the above. */

cordon_policy *cordon_policy_new(void) {
  cd_policy *p = malloc(sizeof *p);
  if (p)
    cd_policy_init(p);
  return p;
}

void cordon_policy_free(cordon_policy *policy) {
  if (!policy)
    return;
  cd_policy_clear(policy);
  free(policy);
}

int cordon_policy_set_mode(cordon_policy *policy, const char *mode, cordon_error *err) {
  if (cd_mode_parse(mode, &policy->mode) < 0)
    return cd_error_set(err, 0,
                        "unknown mode '%s' (expected read-only, workspace-write or "
                        "danger-full-access)",
                        mode);
  return 0;
}

int cordon_policy_add_path(cordon_policy *policy, const char *path, const char *access,
                           cordon_error *err) {
  cd_access a;
  if (cd_access_parse(access, &a) < 0)
    return cd_error_set(err, 0, "%s: unknown access '%s' (expected read, write or none)",
                        path, access);
  return cd_policy_add_entry(policy, path, a, CD_LAYER_FLAGS, path, err);
}

int cordon_policy_set_network(cordon_policy *policy, const char *network, cordon_error *err) {
  if (cd_network_parse(network, &policy->network) < 0)
    return cd_error_set(err, 0, "unknown network '%s' (expected offline, proxy or online)",
                        network);
  policy->network_set = true;
  return 0;
}

int cordon_policy_add_proxy_port(cordon_policy *policy, long port, cordon_error *err) {
  return cd_policy_add_proxy_port(policy, port, "proxy port", err);
}

void cordon_policy_set_allow_local_binding(cordon_policy *policy, bool allow) {
  policy->allow_local_binding = allow;
}
