/* The sandbox identities: local users CD_WIN_USER_OFFLINE and CD_WIN_USER_ONLINE
 * in group CD_WIN_GROUP (NetApi; needs elevation). */
#ifndef CD_WIN_SETUP_USERS_H
#define CD_WIN_SETUP_USERS_H

#include <stdbool.h>
#include <windows.h>

#include "cordon.h"

/* The group, created if missing. */
int cd_group_ensure(cordon_error *err);
/* USER with PASSWORD: created if missing, else its password reset and its flags
 * repaired; a member of the group; hidden from the sign-in screen. */
int cd_user_ensure(const char *user, const char *password, cordon_error *err);
/* Whether USER exists on this machine. */
int cd_user_exists(const char *user, bool *exists, cordon_error *err);
/* Log USER on with PASSWORD (interactive logon, what the runner's launch does).
 * *OK false (and 0 returned) for a wrong password; TOKEN, when not NULL, gets
 * the logon token (CloseHandle). */
int cd_user_logon(const char *user, const char *password, bool *ok, HANDLE *token,
                  cordon_error *err);
/* Load USER's profile once (created on first load; needs elevation) and give its
 * path in *PROFILE (free()). */
int cd_user_profile(HANDLE token, const char *user, wchar_t **profile, cordon_error *err);

/* USER's profile directory from the registry (ProfileList), without logging on:
 * what an unelevated parent uses. Exists once setup has loaded it. */
int cd_user_profile_dir(const char *user, wchar_t **profile, cordon_error *err);

#endif
