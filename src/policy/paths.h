/* Path canonicalisation for the resolver. Every path in a plan goes through here,
 * so that symlinks are resolved once, at resolve time: a root cannot be redirected
 * later by swapping a symlink. */
#ifndef CD_PATHS_H
#define CD_PATHS_H

#include <stdbool.h>

#include "cordon.h"

/* Canonicalise absolute PATH: resolve every symlink of its longest existing prefix
 * (realpath), then append the components that do not exist yet. Refused: a '..'
 * after a missing component (the kernel would not resolve it lexically either), a
 * dangling symlink, a symlink loop, a non-directory in the middle, or a result
 * longer than PATH_MAX. *EXISTS tells whether the whole path exists. */
int cd_path_canonicalize(const char *path, char **out, bool *exists, cordon_error *err);

/* Drop "." components, repeated slashes and each ".." with the component before it,
 * in place, without looking at the filesystem. For paths that are only names to
 * compare (ssh-config values), never for paths a sandbox will open. */
void cd_path_normalize_lexically(char *path);

/* Join DIR and NAME with one '/'. NULL on allocation failure. */
char *cd_path_join(const char *dir, const char *name);

#endif
