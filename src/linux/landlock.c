/* Landlock lowering: plan -> handled rights, path rules, TCP ports and scopes, as
 * data. Nothing here touches the kernel (landlock_apply.c does); the filesystem is
 * only listed to cut hidden places out of a read-only root in the fallback. */
#include "linux/landlock.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/paths.h"

#define FS(right) LANDLOCK_ACCESS_FS_##right

/* Rights a non-directory can carry; the others apply to a directory's content, and
 * Landlock rejects them on anything else. */
#define FS_FILE (FS(EXECUTE) | FS(WRITE_FILE) | FS(READ_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))
/* A readable root: read files, list directories, execute programs. */
#define FS_READ (FS(READ_FILE) | FS(READ_DIR) | FS(EXECUTE))
/* A terminal or character device the command uses as a stream. IOCTL_DEV because
 * terminals need termios and window-size ioctls; the dangerous ones (TIOCSTI,
 * TIOCLINUX) are denied by seccomp, which sees the request number. */
#define FS_DEVICE (FS(READ_FILE) | FS(WRITE_FILE) | FS(IOCTL_DEV))

static uint64_t handled_fs_for(int abi) {
  uint64_t fs = (FS(MAKE_SYM) << 1) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
  if (abi >= 2)
    fs |= FS(REFER); /* without it, every rename or link across directories fails */
  if (abi >= 3)
    fs |= FS(TRUNCATE);
  if (abi >= 5)
    fs |= FS(IOCTL_DEV);
  return fs;
}

/* What a plan path grants beneath itself. */
static uint64_t kind_rights(cd_plan_kind kind, uint64_t handled) {
  switch (kind) {
  case CD_PLAN_READABLE_ROOT:
  case CD_PLAN_DENY_WRITE:
    return FS_READ & handled;
  case CD_PLAN_WRITABLE_ROOT:
    return handled;
  case CD_PLAN_DENY_READ:
    break; /* no rule: nothing is granted */
  }
  return 0;
}

static uint64_t path_rights(const cd_plan_path *p, uint64_t handled) {
  uint64_t rights = kind_rights(p->kind, handled);
  return p->is_dir ? rights : rights & FS_FILE;
}

/* Landlock grants the union of the rules on a path and on all its ancestors. */
static uint64_t granted_at(const cd_landlock_ruleset *rs, const char *path) {
  uint64_t granted = 0;
  for (size_t i = 0; i < rs->n_rules; i++)
    if (cd_path_is_within(path, rs->rules[i].path))
      granted |= rs->rules[i].access;
  return granted;
}

/* Add a rule unless its ancestors already grant all of it: such a rule would change
 * nothing, and leaving it out keeps the ruleset as small as what it means. */
static int add_rule(cd_landlock_ruleset *rs, const char *path, uint64_t access, bool optional,
                    cordon_error *err) {
  if ((access & ~granted_at(rs, path)) == 0)
    return 0;
  char *copy = strdup(path);
  cd_landlock_path_rule *rules =
      copy ? realloc(rs->rules, (rs->n_rules + 1) * sizeof *rules) : NULL;
  if (!rules) {
    free(copy);
    return cd_error_oom(err);
  }
  rs->rules = rules;
  rs->rules[rs->n_rules++] = (cd_landlock_path_rule){copy, access, optional};
  return 0;
}

static const char *kind_noun(cd_plan_kind kind) {
  switch (kind) {
  case CD_PLAN_READABLE_ROOT:
    return "readable root";
  case CD_PLAN_WRITABLE_ROOT:
    return "writable root";
  case CD_PLAN_DENY_WRITE:
    return "read-only path";
  case CD_PLAN_DENY_READ:
    break;
  }
  return "hidden path";
}

/* Where the host's unix sockets live (plan origin "socket"). Alone, Landlock cuts
 * these out of a read-only root (punch_holes) and seccomp denies socket(AF_UNIX),
 * since connect() needs no Landlock right. */
static bool is_hole(const cd_plan_path *p) {
  return p->kind == CD_PLAN_DENY_READ && p->origin == CD_ORIGIN_SOCKET;
}

/* The fallback has no mount layer, so every plan path must get from Landlock exactly
 * its own rights. A rule on an ancestor reaches everything beneath it and nothing
 * can take a right back, so a path is refused when an ancestor grants it more. */
static int check_exact(const cd_plan *plan, size_t index, uint64_t handled, cordon_error *err) {
  const cd_plan_path *p = &plan->paths[index];
  uint64_t mask = p->is_dir ? UINT64_MAX : FS_FILE;
  uint64_t wanted = path_rights(p, handled);
  const cd_plan_path *wider = NULL;
  /* Sorted order puts ancestors first; the last one found is the nearest. */
  for (size_t i = 0; i < index; i++) {
    const cd_plan_path *a = &plan->paths[i];
    if (cd_path_is_within(p->path, a->path) && (kind_rights(a->kind, handled) & mask & ~wanted))
      wider = a;
  }
  if (!wider)
    return 0;
  /* A place of host sockets inside a read-only root is cut out of it (punch_holes). */
  if (is_hole(p) && kind_rights(wider->kind, handled) == (FS_READ & handled))
    return 0;
  if (p->kind == CD_PLAN_DENY_READ)
    return cd_error_set(err, 0, "Landlock alone cannot hide '%s' inside the %s '%s'", p->path,
                        kind_noun(wider->kind), wider->path);
  return cd_error_set(err, 0, "Landlock alone cannot keep '%s' read-only inside the %s '%s'",
                      p->path, kind_noun(wider->kind), wider->path);
}

/* Grant RIGHTS beneath DIR except beneath any of HOLES: DIR itself gets only
 * READ_DIR, and each of its entries the rights, recursing into those that hold a
 * hole. So the holes' contents are unreadable, though their names can be listed.
 * Symlinks get no rule: a rule follows its path, and would grant the target. What is
 * created in DIR later is not readable: narrower, never wider. */
static int punch_holes(const char *dir, uint64_t rights, const cd_strv *holes,
                       cd_landlock_ruleset *rs, cordon_error *err) {
  bool holds_hole = false;
  for (size_t i = 0; i < holes->len; i++) {
    if (strcmp(holes->items[i], dir) == 0)
      return 0;
    holds_hole |= cd_path_is_within(holes->items[i], dir);
  }
  if (!holds_hole)
    return add_rule(rs, dir, rights, false, err);
  if (add_rule(rs, dir, rights & FS(READ_DIR), false, err) < 0)
    return -1;
  DIR *d = opendir(dir);
  if (!d)
    return cd_error_set(err, errno, "listing '%s'", dir);
  int r = 0;
  struct dirent *e;
  while (r == 0 && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || e->d_type == DT_LNK)
      continue;
    _cleanup_free_ char *child = cd_path_join(dir, e->d_name);
    if (!child)
      r = cd_error_oom(err);
    else
      r = punch_holes(child, e->d_type == DT_DIR ? rights : rights & FS_FILE, holes, rs, err);
  }
  closedir(d);
  return r;
}

static int lower_paths(const cd_plan *plan, bool namespaced, cd_landlock_ruleset *rs,
                       cordon_error *err) {
  cd_strv holes = {0};
  int r = 0;
  for (size_t i = 0; r == 0 && i < plan->n_paths; i++)
    if (!namespaced && is_hole(&plan->paths[i]) && cd_strv_push(&holes, plan->paths[i].path) < 0)
      r = cd_error_oom(err);
  for (size_t i = 0; r == 0 && i < plan->n_paths; i++) {
    /* With namespaces the mount layer narrows nested carveouts exactly; Landlock
     * adds the wider grant as an independent bound. Alone, it must be exact. */
    if (!namespaced && check_exact(plan, i, rs->handled_fs, err) < 0)
      r = -1;
    const cd_plan_path *p = &plan->paths[i];
    uint64_t rights = path_rights(p, rs->handled_fs);
    if (r < 0 || !rights)
      continue;
    if (p->is_dir && rights == (FS_READ & rs->handled_fs))
      r = punch_holes(p->path, rights, &holes, rs, err);
    else
      r = add_rule(rs, p->path, rights, false, err);
  }
  cd_strv_free(&holes);
  return r;
}

/* The devices and pseudo-filesystems any command needs, whatever the plan says. */
static int lower_builtins(bool namespaced, cd_landlock_ruleset *rs, cordon_error *err) {
  static const struct {
    const char *path;
    uint64_t access;
    bool namespaced_only;
  } builtins[] = {
      {"/dev/null", FS_DEVICE, false},
      {"/dev/zero", FS_DEVICE, false},
      {"/dev/full", FS_DEVICE, false},
      {"/dev/random", FS_DEVICE, false},
      {"/dev/urandom", FS_DEVICE, false},
      {"/dev/tty", FS_DEVICE, false},
      {"/dev/ptmx", FS_DEVICE, false},
      /* Terminals the command opens (its own ptys, or its terminal by name). */
      {"/dev/pts", FS_DEVICE | FS(READ_DIR), false},
      /* POSIX shared memory and semaphores. Inside the sandbox /dev/shm is a private
       * tmpfs, so it may have every right; the host's /dev/shm is shared with every
       * process of the machine, and writes there would leave the policy. */
      {"/dev/shm", UINT64_MAX, true},
      /* Read only: /proc/<pid> of processes outside the domain stays protected by
       * Landlock's ptrace restriction (environ, mem, fd links), and writing /proc
       * (sysctls, oom scores, ...) is never needed by a build or a test run. */
      {"/proc", FS(READ_FILE) | FS(READ_DIR), false},
  };
  for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
    if (builtins[i].namespaced_only && !namespaced)
      continue;
    /* Optional: a missing device (no /dev/tty in a container) grants nothing. */
    if (add_rule(rs, builtins[i].path, builtins[i].access & rs->handled_fs, true, err) < 0)
      return -1;
  }
  return 0;
}

static int lower_network(const cd_plan_network *net, int abi, bool namespaced,
                         cd_landlock_ruleset *rs, cordon_error *err) {
  const uint64_t tcp = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
  switch (net->mode) {
  case CD_NET_ONLINE:
    return 0; /* unrestricted by definition */
  case CD_NET_OFFLINE:
    /* The private net namespace has nothing but its own loopback, which the command
     * may use freely (test servers); handling TCP would only forbid that. */
    if (namespaced)
      return 0;
    /* Alone, the host network is right there: every TCP bind and connect is denied
     * (UDP and raw sockets are seccomp's). Without TCP rights, offline cannot hold. */
    if (abi < 4)
      return cd_error_set(err, 0,
                          "the offline network cannot be enforced: Landlock ABI %d has no "
                          "TCP rights (ABI 4, Linux 6.7, is needed)",
                          abi);
    rs->handled_net = tcp;
    return 0;
  case CD_NET_PROXY:
    /* Landlock's TCP rules name ports, never addresses: alone, it would let the
     * command reach the proxy port of any host. Only the namespace keeps it local. */
    if (!namespaced)
      return cd_error_set(err, 0,
                          "Landlock alone cannot keep the proxy network on the loopback: "
                          "its TCP rules name ports, not addresses");
    if (abi < 4)
      return 0; /* the net namespace and its bridge are the enforcement */
    /* Connect only to the proxy ports. Bind: Landlock allows a port only by naming
     * it, so "any port" is expressed by leaving bind unhandled. */
    rs->handled_net = net->allow_local_binding ? LANDLOCK_ACCESS_NET_CONNECT_TCP : tcp;
    if (net->n_proxy_ports) {
      rs->connect_ports = calloc(net->n_proxy_ports, sizeof *rs->connect_ports);
      if (!rs->connect_ports)
        return cd_error_oom(err);
      memcpy(rs->connect_ports, net->proxy_ports, net->n_proxy_ports * sizeof *net->proxy_ports);
      rs->n_connect_ports = net->n_proxy_ports;
    }
    return 0;
  }
  return cd_error_set(err, 0, "unknown network mode %d", (int)net->mode);
}

int cd_landlock_lower(const cd_plan *plan, int abi, bool namespaced, cd_landlock_ruleset *out,
                      cordon_error *err) {
  if (abi < 1)
    return cd_error_set(err, 0, "Landlock ABI %d: the kernel has no Landlock", abi);
  /* Rights of a newer ABI are unknown to this build: it uses what it knows. */
  if (abi > CD_LANDLOCK_ABI_KNOWN)
    abi = CD_LANDLOCK_ABI_KNOWN;
  _cleanup_(cd_landlock_ruleset_clear) cd_landlock_ruleset rs = {
      .abi = abi,
      .handled_fs = handled_fs_for(abi),
      /* The command must neither signal processes outside the sandbox (the agent,
       * the user's editor, ...) nor reach the abstract unix sockets of host
       * processes (D-Bus, X11, ssh-agent style helpers): neither is a file, so
       * no path rule could stop them. ABI 7 adds only logging flags, whose
       * defaults (no audit records for denials after exec) suit a sandbox whose
       * commands are expected to probe and fail. */
      .scoped = abi >= 6 ? LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET : 0,
  };
  if (lower_network(&plan->network, abi, namespaced, &rs, err) < 0 ||
      lower_paths(plan, namespaced, &rs, err) < 0 || lower_builtins(namespaced, &rs, err) < 0)
    return -1;
  *out = rs;
  rs = (cd_landlock_ruleset){0};
  return 0;
}

void cd_landlock_ruleset_clear(cd_landlock_ruleset *rules) {
  for (size_t i = 0; i < rules->n_rules; i++)
    free(rules->rules[i].path);
  free(rules->rules);
  free(rules->connect_ports);
  *rules = (cd_landlock_ruleset){0};
}
