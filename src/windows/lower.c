/* The whole Windows lowering: plan -> ops, from the pieces in lower_*.c. */
#include <string.h>

#include "common/error.h"
#include "windows/ops.h"

/* The SIDs must be the ones of this plan's workspace, and of cordon's own form: an
 * allow ACE for a capability SID that is really an account or a well-known group
 * (Everyone, the caller) would grant that account write access. */
static int check_caps(const cd_plan *plan, const cd_win_cap_sids *caps, unsigned used,
                      cordon_error *err) {
  const char *root = cd_win_workspace_root(plan);
  const char *given = caps->workspace_root;
  if ((root == NULL) != (given == NULL) || (root && strcmp(root, given) != 0))
    return cd_error_set(err, 0,
                        "capability SIDs: given for workspace '%s' but the plan's workspace "
                        "root is '%s'",
                        given ? given : "(none)", root ? root : "(none)");
  for (cd_win_cap c = 0; c < CD_WIN_CAP_COUNT; c++)
    if ((used & (1u << c)) && !cd_win_cap_sid_valid(caps->sid[c]))
      return cd_error_set(err, 0, "capability SIDs: %s SID '%s' is not a cordon capability SID",
                          cd_win_cap_name(c), caps->sid[c]);
  return 0;
}

int cd_win_lower(const cd_plan *plan, const cd_win_lower_input *in, cd_win_ops *ops,
                 cordon_error *err) {
  *ops = (cd_win_ops){.setup_version = CD_WIN_SETUP_VERSION};
  /* danger-full-access: the resolver already refused any restriction alongside it. */
  if (plan->mode == CD_MODE_DANGER_FULL_ACCESS) {
    ops->unsandboxed = true;
    return 0;
  }
  unsigned used = cd_win_caps_used(plan, in->caps);
  if (check_caps(plan, in->caps, used, err) < 0)
    return -1;
  ops->caps_used = used;
  memcpy(ops->caps.sid, in->caps->sid, sizeof ops->caps.sid);
  if (in->caps->workspace_root && !(ops->caps.workspace_root = strdup(in->caps->workspace_root))) {
    cd_error_oom(err);
    goto fail;
  }
  cd_win_lower_identity(plan, in->variant, &ops->identity);
  cd_win_lower_token(in->caps, used, ops->identity.variant, &ops->token);
  if (cd_win_lower_aces(plan, in, used, ops->identity.variant, &ops->aces, &ops->n_aces, err) < 0 ||
      cd_win_map_relays(&plan->network, ops->relays, &ops->n_relays, err) < 0)
    goto fail;
  /* The rules and filters confine the offline user; online runs get none. */
  if (plan->network.mode != CD_NET_ONLINE &&
      (cd_win_lower_firewall(plan->network.allow_local_binding, in->offline_user_sid,
                             &ops->fw_rules, &ops->n_fw_rules, err) < 0 ||
       cd_win_lower_wfp(in->offline_user_sid, &ops->wfp_filters, &ops->n_wfp_filters, err) < 0))
    goto fail;
  for (size_t i = 0; i < plan->create.len; i++)
    if (cd_strv_push(&ops->create, plan->create.items[i]) < 0) {
      cd_error_oom(err);
      goto fail;
    }
  return 0;
fail:
  cd_win_ops_clear(ops);
  return -1;
}
