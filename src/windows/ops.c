/* Small helpers of the Windows ops: names, paths, GUID and SDDL text, freeing. */
#include "windows/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cd_win_cap_name(cd_win_cap cap) {
  static const char *const names[] = {
      [CD_WIN_CAP_GENERIC] = "generic",
      [CD_WIN_CAP_WORKSPACE] = "workspace",
      [CD_WIN_CAP_READONLY] = "readonly",
  };
  return names[cap];
}

const char *cd_win_ace_why_name(cd_win_ace_why why) {
  static const char *const names[] = {
      [CD_WIN_WHY_WRITABLE_ROOT] = "writable_root",
      [CD_WIN_WHY_REOPENED] = "reopened",
      [CD_WIN_WHY_READABLE_ROOT] = "readable_root",
      [CD_WIN_WHY_DENY_WRITE] = "deny_write",
      [CD_WIN_WHY_DENY_READ] = "deny_read",
      [CD_WIN_WHY_EVERYONE_WRITABLE] = "everyone_writable",
  };
  return names[why];
}

static bool is_separator(char c) { return c == '/' || c == '\\'; }

bool cd_win_path_within(const char *path, const char *ancestor) {
  size_t n = strlen(ancestor);
  if (n == 0 || strncmp(path, ancestor, n) != 0)
    return false;
  /* "/" and "C:\" end with a separator: everything below them starts with them. */
  return is_separator(ancestor[n - 1]) || path[n] == '\0' || is_separator(path[n]);
}

bool cd_win_cap_sid_valid(const char *sid) {
  static const char prefix[] = "S-1-5-21-";
  if (strncmp(sid, prefix, sizeof prefix - 1) != 0)
    return false;
  const char *p = sid + sizeof prefix - 1;
  for (int i = 0; i < 4; i++) {
    if (i > 0 && *p++ != '-')
      return false;
    /* Canonical decimal: digits, no leading zero, at most 4294967295. */
    const char *start = p;
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9' && p - start < 10)
      v = v * 10 + (uint64_t)(*p++ - '0');
    if (p == start || (*start == '0' && p - start > 1) || v > UINT32_MAX)
      return false;
  }
  return *p == '\0';
}

void cd_win_cap_sids_clear(cd_win_cap_sids *caps) {
  free(caps->workspace_root);
  *caps = (cd_win_cap_sids){0};
}

const char *cd_win_workspace_root(const cd_plan *plan) {
  for (size_t i = 0; i < plan->n_paths; i++)
    if (plan->paths[i].kind == CD_PLAN_WRITABLE_ROOT && strcmp(plan->paths[i].path, plan->cwd) == 0)
      return plan->paths[i].path;
  return NULL;
}

void cd_win_guid_format(const cd_win_guid *g, char buf[static 39]) {
  snprintf(buf, 39, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned)g->data1,
           (unsigned)g->data2, (unsigned)g->data3, g->data4[0], g->data4[1], g->data4[2],
           g->data4[3], g->data4[4], g->data4[5], g->data4[6], g->data4[7]);
}

void cd_win_user_sddl(const char *user_sid, const char *account, char out[CD_WIN_SDDL_MAX]) {
  if (user_sid)
    snprintf(out, CD_WIN_SDDL_MAX, "O:LSD:(A;;CC;;;%.*s)", CD_WIN_SID_MAX - 1, user_sid);
  else
    snprintf(out, CD_WIN_SDDL_MAX, "O:LSD:(A;;CC;;;<%.*s>)", CD_WIN_SID_MAX - 1, account);
}

void cd_win_ops_clear(cd_win_ops *ops) {
  cd_strv_free(&ops->create);
  cd_win_cap_sids_clear(&ops->caps);
  cd_win_aces_free(ops->aces, ops->n_aces);
  free(ops->fw_rules);
  free(ops->wfp_filters);
  *ops = (cd_win_ops){0};
}
