/* Machine scope (CRYPTPROTECT_LOCAL_MACHINE) and not user scope, because the one
 * who encrypts is not the one who decrypts: the elevated setup (an administrator,
 * or an admin provisioning another user) writes the blob, and the user's own
 * unelevated cordon reads it at every launch. Machine scope means any local
 * account that can READ the blob can decrypt it, so the protection is the file's
 * DACL (see secrets.c): only SYSTEM, Administrators and the owning user. */
#include "dpapi_machine.h"

#include <wincrypt.h>
#include <dpapi.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

/* Copy a LocalAlloc'd DATA_BLOB into malloc'd memory, wiping the original. */
static int take_blob(DATA_BLOB *in, BYTE **out, size_t *out_len, cordon_error *err) {
  BYTE *copy = malloc(in->cbData ? in->cbData : 1);
  if (copy)
    memcpy(copy, in->pbData, in->cbData);
  SecureZeroMemory(in->pbData, in->cbData);
  LocalFree(in->pbData);
  if (!copy)
    return cd_error_oom(err);
  *out = copy;
  *out_len = in->cbData;
  return 0;
}

int cd_dpapi_protect(const void *data, size_t len, BYTE **blob, size_t *blob_len,
                     cordon_error *err) {
  DATA_BLOB in = {(DWORD)len, (BYTE *)data}, out = {0, NULL};
  /* UI_FORBIDDEN: setup may run without a desktop; never block on a prompt. */
  if (!CryptProtectData(&in, L"cordon sandbox user password", NULL, NULL, NULL,
                        CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &out))
    return cd_win_error(err, GetLastError(), "encrypt with DPAPI (machine scope)");
  return take_blob(&out, blob, blob_len, err);
}

int cd_dpapi_unprotect(const BYTE *blob, size_t blob_len, BYTE **data, size_t *len,
                       cordon_error *err) {
  DATA_BLOB in = {(DWORD)blob_len, (BYTE *)blob}, out = {0, NULL};
  if (!CryptUnprotectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out))
    return cd_win_error(err, GetLastError(), "decrypt with DPAPI");
  return take_blob(&out, data, len, err);
}
