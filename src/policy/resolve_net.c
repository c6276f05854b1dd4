/* Network part of the resolver: the mode and, in proxy mode, the proxy ports. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/resolve.h"

const char *cd_env_get(char *const envp[], const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; envp && envp[i]; i++)
    if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
      return envp[i] + n + 1;
  return NULL;
}

/* The sandbox can reach nothing but the host's loopback, so only a proxy there
 * can be honoured. */
static bool host_is_loopback(const char *host) {
  if (strcasecmp(host, "localhost") == 0)
    return true;
  struct in_addr v4;
  if (inet_pton(AF_INET, host, &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  struct in6_addr v6;
  return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

static long default_port(const char *scheme, size_t len) {
  if (len == 5 && strncasecmp(scheme, "https", 5) == 0)
    return 443;
  if (len >= 5 && strncasecmp(scheme, "socks", 5) == 0)
    return 1080;
  return 80;
}

/* Parse "[scheme://][user[:pass]@]host[:port][/...]" into its host and port. */
static int parse_proxy_url(const char *name, const char *url, char **host_out, long *port_out,
                           cordon_error *err) {
  const char *p = url;
  const char *scheme = "http";
  size_t scheme_len = 4;
  const char *sep = strstr(p, "://");
  if (sep) {
    scheme = p;
    scheme_len = (size_t)(sep - p);
    p = sep + 3;
  }
  size_t authority_len = strcspn(p, "/?#");
  const char *at = memrchr(p, '@', authority_len);
  if (at) {
    authority_len -= (size_t)(at + 1 - p);
    p = at + 1;
  }
  const char *host = p, *host_end, *port = NULL;
  if (*p == '[') {
    host = p + 1;
    host_end = memchr(host, ']', authority_len);
    if (!host_end)
      return cd_error_set(err, 0, "%s='%s': unterminated '[' in the host", name, url);
    if (host_end + 1 < p + authority_len && host_end[1] == ':')
      port = host_end + 2;
  } else {
    host_end = memchr(p, ':', authority_len);
    if (host_end)
      port = host_end + 1;
    else
      host_end = p + authority_len;
  }
  long value = default_port(scheme, scheme_len);
  if (port) {
    char *end;
    value = strtol(port, &end, 10);
    if (end == port || end != p + authority_len || value < 1 || value > 65535)
      return cd_error_set(err, 0, "%s='%s': bad port", name, url);
  }
  if (host_end == host)
    return cd_error_set(err, 0, "%s='%s': no host", name, url);
  *host_out = strndup(host, (size_t)(host_end - host));
  if (!*host_out)
    return cd_error_oom(err);
  *port_out = value;
  return 0;
}

static int add_port(cd_plan_network *net, long port, cordon_error *err) {
  for (size_t i = 0; i < net->n_proxy_ports; i++)
    if (net->proxy_ports[i] == port)
      return 0;
  uint16_t *ports = realloc(net->proxy_ports, (net->n_proxy_ports + 1) * sizeof *ports);
  if (!ports)
    return cd_error_oom(err);
  net->proxy_ports = ports;
  net->proxy_ports[net->n_proxy_ports++] = (uint16_t)port;
  return 0;
}

static int compare_ports(const void *a, const void *b) {
  return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int cd_resolve_network(const cd_policy *policy, char *const envp[], cd_plan *plan,
                       cordon_error *err) {
  cd_plan_network *net = &plan->network;
  net->mode = policy->network;
  net->allow_local_binding = policy->allow_local_binding;
  if (net->mode != CD_NET_PROXY)
    return 0;

  for (size_t i = 0; i < policy->n_proxy_ports; i++)
    if (add_port(net, policy->proxy_ports[i], err) < 0)
      return -1;
  /* Every proxy variable is checked even when --proxy-port is given: a tool inside
   * would still try a non-loopback proxy and fail in a confusing way. */
  static const char *const vars[] = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                     "http_proxy", "https_proxy", "all_proxy"};
  bool ports_given = net->n_proxy_ports > 0;
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *url = cd_env_get(envp, vars[i]);
    if (!url || !*url)
      continue;
    _cleanup_free_ char *host = NULL;
    long port = 0;
    if (parse_proxy_url(vars[i], url, &host, &port, err) < 0)
      return cd_error_prefix(err, "network 'proxy'");
    if (!host_is_loopback(host))
      return cd_error_set(err, 0,
                          "network 'proxy': %s='%s' is not on loopback; the sandbox can "
                          "only reach a proxy on the host's loopback",
                          vars[i], url);
    if (!ports_given && add_port(net, port, err) < 0)
      return -1;
  }
  if (net->n_proxy_ports == 0)
    return cd_error_set(err, 0,
                        "network 'proxy' needs a proxy port: --proxy-port N, proxy_ports in "
                        "the config, or a loopback HTTP_PROXY/HTTPS_PROXY/ALL_PROXY");
  qsort(net->proxy_ports, net->n_proxy_ports, sizeof *net->proxy_ports, compare_ports);
  return 0;
}
