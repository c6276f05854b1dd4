/* SIDs by string or by account name, owned as LocalAlloc'd memory (LocalFree). */
#ifndef CD_WIN_COMMON_SID_H
#define CD_WIN_COMMON_SID_H

#include <windows.h>

#include "cordon.h"

/* "S-1-..." -> a new SID. */
int cd_sid_parse(const char *text, PSID *out, cordon_error *err);
/* A local account or group NAME (UTF-8) -> a new SID. */
int cd_sid_lookup(const char *name, PSID *out, cordon_error *err);
/* SID -> "S-1-..." into BUF. */
int cd_sid_format(PSID sid, char *buf, size_t size, cordon_error *err);
/* The user SID of TOKEN (a new SID). */
int cd_sid_token_user(HANDLE token, PSID *out, cordon_error *err);

/* TEXT (a capability SID) must name no account or group on this machine: a
 * restricting SID that is also a real account's would let the sandbox write
 * wherever that account may. */
int cd_sid_check_unmapped(const char *text, cordon_error *err);

#endif
