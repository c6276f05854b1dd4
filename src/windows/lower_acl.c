/* Plan paths -> ACE operations.
 *
 * Two access checks decide every open under the write-restricted token
 * (lower_token.c): the identity's own SIDs, and, for writes only, the restricting
 * SIDs. Capability SIDs are restricting SIDs: their ACEs decide what the command
 * may write. The sandbox group is one of a sandbox user's own SIDs: its ACEs decide
 * what the command may read when it runs as a sandbox user (elevated variant).
 *
 * The masks:
 *  - CD_WIN_MASK_WRITE (read, write, execute) on writable roots, without DELETE on
 *    the root itself (a separate inherit-only ACE gives DELETE to what lies below),
 *    and never FILE_DELETE_CHILD: Windows lets a holder of FILE_DELETE_CHILD on a
 *    directory delete or rename any entry in it whatever that entry's own ACL says,
 *    which would let the command rename .git away and put its own in place. Without
 *    DELETE on the root, a writable root (or a reopened carveout) cannot be renamed
 *    away either.
 *  - CD_WIN_MASK_DENY_WRITE: every right that changes a file, its attributes, its
 *    ACL or its owner, or removes it. Not SYNCHRONIZE or READ_CONTROL (both part of
 *    FILE_GENERIC_WRITE): every open asks for SYNCHRONIZE, so denying it would make
 *    the path unreadable too.
 *  - CD_WIN_MASK_DENY_ALL on deny_read paths, for the sandbox group.
 *  - CD_WIN_MASK_READ for the sandbox group on readable roots. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/ops.h"

typedef struct lowering {
  const cd_plan *plan;
  const cd_win_cap_sids *caps;
  unsigned caps_used;
  cd_win_variant variant;
  cd_win_ace *items;
  size_t len;
  size_t cap;
  cordon_error *err;
} lowering;

static cd_win_cap cap_for(const cd_win_cap_sids *caps, const char *path) {
  /* Writes inside the workspace root go to that workspace's own SID, so a command
   * run in one workspace cannot write another; temp dirs and extra roots are shared
   * by every run and go to the generic SID. */
  return caps->workspace_root && cd_win_path_within(path, caps->workspace_root)
             ? CD_WIN_CAP_WORKSPACE
             : CD_WIN_CAP_GENERIC;
}

unsigned cd_win_caps_used(const cd_plan *plan, const cd_win_cap_sids *caps) {
  unsigned used = 0;
  for (size_t i = 0; i < plan->n_paths; i++)
    if (plan->paths[i].kind == CD_PLAN_WRITABLE_ROOT)
      used |= 1u << cap_for(caps, plan->paths[i].path);
  /* Nothing writable: the token still needs a capability SID for the deny ACEs to
   * match (Everyone and Logon cannot be denied without denying every user). The
   * read-only SID is named by no allow ACE, so it brings no write access along. */
  return used ? used : 1u << CD_WIN_CAP_READONLY;
}

static int push(lowering *l, const char *path, cd_win_ace ace) {
  if (l->len == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    cd_win_ace *items = realloc(l->items, cap * sizeof *items);
    if (!items)
      return cd_error_oom(l->err);
    l->items = items;
    l->cap = cap;
  }
  ace.path = strdup(path);
  if (!ace.path)
    return cd_error_oom(l->err);
  l->items[l->len++] = ace;
  return 0;
}

static uint32_t inheritance(bool is_dir) { return is_dir ? CD_WIN_INHERIT_DIR : 0; }

static int push_cap(lowering *l, const char *path, cd_win_ace_type type, cd_win_cap cap,
                    uint32_t mask, uint32_t inherit, cd_win_ace_why why) {
  cd_win_ace ace = {.type = type,
                    .trustee = CD_WIN_TRUSTEE_CAP,
                    .cap = cap,
                    .mask = mask,
                    .inheritance = inherit,
                    .why = why};
  memcpy(ace.sid, l->caps->sid[cap], sizeof ace.sid);
  return push(l, path, ace);
}

static int push_group(lowering *l, const char *path, cd_win_ace_type type, uint32_t mask,
                      uint32_t inherit, bool deferred, cd_win_ace_why why) {
  return push(l, path,
              (cd_win_ace){.type = type,
                           .trustee = CD_WIN_TRUSTEE_GROUP,
                           .mask = mask,
                           .inheritance = inherit,
                           .deferred = deferred,
                           .why = why});
}

/* A deny for every capability SID the token carries: a deny for one SID would
 * leave the others' inherited allows in force. */
static int deny_write_caps(lowering *l, const char *path, bool is_dir, cd_win_ace_why why) {
  for (cd_win_cap c = 0; c < CD_WIN_CAP_COUNT; c++)
    if ((l->caps_used & (1u << c)) &&
        push_cap(l, path, CD_WIN_ACE_DENY, c, CD_WIN_MASK_DENY_WRITE, inheritance(is_dir), why) < 0)
      return -1;
  return 0;
}

/* Read-write for the capability SID (restricted check) and, for a sandbox user, its
 * group (identity check): a write must pass both. */
static int allow_write(lowering *l, const cd_plan_path *p, cd_win_ace_why why) {
  cd_win_cap cap = cap_for(l->caps, p->path);
  uint32_t here = inheritance(p->is_dir), below = CD_WIN_INHERIT_DIR | CD_WIN_INHERIT_ONLY_ACE;
  if (push_cap(l, p->path, CD_WIN_ACE_ALLOW, cap, CD_WIN_MASK_WRITE, here, why) < 0 ||
      (p->is_dir && push_cap(l, p->path, CD_WIN_ACE_ALLOW, cap, CD_WIN_DELETE, below, why) < 0))
    return -1;
  if (l->variant != CD_WIN_ELEVATED)
    return 0;
  if (push_group(l, p->path, CD_WIN_ACE_ALLOW, CD_WIN_MASK_WRITE, here, false, why) < 0 ||
      (p->is_dir && push_group(l, p->path, CD_WIN_ACE_ALLOW, CD_WIN_DELETE, below, false, why) < 0))
    return -1;
  return 0;
}

static bool is_separator(char c) { return c == '/' || c == '\\'; }

/* "/", or a drive root ("C:\", "C:/", "C:"). */
static bool is_fs_root(const char *p) {
  if (strcmp(p, "/") == 0)
    return true;
  bool letter = (p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z');
  return letter && p[1] == ':' && (p[2] == '\0' || (is_separator(p[2]) && p[3] == '\0'));
}

/* True if a proper ancestor of plan path I has one of KINDS (bits of cd_plan_kind). */
static bool under(const cd_plan *plan, size_t i, unsigned kinds) {
  for (size_t k = 0; k < i; k++)
    if ((kinds & (1u << plan->paths[k].kind)) &&
        cd_win_path_within(plan->paths[i].path, plan->paths[k].path))
      return true;
  return false;
}

static int lower_path(lowering *l, size_t i) {
  const cd_plan_path *p = &l->plan->paths[i];
  bool reopened;
  switch (p->kind) {
  case CD_PLAN_WRITABLE_ROOT:
    reopened = under(l->plan, i, 1u << CD_PLAN_DENY_WRITE | 1u << CD_PLAN_DENY_READ);
    /* Under a read-only or hidden carveout, this explicit allow is checked before
     * the deny the path inherits from the carveout, so the path is writable again;
     * the files below inherit this allow from a nearer parent than the deny. */
    return allow_write(l, p, reopened ? CD_WIN_WHY_REOPENED : CD_WIN_WHY_WRITABLE_ROOT);
  case CD_PLAN_DENY_WRITE:
    /* Explicit, so it is checked before the allow inherited from the writable root. */
    return deny_write_caps(l, p->path, p->is_dir, CD_WIN_WHY_DENY_WRITE);
  case CD_PLAN_DENY_READ:
    /* Reads are decided by the identity's own SIDs, so hiding needs the sandbox
     * group; the caller's own token cannot be denied without locking the caller
     * out. cd_win_lower_identity runs such plans as a sandbox user. */
    if (l->variant != CD_WIN_ELEVATED)
      return cd_error_set(l->err, 0,
                          "deny_read '%s': the unelevated Windows sandbox runs as the caller, "
                          "who can always read it; hiding it needs the sandbox users "
                          "(cordon setup)",
                          p->path);
    if (deny_write_caps(l, p->path, p->is_dir, CD_WIN_WHY_DENY_READ) < 0)
      return -1;
    return push_group(l, p->path, CD_WIN_ACE_DENY, CD_WIN_MASK_DENY_ALL, inheritance(p->is_dir),
                      false, CD_WIN_WHY_DENY_READ);
  case CD_PLAN_READABLE_ROOT:
    /* The caller reads everything already. A sandbox user reads what BUILTIN\Users
     * can (the system, not the caller's profile): it gets read on each readable
     * root, which the background helper may apply later (until then the path is
     * narrower, never wider). Not on a filesystem root: Users already reads the
     * system there, and a recursive grant would rewrite every system file's ACL. */
    reopened = under(l->plan, i, 1u << CD_PLAN_DENY_READ);
    if (l->variant != CD_WIN_ELEVATED || is_fs_root(p->path))
      return 0;
    return push_group(l, p->path, CD_WIN_ACE_ALLOW, CD_WIN_MASK_READ, inheritance(p->is_dir), true,
                      reopened ? CD_WIN_WHY_REOPENED : CD_WIN_WHY_READABLE_ROOT);
  }
  return 0;
}

static cd_access access_of(const cd_plan *plan, const char *path) {
  const cd_plan_path *best = NULL;
  for (size_t i = 0; i < plan->n_paths; i++)
    if (cd_win_path_within(path, plan->paths[i].path))
      best = &plan->paths[i]; /* sorted: the last match is the most specific */
  return best ? cd_plan_kind_access(best->kind) : CD_ACCESS_NONE;
}

static bool has_explicit_deny(const lowering *l, const char *path) {
  for (size_t i = 0; i < l->len; i++)
    if (l->items[i].type == CD_WIN_ACE_DENY && l->items[i].trustee == CD_WIN_TRUSTEE_CAP &&
        strcmp(l->items[i].path, path) == 0)
      return true;
  return false;
}

/* Everyone is a restricting SID (lower_token.c), so a directory Everyone may write
 * to would be writable from the sandbox wherever it is. Outside the writable roots
 * each one gets an explicit deny; explicit, because such a directory usually grants
 * Everyone explicitly, and an inherited deny would come after that allow. */
static int lower_everyone_writable(lowering *l, const char *const *dirs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *dir = dirs[i];
    if (access_of(l->plan, dir) == CD_ACCESS_WRITE || has_explicit_deny(l, dir))
      continue;
    if (deny_write_caps(l, dir, true, CD_WIN_WHY_EVERYONE_WRITABLE) < 0)
      return -1;
  }
  return 0;
}

/* The cwd's read grant is never deferred. While read grants wait for the
 * background helper the command starts in a junction to the cwd, which spares it
 * traversing the ancestors (the caller's profile), but the cwd's own DACL still
 * decides what it may read there: a deferred grant would leave a read-only run
 * unable to read its own working directory until the helper finished. So the
 * grant on the cwd is applied before the command starts, at the cost of
 * propagating it over the cwd's tree synchronously. Only when the plan makes the
 * cwd readable (never under a deny_read path), only for a sandbox user (the caller
 * reads it already), never on a filesystem root (see READABLE_ROOT above). A
 * writable cwd has its immediate grants already (allow_write). */
static int grant_cwd_read(lowering *l) {
  const char *cwd = l->plan->cwd;
  if (l->variant != CD_WIN_ELEVATED || !cwd || is_fs_root(cwd) ||
      access_of(l->plan, cwd) != CD_ACCESS_READ)
    return 0;
  bool granted = false;
  for (size_t i = 0; i < l->len; i++) {
    cd_win_ace *a = &l->items[i];
    if (a->type == CD_WIN_ACE_ALLOW && a->trustee == CD_WIN_TRUSTEE_GROUP &&
        cd_win_path_within(a->path, cwd) && cd_win_path_within(cwd, a->path)) {
      a->deferred = false;
      granted = true;
    }
  }
  if (granted)
    return 0;
  return push_group(l, cwd, CD_WIN_ACE_ALLOW, CD_WIN_MASK_READ, CD_WIN_INHERIT_DIR, false,
                    CD_WIN_WHY_READABLE_ROOT);
}

/* Denies first, then allows, then the deferred read grants; by path within each
 * (parents first); stable otherwise. A prefix of this order never grants more than
 * the whole: an apply that stops half-way leaves less access, never more. */
static int apply_class(const cd_win_ace *a) {
  return a->type == CD_WIN_ACE_DENY ? 0 : a->deferred ? 2 : 1;
}

static void sort_aces(cd_win_ace *aces, size_t n) {
  /* Insertion sort: stable, and the lists are short. */
  for (size_t i = 1; i < n; i++) {
    cd_win_ace key = aces[i];
    size_t j = i;
    while (j > 0) {
      const cd_win_ace *prev = &aces[j - 1];
      int by_class = apply_class(prev) - apply_class(&key);
      if (by_class < 0 || (by_class == 0 && strcmp(prev->path, key.path) <= 0))
        break;
      aces[j] = aces[j - 1];
      j--;
    }
    aces[j] = key;
  }
}

static bool whole_fs_readable(const cd_plan *plan) {
  for (size_t i = 0; i < plan->n_paths; i++)
    if (is_fs_root(plan->paths[i].path) && plan->paths[i].kind != CD_PLAN_DENY_READ)
      return true;
  return false;
}

int cd_win_lower_aces(const cd_plan *plan, const cd_win_lower_input *in, unsigned caps_used,
                      cd_win_variant variant, cd_win_ace **out, size_t *n, cordon_error *err) {
  *out = NULL;
  *n = 0;
  /* Either identity reads what BUILTIN\Users (or the caller) can: a plan that reads
   * less than the whole filesystem cannot be expressed, only paths hidden on top. */
  if (!whole_fs_readable(plan))
    return cd_error_set(err, 0,
                        "readable roots: ':root' is not readable, and the Windows sandbox "
                        "cannot narrow reads to chosen roots (only hide deny_read paths)");
  lowering l = {
      .plan = plan, .caps = in->caps, .caps_used = caps_used, .variant = variant, .err = err};
  int r = 0;
  for (size_t i = 0; r == 0 && i < plan->n_paths; i++)
    r = lower_path(&l, i);
  if (r == 0)
    r = grant_cwd_read(&l);
  if (r == 0)
    r = lower_everyone_writable(&l, in->everyone_writable, in->n_everyone_writable);
  if (r < 0) {
    cd_win_aces_free(l.items, l.len);
    return -1;
  }
  sort_aces(l.items, l.len);
  *out = l.items;
  *n = l.len;
  return 0;
}

void cd_win_aces_free(cd_win_ace *aces, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(aces[i].path);
  free(aces);
}
