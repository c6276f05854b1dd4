/* The setup marker and what it decides, as pure C (no Win32), so the same code is
 * tested under Wine and could be tested natively.
 *
 * The marker is written last by the elevated setup, only after every firewall
 * rule and WFP filter it installed was read back from the system, so its presence
 * means "the machine-wide part is really in place at this version". It is text:
 *
 *   cordon-setup-marker
 *   version=3
 *   time=1735689600
 *   local_binding=0
 *
 * local_binding says how the offline user's firewall rules were installed: 1 with
 * --allow-local-binding (every loopback TCP port), 0 without (the relay ports
 * only). The rules are machine-wide but allow_local_binding is a per-run policy,
 * so a run may start only when the two agree (cd_setup_decide).
 * Unknown "key=value" lines are ignored, so a newer cordon may add keys that an
 * older one still reads; anything else is a corrupted marker, reported as an error
 * and never guessed around. */
#ifndef CD_WIN_SETUP_MARKER_H
#define CD_WIN_SETUP_MARKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cordon.h"

#define CD_MARKER_MAGIC "cordon-setup-marker"

typedef enum cd_marker_local_binding {
  CD_MARKER_LB_UNKNOWN, /* no local_binding line (a marker of an older cordon) */
  CD_MARKER_LB_NO,      /* installed without --allow-local-binding */
  CD_MARKER_LB_YES,     /* installed with it */
} cd_marker_local_binding;

typedef struct cd_setup_marker {
  uint32_t version; /* the setup version that wrote it (>= 1) */
  int64_t time;     /* when, in seconds since the Unix epoch (UTC) */
  cd_marker_local_binding local_binding;
} cd_setup_marker;

/* The marker as text into BUF. Returns the length, or -1 if BUF is too small. */
int cd_marker_format(const cd_setup_marker *marker, char *buf, size_t size);
/* Parse TEXT (LEN bytes, not necessarily NUL-terminated). Returns 0, or -1 with
 * ERR saying which line is wrong. */
int cd_marker_parse(const char *text, size_t len, cd_setup_marker *marker,
                    cordon_error *err);

typedef enum cd_setup_state {
  CD_SETUP_OK,            /* nothing to do */
  CD_SETUP_NEEDS_REFRESH, /* the user's own part is missing: fixed without UAC */
  CD_SETUP_NEEDS_SETUP,   /* the machine-wide part is missing or old: needs UAC */
} cd_setup_state;

/* What the marker and the user's own files say. */
typedef struct cd_setup_facts {
  const cd_setup_marker *marker; /* NULL: no marker file */
  uint32_t current_version;      /* the setup version this build installs */
  bool have_secrets;             /* both passwords are in <home>\secrets */
  bool have_runner;              /* this build's runner copy is in .sandbox-bin */
  const char *stopped_after;     /* a setup stopped half-way: the steps it did */
  /* The run's (or this setup's) allow_local_binding, checked against the
   * marker's; false when LOCAL_BINDING_ANY (the user's own part, --refresh,
   * depends on no firewall rule). */
  bool allow_local_binding;
  bool local_binding_any;
} cd_setup_facts;

/* The decision, with one line saying why in WHY (always filled, cut to SIZE). */
cd_setup_state cd_setup_decide(const cd_setup_facts *facts, char *why, size_t size);
const char *cd_setup_state_name(cd_setup_state state);

#endif
