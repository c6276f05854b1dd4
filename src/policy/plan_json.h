#ifndef CD_PLAN_JSON_H
#define CD_PLAN_JSON_H

#include <json-c/json.h>
#include <stdio.h>

#include "policy/plan.h"

/* Keys: mode, cwd, readable_roots, writable_roots, deny_write, deny_read, create
 * (arrays of absolute paths), network {mode, proxy_ports, allow_local_binding},
 * env_set (object), env_unset (array), paths (each with kind, origin, dir). */
json_object *cd_plan_to_json_object(const cd_plan *plan);
void cd_plan_print(const cd_plan *plan, FILE *out);

#endif
