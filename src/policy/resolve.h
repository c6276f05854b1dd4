/* The resolver: policy + context (cwd, environment, home, the filesystem as it is
 * now) -> plan. Deterministic for a given filesystem; `cordon explain` prints the
 * result. */
#ifndef CD_RESOLVE_H
#define CD_RESOLVE_H

#include "policy/plan.h"
#include "policy/policy.h"

/* Built-in protected child names of every writable root. */
extern const char *const cd_protected_names[];

/* CWD NULL: the process's cwd. ENVP: the environment the command would get. */
cd_plan *cd_resolve(const cd_policy *policy, const char *cwd, char *const envp[],
                    cordon_error *err);

/* Pieces of the resolver, in their own files. */
const char *cd_env_get(char *const envp[], const char *name);
/* Network rules: mode, proxy ports (from the policy, else from loopback proxy URLs in
 * ENVP), local binding. */
int cd_resolve_network(const cd_policy *policy, char *const envp[], cd_plan *plan,
                       cordon_error *err);
/* Environment edits: git safe.directory for the worktree root of plan->cwd, and the
 * variables removed unless the policy keeps them. */
int cd_resolve_env(const cd_policy *policy, char *const envp[], cd_plan *plan,
                   cordon_error *err);

#endif
