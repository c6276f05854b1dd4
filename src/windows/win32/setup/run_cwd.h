/* The directory a sandboxed command starts in: its cwd, or, while read grants wait
 * in the background helper's queue, a junction to it in the sandbox user's
 * profile (junction.h says why). */
#ifndef CD_WIN_SETUP_RUN_CWD_H
#define CD_WIN_SETUP_RUN_CWD_H

#include <stddef.h>
#include <wchar.h>

#include "cordon.h"

/* HOME: cordon home (its read ACL queue); SANDBOX_USER: the identity the command
 * runs as (NULL: the caller's own, unelevated: no junction is needed, the caller
 * can read its own path); CWD: absolute. *OUT: newly allocated. WARNING gets the
 * reason a background read grant failed ("" if none), for the caller to print:
 * the run goes on (the grant only ever narrows what the sandbox can read). */
int cd_run_cwd(const wchar_t *home, const char *sandbox_user, const wchar_t *cwd, wchar_t **out,
               char *warning, size_t size, cordon_error *err);

#endif
