/* The restricted token a sandboxed command runs with, built from the lowering's
 * token spec (cd_win_token). */
#ifndef CD_WIN_COMMON_TOKEN_H
#define CD_WIN_COMMON_TOKEN_H

#include <windows.h>

#include "cordon.h"
#include "windows/ops.h"

/* BASE: a primary token opened with TOKEN_DUPLICATE | TOKEN_QUERY |
 * TOKEN_ASSIGN_PRIMARY | TOKEN_ADJUST_DEFAULT (the new token's handle has the same
 * rights, and its default DACL is set here) (the caller's own
 * in the unelevated variant; the sandbox user's, inside the runner, in the elevated
 * one). USER: the identity's account (cd_win_identity.user), required when SPEC
 * names CD_WIN_TOKEN_SANDBOX_USER, and checked to be BASE's user. *OUT is a new
 * primary token; close it with CloseHandle. */
int cd_token_restricted(HANDLE base, const cd_win_token *spec, const char *user,
                        HANDLE *out, cordon_error *err);

#endif
