/* The policy flags shared by every command that builds a plan. */
#ifndef CD_CLI_OPTIONS_H
#define CD_CLI_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "common/strv.h"
#include "policy/policy.h"

/* Exit status for any cordon error (bad flag, bad config, unenforceable plan). */
#define CD_EXIT_ERROR 125

enum {
  OPT_MODE = 0x100,
  OPT_CWD,
  OPT_WRITABLE,
  OPT_READABLE,
  OPT_DENY_READ,
  OPT_DENY_WRITE,
  OPT_NETWORK,
  OPT_PROXY_PORT,
  OPT_ALLOW_LOCAL_BINDING,
  OPT_CONFIG,
  OPT_PROFILE,
  OPT_KEEP_ENV,
  OPT_HELP,
  OPT_COMMAND_FIRST, /* commands number their own options from here */
};

typedef struct cd_policy_flags {
  const char *mode;
  const char *cwd;
  const char *network;
  const char *config;
  const char *profile;
  bool allow_local_binding;
  struct {
    const char *path;
    cd_access access;
    const char *flag;
  } *paths;
  size_t n_paths;
  cd_strv proxy_ports;
  cd_strv keep_env;
} cd_policy_flags;

#define CD_POLICY_LONG_OPTIONS                                                        \
  {"mode", required_argument, NULL, OPT_MODE},                                        \
      {"cwd", required_argument, NULL, OPT_CWD},                                      \
      {"writable", required_argument, NULL, OPT_WRITABLE},                            \
      {"readable", required_argument, NULL, OPT_READABLE},                            \
      {"deny-read", required_argument, NULL, OPT_DENY_READ},                          \
      {"deny-write", required_argument, NULL, OPT_DENY_WRITE},                        \
      {"network", required_argument, NULL, OPT_NETWORK},                              \
      {"proxy-port", required_argument, NULL, OPT_PROXY_PORT},                        \
      {"allow-local-binding", no_argument, NULL, OPT_ALLOW_LOCAL_BINDING},            \
      {"config", required_argument, NULL, OPT_CONFIG},                                \
      {"profile", required_argument, NULL, OPT_PROFILE},                              \
      {"keep-env", required_argument, NULL, OPT_KEEP_ENV},                            \
      {"help", no_argument, NULL, OPT_HELP}

#define CD_POLICY_FLAGS_HELP                                                          \
  "Policy flags:\n"                                                                   \
  "  --mode MODE            read-only | workspace-write (default) | danger-full-access\n" \
  "  --cwd DIR              the command's working directory (default: the current one)\n" \
  "  --writable PATH        allow writing PATH (relative paths are relative to --cwd)\n" \
  "  --readable PATH        allow reading PATH (read-only inside a writable root)\n"  \
  "  --deny-read PATH       hide PATH entirely\n"                                     \
  "  --deny-write PATH      make PATH read-only\n"                                    \
  "  --network NET          offline (default) | proxy | online\n"                     \
  "  --proxy-port N         a loopback proxy port the command may reach (repeatable)\n" \
  "  --allow-local-binding  let the command listen on its own loopback\n"            \
  "  --keep-env NAME        keep a variable removed by default (e.g. SSH_AUTH_SOCK)\n" \
  "  --config FILE          config file (default: $XDG_CONFIG_HOME/cordon/config.toml)\n" \
  "  --profile NAME         config profile (default: the file's default_profile)\n"  \
  "PATH may also be :root, :cwd, :tmp, :home or start with ~/.\n"

/* Handle one option returned by getopt_long. Returns 1 if it was a policy flag, 0 if
 * not, -1 (message printed) on a bad value. */
int cd_policy_flags_take(cd_policy_flags *flags, int opt, const char *arg);
/* Config first, then the flags on top. Returns 0, or -1 with ERR set. */
int cd_policy_flags_build(const cd_policy_flags *flags, cd_policy *policy, cordon_error *err);
void cd_policy_flags_clear(cd_policy_flags *flags);

/* One line on stderr, "cordon: MESSAGE". */
void cd_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a bad-option message for getopt's current state. */
void cd_cli_bad_option(const char *command, char *const argv[]);

#endif
