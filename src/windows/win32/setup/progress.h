/* Which steps of an elevated setup are done, recorded after each step in
 * <cordon home>\setup_progress, so a setup that stops half-way says how far it got
 * and the next run (every step is idempotent) repairs the rest. Pure C.
 *
 *   cordon-setup-progress
 *   done users
 *   done secrets
 */
#ifndef CD_WIN_SETUP_PROGRESS_H
#define CD_WIN_SETUP_PROGRESS_H

#include <stddef.h>

#include "cordon.h"

#define CD_PROGRESS_MAGIC "cordon-setup-progress"

/* In the order setup runs them. */
typedef enum cd_setup_step {
  CD_STEP_USERS,    /* sandbox users and group, with fresh or kept passwords */
  CD_STEP_SECRETS,  /* the passwords, encrypted, in the home's secrets\ */
  CD_STEP_PROFILES, /* the sandbox users' profiles and junction directories */
  CD_STEP_FIREWALL, /* the offline user's firewall rules */
  CD_STEP_WFP,      /* the offline user's WFP filters */
  CD_STEP_VERIFY,   /* rules and filters read back, logons tried */
  CD_STEP_HOME,     /* cordon home's own ACLs and the runner copy */
  CD_STEP_COUNT,
} cd_setup_step;

const char *cd_step_name(cd_setup_step step);
/* DONE (a bit per step) as the file's text into BUF. Returns length or -1. */
int cd_progress_format(unsigned done, char *buf, size_t size);
int cd_progress_parse(const char *text, size_t len, unsigned *done, cordon_error *err);
/* "users, secrets" (or "nothing") into BUF. */
void cd_progress_describe(unsigned done, char *buf, size_t size);

#endif
