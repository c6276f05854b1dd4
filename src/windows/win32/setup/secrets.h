/* The sandbox users' passwords, DPAPI-encrypted (machine scope, see dpapi.c):
 *  - <cordon home>\secrets\<account>.dpapi: the copy the user's cordon reads at
 *    every launch; the directory's DACL admits SYSTEM, Administrators and the
 *    home's user only, and denies the sandbox group outright;
 *  - HKLM\SOFTWARE\cordon\SandboxSecrets: the machine's copy, administrators and
 *    SYSTEM only, so a second Windows user's setup reuses the passwords instead of
 *    resetting them (which would break every other user's stored copy). */
#ifndef CD_WIN_SETUP_SECRETS_H
#define CD_WIN_SETUP_SECRETS_H

#include <windows.h>

#include "cordon.h"

#define CD_SECRETS_DIR L"secrets"

/* Create DIR if missing and give it the DACL above. USER: the home's user. */
int cd_secrets_dir_prepare(const wchar_t *dir, PSID user, cordon_error *err);
/* DIR\ACCOUNT.dpapi. Load: *PASSWORD is NULL (and 0 returned) when there is none;
 * free it with cd_secret_free. */
int cd_secret_save(const wchar_t *dir, const char *account, const char *password,
                   cordon_error *err);
int cd_secret_load(const wchar_t *dir, const char *account, char **password,
                   cordon_error *err);
/* The machine's copy (needs elevation). Same contract as above. */
int cd_vault_save(const char *account, const char *password, cordon_error *err);
int cd_vault_load(const char *account, char **password, cordon_error *err);
/* Wipe and free a password. */
void cd_secret_free(char *password);

#endif
