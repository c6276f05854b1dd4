/* cordon doctor: what the running kernel offers the sandbox, and what will run here.
 *
 * cd_linux_probe_run gathers the facts (it forks once, to try a user namespace);
 * cd_linux_probe_verdicts derives from them, as pure data, which modes and network
 * settings cordon will run and why not. */
#ifndef CD_LINUX_PROBE_H
#define CD_LINUX_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define CD_PROBE_TEXT 512

typedef struct cd_linux_probe {
  char kernel[CD_PROBE_TEXT];          /* uname release */
  bool userns;                         /* a child could create a user and a mount namespace */
  char userns_reason[CD_PROBE_TEXT];   /* why not, when !userns */
  int landlock_abi;                    /* 0: no Landlock */
  char landlock_reason[CD_PROBE_TEXT]; /* why not, when landlock_abi == 0 */
  bool seccomp;                        /* seccomp filters with errno returns can be loaded */
  char seccomp_reason[CD_PROBE_TEXT];  /* why not, when !seccomp */
} cd_linux_probe;

typedef enum cd_probe_backend {
  CD_BACKEND_NAMESPACES, /* namespaces + mounts, Landlock and seccomp on top */
  CD_BACKEND_FALLBACK,   /* Landlock + seccomp alone */
  CD_BACKEND_NONE,       /* nothing to sandbox with: danger-full-access only */
} cd_probe_backend;

typedef enum cd_probe_runs { CD_RUNS_NO, CD_RUNS_LIMITED, CD_RUNS_YES } cd_probe_runs;

/* One mode or network setting: whether it runs here, and what limits it or why not. */
typedef struct cd_probe_verdict {
  const char *name; /* "read-only", ..., "offline", ... */
  cd_probe_runs runs;
  const char *note; /* NULL when it simply runs */
} cd_probe_verdict;

typedef struct cd_probe_verdicts {
  cd_probe_backend backend;
  cd_probe_verdict modes[3];   /* read-only, workspace-write, danger-full-access */
  cd_probe_verdict network[3]; /* offline, online, proxy */
} cd_probe_verdicts;

void cd_linux_probe_run(cd_linux_probe *probe);
const char *cd_probe_backend_name(cd_probe_backend backend);
const char *cd_probe_runs_name(cd_probe_runs runs);
/* Which modes and network settings run here, derived from PROBE alone. */
void cd_linux_probe_verdicts(const cd_linux_probe *probe, cd_probe_verdicts *out);

#endif
