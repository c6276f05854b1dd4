/* `cordon setup` on Windows: the machine-wide part (elevated), the user's own
 * part (refresh, no UAC), and the check that decides between them. */
#ifndef CD_WIN_SETUP_SETUP_H
#define CD_WIN_SETUP_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "cordon.h"
#include "marker.h"

typedef struct cd_setup_opts {
  const wchar_t *home;      /* resolved cordon home */
  const char *user;         /* the home's user ("DOMAIN\name"); NULL: this process's */
  bool allow_local_binding; /* the offline user may reach every loopback TCP port */
  const wchar_t *runner;    /* cordon-runner.exe to copy into .sandbox-bin */
  const wchar_t *self;      /* this executable (the read ACL helper) */
} cd_setup_opts;

/* The path this build's runner copy has in HOME's .sandbox-bin (newly allocated). */
wchar_t *cd_setup_runner_copy(const wchar_t *home);

/* Steps 1-7 of progress.h, then the marker. Must run elevated. Records progress
 * after each step; removes any old marker first, so a machine half set up never
 * reads as set up. */
int cd_setup_full(const cd_setup_opts *o, cordon_error *err);
/* The user's own part, no elevation: secrets DACL, runner copy, capability SIDs,
 * failed read ACL requests retried. Fails with a one-line reason when the
 * machine-wide part is missing or older (*NEEDS_SETUP true). */
int cd_setup_refresh(const cd_setup_opts *o, bool *needs_setup, cordon_error *err);
/* The decision and its reason: whether a run may start (CD_SETUP_OK). O's
 * allow_local_binding is the run's policy (plan->network.allow_local_binding; for
 * `cordon setup` itself, its flag): when it differs from the way the offline
 * user's firewall rules were installed (the marker), the answer is "needs setup"
 * with one line saying to re-run setup with or without --allow-local-binding. */
int cd_setup_check(const cd_setup_opts *o, cd_setup_state *state, char *why, size_t size,
                   cordon_error *err);

#endif
