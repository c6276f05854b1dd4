/* The Windows ops as JSON and as text, for `cordon explain --platform windows`.
 * Native only (json-c): the Windows executables apply ops, they do not print them. */
#ifndef CD_WIN_OPS_JSON_H
#define CD_WIN_OPS_JSON_H

#include <json-c/json.h>
#include <stdio.h>

#include "windows/ops.h"

/* Keys: setup_version, unsandboxed, capability_sids, identity, token, aces (in
 * apply order), create, relay_ports, firewall_rules, wfp_filters. */
json_object *cd_win_ops_to_json(const cd_win_ops *ops);
void cd_win_ops_print(const cd_win_ops *ops, FILE *out);

#endif
