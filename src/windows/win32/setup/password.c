#include "password.h"

#include <stdbool.h>
#include <string.h>
#include <windows.h>
#include <bcrypt.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

/* Letters, digits and symbols, without quotes, spaces, backslash or the cmd.exe
 * metacharacters (%, ^, &, |, <, >), so the password survives any command line. */
static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789!#$()*+,-.:;=?@[]_{}~";

int cd_password_from_bytes(const uint8_t *rnd, size_t nrnd, char *out, size_t len) {
  const unsigned n = sizeof alphabet - 1;
  const unsigned limit = 256 - 256 % n; /* bytes >= limit would favour low symbols */
  size_t used = 0;
  for (size_t i = 0; i < len; i++) {
    while (used < nrnd && rnd[used] >= limit)
      used++;
    if (used == nrnd)
      return -1;
    out[i] = alphabet[rnd[used++] % n];
  }
  out[len] = '\0';
  bool upper = false, lower = false, digit = false, symbol = false;
  for (size_t i = 0; i < len; i++) {
    char c = out[i];
    upper |= c >= 'A' && c <= 'Z';
    lower |= c >= 'a' && c <= 'z';
    digit |= c >= '0' && c <= '9';
    symbol |= strchr("!#$()*+,-.:;=?@[]_{}~", c) != NULL;
  }
  return upper && lower && digit && symbol ? (int)used : -1;
}

int cd_password_generate(char out[CD_PASSWORD_LEN + 1], cordon_error *err) {
  /* Twice the bytes needed leaves room for the skipped ones; a miss (a class
   * missing, or too many skips) is rare, so a few rounds always suffice. */
  uint8_t rnd[CD_PASSWORD_LEN * 2];
  for (int round = 0; round < 16; round++) {
    NTSTATUS st = BCryptGenRandom(NULL, rnd, sizeof rnd, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (st < 0) {
      SecureZeroMemory(rnd, sizeof rnd);
      return cd_win_error(err, (DWORD)st, "random password (BCryptGenRandom)");
    }
    int used = cd_password_from_bytes(rnd, sizeof rnd, out, CD_PASSWORD_LEN);
    SecureZeroMemory(rnd, sizeof rnd);
    if (used >= 0)
      return 0;
  }
  SecureZeroMemory(out, CD_PASSWORD_LEN + 1);
  return cd_error_set(err, 0, "random password: the system RNG gave unusable bytes");
}
