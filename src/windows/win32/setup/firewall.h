/* The offline user's Windows Firewall rules (INetFwPolicy2 over COM), from the
 * lowering's data (cd_win_lower_firewall). The caller has initialised COM. */
#ifndef CD_WIN_SETUP_FIREWALL_H
#define CD_WIN_SETUP_FIREWALL_H

#include <stddef.h>

#include "cordon.h"
#include "windows/ops.h"

/* Install RULES (each replaced by name) and remove every other rule of cordon's
 * grouping, left by an older version. */
int cd_firewall_apply(const cd_win_fw_rule *rules, size_t n, cordon_error *err);
/* Read every rule back by name and check it is there, enabled, and as asked; and
 * that the firewall is on in every profile (rules of a profile that is off do
 * nothing). */
int cd_firewall_verify(const cd_win_fw_rule *rules, size_t n, const char *user_sid,
                       cordon_error *err);

#endif
