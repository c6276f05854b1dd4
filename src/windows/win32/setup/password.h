/* Random passwords for the sandbox users. Nobody types them: they only need to
 * be strong and to satisfy any local complexity policy. */
#ifndef CD_WIN_SETUP_PASSWORD_H
#define CD_WIN_SETUP_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#include "cordon.h"

#define CD_PASSWORD_LEN 32

/* Map random bytes RND to a password of LEN characters into OUT (LEN + 1 bytes),
 * without modulo bias (bytes that would bias the alphabet are skipped). Returns
 * the number of bytes of RND used, or -1 when RND ran out or the result lacks one
 * of the four classes (upper, lower, digit, symbol): draw new bytes and retry. */
int cd_password_from_bytes(const uint8_t *rnd, size_t nrnd, char *out, size_t len);
/* A fresh password from the system RNG (BCryptGenRandom). */
int cd_password_generate(char out[CD_PASSWORD_LEN + 1], cordon_error *err);

#endif
