/* The TOML config file -> policy (see config.c for the format). */
#ifndef CD_CONFIG_H
#define CD_CONFIG_H

#include <stddef.h>

#include "policy/policy.h"

/* Load FILE (NULL: $XDG_CONFIG_HOME/cordon/config.toml, else
 * ~/.config/cordon/config.toml, if it exists) and apply PROFILE (NULL: the
 * default profile) to POLICY. */
int cd_config_load(cd_policy *policy, const char *file, const char *profile,
                   char *const envp[], cordon_error *err);
/* The same for text in memory; NAME is used in messages. */
int cd_config_apply_text(cd_policy *policy, const char *text, size_t len, const char *name,
                         const char *profile, cordon_error *err);

#endif
