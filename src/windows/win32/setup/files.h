/* Small state files of the cordon home (marker, progress, cap_sids, secrets):
 * read whole, written atomically so a crash never leaves half a file. */
#ifndef CD_WIN_SETUP_FILES_H
#define CD_WIN_SETUP_FILES_H

#include <stddef.h>
#include <wchar.h>

#include "cordon.h"

/* Read PATH whole (at most 1 MiB) into a new buffer, NUL-terminated for
 * convenience. A missing file is not an error: *DATA is NULL and 0 returned. */
int cd_file_read(const wchar_t *path, char **data, size_t *len, cordon_error *err);
/* Replace PATH with DATA: written to PATH.tmp, flushed, then renamed over PATH. */
int cd_file_write_atomic(const wchar_t *path, const void *data, size_t len,
                         cordon_error *err);
/* Create directory PATH if missing (its parent must exist). */
int cd_dir_ensure(const wchar_t *path, cordon_error *err);

#endif
