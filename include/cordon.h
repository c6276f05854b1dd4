/* cordon: run a command in an OS-enforced sandbox.
 *
 * A small embeddable API in the style of minijail: opaque handles, setters that
 * return 0 or -1, and an error object that names what failed and why.
 *
 *   cordon_error err = {0};
 *   cordon_policy *p = cordon_policy_new();
 *   if (cordon_policy_set_mode(p, "workspace-write", &err) < 0) ...
 *   cordon_plan *plan = cordon_plan_resolve(p, NULL, NULL, &err);
 *   char *json = cordon_plan_to_json(plan);
 */
#ifndef CORDON_H
#define CORDON_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CORDON_ERROR_MAX 1024

/* Filled by any call that fails: errnum is the errno behind the failure (0 when
 * the failure is not a system error), message the one line a user should see. */
typedef struct cordon_error {
  int errnum;
  char message[CORDON_ERROR_MAX];
} cordon_error;

typedef struct cordon_policy cordon_policy;
typedef struct cordon_plan cordon_plan;

cordon_policy *cordon_policy_new(void);
void cordon_policy_free(cordon_policy *policy);

/* Load FILE (NULL: $XDG_CONFIG_HOME/cordon/config.toml if it exists) and apply
 * PROFILE (NULL: the file's default profile). */
int cordon_policy_load_config(cordon_policy *policy, const char *file,
                              const char *profile, cordon_error *err);
/* "read-only", "workspace-write" or "danger-full-access". */
int cordon_policy_set_mode(cordon_policy *policy, const char *mode, cordon_error *err);
/* PATH may be ":root", ":cwd", ":tmp", ":home", absolute, "~/...", or relative to
 * :cwd. ACCESS is "read", "write" or "none". */
int cordon_policy_add_path(cordon_policy *policy, const char *path, const char *access,
                           cordon_error *err);
/* "offline", "proxy" or "online". */
int cordon_policy_set_network(cordon_policy *policy, const char *network, cordon_error *err);
int cordon_policy_add_proxy_port(cordon_policy *policy, long port, cordon_error *err);
void cordon_policy_set_allow_local_binding(cordon_policy *policy, bool allow);

/* Resolve against the filesystem as it is now. CWD NULL: the process's cwd.
 * ENVP NULL: the process's environment. */
cordon_plan *cordon_plan_resolve(const cordon_policy *policy, const char *cwd,
                                 char *const envp[], cordon_error *err);
void cordon_plan_free(cordon_plan *plan);
/* The plan as one JSON object (caller frees), NULL on allocation failure. */
char *cordon_plan_to_json(const cordon_plan *plan);

const char *cordon_version(void);

#ifdef __cplusplus
}
#endif
#endif
