/* The plan: what a sandbox must enforce, resolved to canonical absolute paths.
 *
 * It is plain data. A backend lowers it to its own operations (mounts, Landlock
 * rules, ACEs, ...) without ever calling back into the resolver.
 *
 * Access rule: the access of any path P is decided by the plan path that is the
 * longest component-wise prefix of P (see cd_plan_access). Paths are kept sorted
 * with strcmp, so a parent always comes before its descendants: applying them in
 * order (e.g. as bind mounts) makes nested carveouts come out exact. */
#ifndef CD_PLAN_H
#define CD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"
#include "policy/policy.h"

typedef enum cd_plan_kind {
  CD_PLAN_READABLE_ROOT, /* read (and execute) */
  CD_PLAN_WRITABLE_ROOT, /* read and write */
  CD_PLAN_DENY_WRITE,    /* read-only, nested inside a writable root */
  CD_PLAN_DENY_READ,     /* no access at all (masked) */
} cd_plan_kind;

typedef enum cd_plan_origin {
  CD_ORIGIN_USER,      /* a mode, config entry or flag */
  CD_ORIGIN_PROTECTED, /* a protected child (.git, .agents, ...) of a writable root */
  CD_ORIGIN_SECRET,    /* a default secret, or a file ~/.ssh/config depends on */
  CD_ORIGIN_STATE,     /* cordon's own state directory */
  CD_ORIGIN_SOCKET,    /* where the host's unix sockets live (host_sockets.h) */
} cd_plan_origin;

typedef struct cd_plan_path {
  char *path; /* canonical, absolute, symlinks resolved */
  cd_plan_kind kind;
  cd_plan_origin origin;
  bool is_dir; /* false: a regular file or other non-directory */
} cd_plan_path;

typedef struct cd_plan_network {
  cd_network_mode mode;
  uint16_t *proxy_ports; /* sorted, unique; only in CD_NET_PROXY */
  size_t n_proxy_ports;
  bool allow_local_binding;
} cd_plan_network;

struct cordon_plan {
  cd_mode mode;          /* CD_MODE_DANGER_FULL_ACCESS: run unsandboxed */
  char *cwd;             /* canonical working directory of the command */
  char *home;            /* canonical home, NULL if unknown */
  char *worktree_root;   /* directory holding the .git marker of cwd, or NULL */
  char *state_dir;       /* cordon home ($CORDON_HOME, $XDG_STATE_HOME/cordon or
                          * ~/.local/state/cordon), absolute; NULL if unknown */
  cd_plan_path *paths;   /* sorted by path (strcmp): parents first */
  size_t n_paths;
  cd_strv create;        /* directories to create before start (explicit carveouts) */
  cd_plan_network network;
  cd_strv env_set;       /* "NAME=VALUE", applied in order */
  cd_strv env_unset;     /* names to remove from the command's environment */
};
typedef struct cordon_plan cd_plan;

/* Effective access of PATH (absolute, canonical) under the plan: the kind of the
 * longest plan path that is PATH or a component-wise ancestor of it. Returns
 * CD_ACCESS_NONE when no plan path covers PATH. */
cd_access cd_plan_access(const cd_plan *plan, const char *path);
cd_access cd_plan_kind_access(cd_plan_kind kind);
const char *cd_plan_kind_name(cd_plan_kind kind);
/* True if ANCESTOR is PATH or a component-wise ancestor of it ("/a" of "/a/b", not of "/ab"). */
bool cd_path_is_within(const char *path, const char *ancestor);

/* The command's environment: ENVP minus env_unset, with env_set applied. The array
 * is newly allocated (free it alone); its strings are borrowed from ENVP and PLAN. */
char **cd_plan_environment(const cd_plan *plan, char *const envp[]);

void cd_plan_free(cd_plan *plan);

#endif
