/* ACE ops (cd_win_ace, from the lowering) applied to files and directories. */
#ifndef CD_WIN_SETUP_ACL_APPLY_H
#define CD_WIN_SETUP_ACL_APPLY_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"
#include "windows/ops.h"

/* The trustee SID of ACE: its capability SID, or the sandbox group looked up on
 * this machine. *SID is LocalFree'd by the caller. */
int cd_acl_trustee_sid(const cd_win_ace *ace, PSID *sid, cordon_error *err);

/* True when OLD (may be NULL: no DACL) already holds ACE for SID as an explicit
 * ACE with at least its rights and exactly its inheritance. */
bool cd_acl_has(PACL old, const cd_win_ace *ace, PSID sid);

/* ACL rewritten in canonical order: explicit denies, explicit allows, then the
 * inherited ACEs as they were. A new ACL in *OUT (LocalFree). */
int cd_acl_canonical(PACL acl, PACL *out, cordon_error *err);

/* OLD with ACE for SID added, in canonical order (explicit deny, explicit allow,
 * inherited): a new ACL in *OUT (LocalFree). */
int cd_acl_merge(PACL old, const cd_win_ace *ace, PSID sid, PACL *out, cordon_error *err);

/* Apply ACE to its path now, unless already there (re-runs cost nothing). */
int cd_acl_apply_one(const cd_win_ace *ace, cordon_error *err);

typedef enum cd_acl_which {
  CD_ACL_IMMEDIATE, /* the ACEs a run needs before it starts (deferred == false) */
  CD_ACL_DEFERRED,  /* the read grants the background helper applies */
  CD_ACL_ALL,
} cd_acl_which;

/* Apply the ACEs of ACES selected by WHICH, in their order (the lowering's order
 * makes every prefix safe). Stops at the first failure, naming the ACE. */
int cd_acl_apply_list(const cd_win_ace *aces, size_t n, cd_acl_which which,
                      cordon_error *err);

#endif
