/* Who the command runs as, and the restricted token it gets. */
#include "windows/ops.h"

#include <stdio.h>

static bool has_deny_read(const cd_plan *plan) {
  for (size_t i = 0; i < plan->n_paths; i++)
    if (plan->paths[i].kind == CD_PLAN_DENY_READ)
      return true;
  return false;
}

void cd_win_lower_identity(const cd_plan *plan, cd_win_variant asked, cd_win_identity *out) {
  *out = (cd_win_identity){.variant = CD_WIN_ELEVATED, .group = CD_WIN_GROUP};
  /* Firewall rules and WFP filters match a user, not a token: only a process that
   * really runs as the offline user is kept off the network. So offline and proxy
   * runs use that user even when the caller asked for the unelevated sandbox; an
   * environment variable that merely asks the command not to connect would be no
   * enforcement at all. */
  if (plan->network.mode != CD_NET_ONLINE) {
    out->user = CD_WIN_USER_OFFLINE;
    out->reason = plan->network.mode == CD_NET_PROXY
                      ? "proxy: the offline user's firewall rules admit only the relay ports"
                      : "offline: the offline user's firewall rules and WFP filters block "
                        "the network";
    return;
  }
  out->user = CD_WIN_USER_ONLINE;
  if (asked == CD_WIN_ELEVATED) {
    out->reason = "online: the online user, no network rules";
    return;
  }
  /* The token is write-restricted (see cd_win_lower_token): reads are decided by the
   * identity's own SIDs. The caller's own SIDs can read the caller's secrets, and no
   * ACE can deny them without locking the caller out too; a sandbox user's group
   * can be denied instead. */
  if (has_deny_read(plan)) {
    out->reason = "online with hidden paths: only a sandbox user can be denied reading them";
    return;
  }
  out->variant = CD_WIN_UNELEVATED;
  out->user = NULL;
  out->reason = "online without hidden paths: the caller's own token, write-restricted";
}

static void add_sid(cd_win_token *t, cd_win_token_sid_kind kind, cd_win_cap cap,
                    const char *sid) {
  cd_win_token_sid *s = &t->sids[t->n_sids++];
  *s = (cd_win_token_sid){.kind = kind, .cap = cap};
  if (sid)
    snprintf(s->sid, sizeof s->sid, "%s", sid);
}

void cd_win_lower_token(const cd_win_cap_sids *caps, unsigned caps_used, cd_win_variant variant,
                        cd_win_token *out) {
  /* WRITE_RESTRICTED: the restricting SIDs are checked for writes only, so the
   * command reads what its identity may read (the whole system, minus the deny_read
   * ACEs) while every write must also be allowed to a restricting SID.
   * DISABLE_MAX_PRIVILEGE drops every privilege but SeChangeNotifyPrivilege: backup,
   * restore and take-ownership would each bypass the ACLs. LUA_TOKEN: the token is
   * filtered like a UAC token, so an administrator's token loses its admin rights. */
  *out = (cd_win_token){
      .flags = CD_WIN_DISABLE_MAX_PRIVILEGE | CD_WIN_LUA_TOKEN | CD_WIN_WRITE_RESTRICTED};
  /* Logon and Everyone: the command's console, its pipes and the desktop grant
   * write to these; without them the command could not write its own output. They
   * also make every Everyone-writable directory writable, hence the deny ACEs on
   * those (lower_acl.c). */
  add_sid(out, CD_WIN_TOKEN_LOGON, 0, NULL);
  add_sid(out, CD_WIN_TOKEN_EVERYONE, 0, CD_WIN_SID_EVERYONE);
  /* Only the capability SIDs this plan's allow ACEs use: carrying another one
   * would bring along every allow that SID got from other runs. */
  for (cd_win_cap c = 0; c < CD_WIN_CAP_COUNT; c++)
    if (caps_used & (1u << c))
      add_sid(out, CD_WIN_TOKEN_CAP, c, caps->sid[c]);
  /* A sandbox user owns the pipes and objects it creates with default DACLs; with
   * its own SID restricting too, writing to them passes the restricted check (tools
   * like ninja hang otherwise). The user itself is granted nothing by any ACE, so
   * this adds no file access. The caller's SID is never added: it would make every
   * file the caller can write writable. */
  if (variant == CD_WIN_ELEVATED)
    add_sid(out, CD_WIN_TOKEN_SANDBOX_USER, 0, NULL);
}
