#include "cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "policy/config.h"

void cd_cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cordon: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void cd_cli_bad_option(const char *command, char *const argv[]) {
  const char *bad = argv[optind - 1];
  if (optopt && optopt < 0x100)
    cd_cli_error("%s: bad option '-%c' (see cordon %s --help)", command, optopt, command);
  else
    cd_cli_error("%s: bad option '%s' (see cordon %s --help)", command, bad, command);
}

static int add_path(cd_policy_flags *flags, const char *path, cd_access access,
                    const char *flag) {
  void *grown = realloc(flags->paths, (flags->n_paths + 1) * sizeof *flags->paths);
  if (!grown) {
    cd_cli_error("out of memory");
    return -1;
  }
  flags->paths = grown;
  flags->paths[flags->n_paths].path = path;
  flags->paths[flags->n_paths].access = access;
  flags->paths[flags->n_paths].flag = flag;
  flags->n_paths++;
  return 1;
}

int cd_policy_flags_take(cd_policy_flags *flags, int opt, const char *arg) {
  switch (opt) {
  case OPT_MODE:
    flags->mode = arg;
    return 1;
  case OPT_CWD:
    flags->cwd = arg;
    return 1;
  case OPT_NETWORK:
    flags->network = arg;
    return 1;
  case OPT_CONFIG:
    flags->config = arg;
    return 1;
  case OPT_PROFILE:
    flags->profile = arg;
    return 1;
  case OPT_ALLOW_LOCAL_BINDING:
    flags->allow_local_binding = true;
    return 1;
  case OPT_WRITABLE:
    return add_path(flags, arg, CD_ACCESS_WRITE, "--writable");
  case OPT_READABLE:
    return add_path(flags, arg, CD_ACCESS_READ, "--readable");
  case OPT_DENY_WRITE:
    return add_path(flags, arg, CD_ACCESS_READ, "--deny-write");
  case OPT_DENY_READ:
    return add_path(flags, arg, CD_ACCESS_NONE, "--deny-read");
  case OPT_PROXY_PORT:
    return cd_strv_push(&flags->proxy_ports, arg) < 0 ? -1 : 1;
  case OPT_KEEP_ENV:
    return cd_strv_push(&flags->keep_env, arg) < 0 ? -1 : 1;
  }
  return 0;
}

int cd_policy_flags_build(const cd_policy_flags *flags, cd_policy *policy, cordon_error *err) {
  if (cd_config_load(policy, flags->config, flags->profile, NULL, err) < 0)
    return -1;
  if (flags->mode && cd_mode_parse(flags->mode, &policy->mode) < 0)
    return cd_error_set(err, 0,
                        "--mode %s: expected read-only, workspace-write or danger-full-access",
                        flags->mode);
  if (flags->network) {
    if (cd_network_parse(flags->network, &policy->network) < 0)
      return cd_error_set(err, 0, "--network %s: expected offline, proxy or online",
                          flags->network);
    policy->network_set = true;
  }
  if (flags->allow_local_binding)
    policy->allow_local_binding = true;
  for (size_t i = 0; i < flags->n_paths; i++) {
    char source[64];
    snprintf(source, sizeof source, "%s %.40s", flags->paths[i].flag, flags->paths[i].path);
    if (cd_policy_add_entry(policy, flags->paths[i].path, flags->paths[i].access,
                            CD_LAYER_FLAGS, source, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < flags->proxy_ports.len; i++) {
    const char *s = flags->proxy_ports.items[i];
    char *end;
    errno = 0;
    long port = strtol(s, &end, 10);
    if (end == s || *end || errno)
      return cd_error_set(err, 0, "--proxy-port %s: not a port number", s);
    if (cd_policy_add_proxy_port(policy, port, "--proxy-port", err) < 0)
      return -1;
  }
  for (size_t i = 0; i < flags->keep_env.len; i++)
    if (!cd_strv_contains(&policy->keep_env, flags->keep_env.items[i]) &&
        cd_strv_push(&policy->keep_env, flags->keep_env.items[i]) < 0)
      return cd_error_oom(err);
  return 0;
}

void cd_policy_flags_clear(cd_policy_flags *flags) {
  free(flags->paths);
  cd_strv_free(&flags->proxy_ports);
  cd_strv_free(&flags->keep_env);
  *flags = (cd_policy_flags){0};
}
