/* The user's secrets: paths the sandbox may never read unless a user entry names
 * them exactly. */
#ifndef CD_SECRETS_H
#define CD_SECRETS_H

#include "common/strv.h"
#include "cordon.h"

/* Append to OUT the absolute (not yet canonical) secret paths for the user whose
 * home is HOME: the built-in list, and every file ~/.ssh/config depends on, each
 * mapped to the top-level child of HOME that holds it (so a whole key directory is
 * hidden, not just the one file named today), or, outside HOME, cut at the first
 * component that holds a run-time token such as %h. A path that starts with an
 * environment variable is expanded from ENVP. Paths may not exist. */
int cd_secrets_collect(const char *home, char *const envp[], cd_strv *out, cordon_error *err);

#endif
