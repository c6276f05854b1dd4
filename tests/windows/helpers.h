/* Helpers for the Windows lowering tests: hand-built plans, fixed SIDs, finding
 * ACEs, and real temporary trees for the resolver and the SID store. */
#ifndef CD_TEST_WIN_HELPERS_H
#define CD_TEST_WIN_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy/plan.h"
#include "policy/policy.h"
#include "windows/cap_sids.h"
#include "windows/ops.h"

#define SID_GENERIC "S-1-5-21-1-2-3-1001"
#define SID_WORKSPACE "S-1-5-21-1-2-3-1002"
#define SID_READONLY "S-1-5-21-1-2-3-1003"
#define SID_OFFLINE_USER "S-1-5-21-9-9-9-1005"

/* A plan with CWD and nothing else; add paths with plan_add (kept sorted). */
cd_plan *plan_new(cd_mode mode, cd_network_mode net, const char *cwd);
void plan_add(cd_plan *plan, const char *path, cd_plan_kind kind, bool is_dir);
void plan_add_proxy_port(cd_plan *plan, uint16_t port);

/* Fixed SIDs; the workspace root is ROOT (NULL: none). Clear with cd_win_cap_sids_clear. */
void caps_fixed(cd_win_cap_sids *caps, const char *root);

/* One expected ACE (cap is ignored for the group). */
typedef struct ace_want {
  const char *path;
  cd_win_ace_type type;
  cd_win_trustee trustee;
  cd_win_cap cap;
  uint32_t mask;
  uint32_t inheritance;
  bool deferred;
  cd_win_ace_why why;
} ace_want;
/* Fails unless ACES are exactly WANT, in order. */
void assert_aces(const cd_win_ace *aces, size_t n, const ace_want *want, size_t n_want);
/* How many ACEs are on PATH with TYPE. */
size_t count_aces(const cd_win_ace *aces, size_t n, const char *path, cd_win_ace_type type);

/* A deterministic random source: bytes counting up from *(unsigned char *)ctx. */
int counting_random(void *buf, size_t len, void *ctx, cordon_error *err);

/* Real trees: a fresh canonical directory under /var/tmp (not /tmp, which is a
 * writable root in workspace-write), removed by tree_remove. */
void tree_make(char out[4096]);
void tree_mkdirs(const char *root, const char *rel);
void tree_write(const char *root, const char *rel, const char *text);
char *tree_read(const char *root, const char *rel); /* malloc'd, NULL if missing */
void tree_remove(const char *root);
/* ROOT/REL into a static rotating buffer. */
const char *tree_at(const char *root, const char *rel);

#endif
