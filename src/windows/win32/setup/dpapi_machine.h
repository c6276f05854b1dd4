/* The sandbox users' passwords at rest: DPAPI with machine scope. */
#ifndef CD_WIN_SETUP_DPAPI_MACHINE_H
#define CD_WIN_SETUP_DPAPI_MACHINE_H

#include <stddef.h>
#include <windows.h>

#include "cordon.h"

/* Encrypt DATA into a new blob (free with free()). */
int cd_dpapi_protect(const void *data, size_t len, BYTE **blob, size_t *blob_len,
                     cordon_error *err);
/* Decrypt BLOB into a new buffer (wipe with SecureZeroMemory, then free()). */
int cd_dpapi_unprotect(const BYTE *blob, size_t blob_len, BYTE **data, size_t *len,
                       cordon_error *err);

#endif
