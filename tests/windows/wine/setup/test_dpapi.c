/* DPAPI with machine scope, as the sandbox users' passwords are stored: the blob
 * round-trips, a damaged blob is refused, and secrets\<account>.dpapi on disk
 * reads back. Skipped (77) if this Wine has no CryptProtectData. */
#include <string.h>

#include "check.h"
#include "dpapi_machine.h"
#include "files.h"
#include "secrets.h"
#include "windows/win32/common/winutil.h"

static bool contains(const BYTE *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return true;
  return false;
}

int main(void) {
  cordon_error err = {0};
  const char secret[] = "Tr0ub4dor&3-cordon";
  BYTE *blob = NULL, *plain = NULL;
  size_t blob_len = 0, plain_len = 0;
  if (cd_dpapi_protect(secret, strlen(secret), &blob, &blob_len, &err) < 0)
    SKIP("CryptProtectData(CRYPTPROTECT_LOCAL_MACHINE) is not available here: %s", err.message);
  CHECK(blob_len > strlen(secret) && !contains(blob, blob_len, secret),
        "the blob does not hold the password in clear");
  CHECK(cd_dpapi_unprotect(blob, blob_len, &plain, &plain_len, &err) == 0 &&
            plain_len == strlen(secret) && memcmp(plain, secret, plain_len) == 0,
        "the blob decrypts back");
  free(plain);
  /* The signature at the end: Windows checks every byte of a blob, Wine skips
   * some header fields, both check the signature. */
  blob[blob_len - 1] ^= 0x55;
  memset(&err, 0, sizeof err);
  CHECK(cd_dpapi_unprotect(blob, blob_len, &plain, &plain_len, &err) < 0 && err.message[0],
        "a blob with a damaged signature is refused: %s", err.message);
  free(blob);

  const wchar_t *tmp = check_tempdir(L"dpapi");
  wchar_t *dir = cd_wjoin(tmp, L"secrets");
  char *back = NULL;
  CHECK(cd_dir_ensure(dir, &err) == 0, "secrets directory created");
  CHECK(cd_secret_load(dir, "CordonSandboxOffline", &back, &err) == 0 && !back,
        "a missing password is no error, just absent");
  CHECK(cd_secret_save(dir, "CordonSandboxOffline", secret, &err) == 0, "password stored");
  CHECK(cd_secret_load(dir, "CordonSandboxOffline", &back, &err) == 0 && back &&
            strcmp(back, secret) == 0,
        "password reads back from secrets\\CordonSandboxOffline.dpapi");
  cd_secret_free(back);
  free(dir);
  return check_done();
}
