/* The cwd's stand-in while read ACLs are pending.
 *
 * A shell needs read access to every directory on the path of its working
 * directory; until the background helper has granted the sandbox group read on
 * them, the command starts instead in a junction that lives in the sandbox user's
 * profile (readable by it) and points at the cwd. A junction grants no access: the
 * ACLs of the cwd itself still decide. Setup creates the junction directory
 * <profile>\cordon-cwd, where the installing user may create junctions and the
 * sandbox users may only read. */
#ifndef CD_WIN_SETUP_JUNCTION_H
#define CD_WIN_SETUP_JUNCTION_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "cordon.h"

#define CD_JUNCTION_DIR L"cordon-cwd"

/* A stable name for TARGET's junction: "cwd-" and 16 hex digits of a hash of the
 * case-folded path (so two runs in one cwd share it). Pure. */
void cd_junction_name(const wchar_t *target, wchar_t out[32]);
/* Make LINK (must not exist, or be a junction: replaced) a junction to TARGET, an
 * existing directory given as an absolute path. */
int cd_junction_create(const wchar_t *link, const wchar_t *target, cordon_error *err);
/* The target of junction LINK into OUT. */
int cd_junction_target(const wchar_t *link, wchar_t *out, size_t size, cordon_error *err);
/* Remove junction LINK (not its target); a missing LINK is fine. */
int cd_junction_remove(const wchar_t *link, cordon_error *err);

#endif
