/* Directories Everyone may write to, outside the writable roots.
 *
 * Everyone is one of the restricting SIDs of the sandbox token (it has to be: much
 * of Windows only works with it), so an ACE that lets Everyone write makes that
 * directory writable from the sandbox whatever the capability SIDs say. The
 * lowering takes this list and puts a deny ACE for the capability SIDs on each. */
#ifndef CD_WIN_SETUP_EVERYONE_WRITABLE_H
#define CD_WIN_SETUP_EVERYONE_WRITABLE_H

#include <stdbool.h>
#include <windows.h>

#include "common/strv.h"
#include "cordon.h"

/* Rights that count as "may write" in a directory. */
#define CD_WRITE_RIGHTS                                                               \
  (FILE_ADD_FILE | FILE_ADD_SUBDIRECTORY | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES |    \
   FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER)

/* Whether DACL (NULL: no DACL, everyone may do anything) lets Everyone write. */
int cd_dacl_everyone_writes(PACL dacl, bool *writes, cordon_error *err);

/* Walk ROOTS (UTF-8, absolute) down to DEPTH levels below each, skipping links,
 * junctions and every directory within SKIP (the writable roots, whose own ACEs
 * already decide), and append each directory Everyone may write to to OUT (UTF-8).
 * Unreadable directories are skipped: what cordon cannot read, it cannot judge,
 * and the walk runs as the user whose sandbox it prepares. */
int cd_find_everyone_writable(const char *const *roots, size_t n_roots,
                              const char *const *skip, size_t n_skip, int depth,
                              cd_strv *out, cordon_error *err);

#endif
