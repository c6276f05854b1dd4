/* cordon doctor: probe the kernel for what the sandbox needs. Each probe really
 * tries the mechanism where it can: a configuration file can say "enabled" while a
 * container's seccomp profile or an LSM still refuses. */
#include "linux/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/landlock.h"

/* The first line of a /proc file, without its newline; false if it cannot be read. */
static bool read_line(const char *path, char *buf, size_t size) {
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  if (!f || !fgets(buf, (int)size, f))
    return false;
  buf[strcspn(buf, "\n")] = '\0';
  return true;
}

static bool sysctl_is(const char *path, const char *value) {
  char buf[64];
  return read_line(path, buf, sizeof buf) && strcmp(buf, value) == 0;
}

/* The steps cordon takes first in a sandbox. A new user namespace alone is not
 * enough: AppArmor's unprivileged-userns restriction lets unshare succeed but
 * strips the new namespace's capabilities, so the mount namespace is tried too. */
static const struct {
  int flag;
  const char *name;
} userns_steps[] = {{CLONE_NEWUSER, "unshare(CLONE_NEWUSER)"},
                    {CLONE_NEWNS, "unshare(CLONE_NEWNS) in a new user namespace"}};
enum { N_USERNS_STEPS = sizeof userns_steps / sizeof userns_steps[0] };

/* In a forked child, so the probe leaves cordon's own namespaces alone. Returns
 * NULL if every step worked, else the step that failed, with its errno in *ERRNUM. */
static const char *try_userns(int *errnum) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) {
    *errnum = errno;
    return "pipe";
  }
  _cleanup_close_ int rd = fds[0];
  _cleanup_close_ int wr = fds[1];
  pid_t pid = fork();
  if (pid < 0) {
    *errnum = errno;
    return "fork";
  }
  if (pid == 0) {
    int report[2] = {N_USERNS_STEPS, 0}; /* step that failed, errno */
    for (int i = 0; report[0] == N_USERNS_STEPS && i < N_USERNS_STEPS; i++) {
      if (unshare(userns_steps[i].flag) < 0) {
        report[0] = i;
        report[1] = errno;
      }
    }
    _exit(write(wr, report, sizeof report) == (ssize_t)sizeof report ? 0 : 1);
  }
  close(wr);
  wr = -1;
  int report[2];
  ssize_t n = read(rd, report, sizeof report);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  if (n != (ssize_t)sizeof report || report[0] < 0 || report[0] > N_USERNS_STEPS) {
    *errnum = EIO;
    return "the probe child"; /* it died before reporting */
  }
  *errnum = report[1];
  return report[0] == N_USERNS_STEPS ? NULL : userns_steps[report[0]].name;
}

/* Why user namespaces fail, from the knobs that usually explain it. */
static const char *userns_hint(void) {
  if (sysctl_is("/proc/sys/kernel/unprivileged_userns_clone", "0"))
    return "kernel.unprivileged_userns_clone = 0; enable: sysctl -w "
           "kernel.unprivileged_userns_clone=1";
  if (sysctl_is("/proc/sys/user/max_user_namespaces", "0"))
    return "user.max_user_namespaces = 0; enable: sysctl -w user.max_user_namespaces=10000";
  if (sysctl_is("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"))
    return "AppArmor restricts unprivileged user namespaces "
           "(kernel.apparmor_restrict_unprivileged_userns = 1); enable: set it to 0, or give "
           "cordon an AppArmor profile with the userns permission";
  return "a container or seccomp profile may forbid them; run cordon outside it, or allow "
         "unshare there";
}

static void probe_userns(cd_linux_probe *p) {
  int errnum = 0;
  const char *failed = try_userns(&errnum);
  p->userns = !failed;
  if (failed)
    snprintf(p->userns_reason, sizeof p->userns_reason, "%s: %s; %s", failed, strerror(errnum),
             userns_hint());
}

static void probe_landlock(cd_linux_probe *p) {
  int errnum = 0;
  p->landlock_abi = cd_landlock_abi_errno(&errnum);
  if (p->landlock_abi > 0)
    return;
  const char *why =
      errnum == ENOSYS ? "not built into this kernel (CONFIG_SECURITY_LANDLOCK)"
      : errnum == EOPNOTSUPP
          ? "built in but not enabled; enable: add landlock to the lsm= boot parameter"
          : strerror(errnum);
  snprintf(p->landlock_reason, sizeof p->landlock_reason, "%s", why);
}

/* cordon's filter returns errors (EPERM) instead of killing, so tools fail softly:
 * the kernel must offer seccomp filters with the errno action. */
static void probe_seccomp(cd_linux_probe *p) {
  const char *why = NULL;
  char actions[256];
  if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
    why = "not built into this kernel (CONFIG_SECCOMP)";
  else if (!read_line("/proc/sys/kernel/seccomp/actions_avail", actions, sizeof actions))
    why = "cannot read /proc/sys/kernel/seccomp/actions_avail (no seccomp filters?)";
  else if (!strstr(actions, "errno"))
    why = "the kernel's seccomp filters cannot return errors (no errno action)";
  p->seccomp = !why;
  if (why)
    snprintf(p->seccomp_reason, sizeof p->seccomp_reason, "%s", why);
}

void cd_linux_probe_run(cd_linux_probe *probe) {
  *probe = (cd_linux_probe){0};
  struct utsname u;
  snprintf(probe->kernel, sizeof probe->kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
  probe_userns(probe);
  probe_landlock(probe);
  probe_seccomp(probe);
}

/* Every sandbox loads the seccomp filter; namespaces are the main layer, and
 * without them Landlock must carry the filesystem alone. */
static cd_probe_backend backend_of(const cd_linux_probe *probe) {
  if (!probe->seccomp)
    return CD_BACKEND_NONE;
  if (probe->userns)
    return CD_BACKEND_NAMESPACES;
  return probe->landlock_abi > 0 ? CD_BACKEND_FALLBACK : CD_BACKEND_NONE;
}

const char *cd_probe_backend_name(cd_probe_backend backend) {
  static const char *const names[] = {
      [CD_BACKEND_NAMESPACES] = "namespaces",
      [CD_BACKEND_FALLBACK] = "landlock-seccomp",
      [CD_BACKEND_NONE] = "none",
  };
  return names[backend];
}

const char *cd_probe_runs_name(cd_probe_runs runs) {
  static const char *const names[] = {
      [CD_RUNS_NO] = "no", [CD_RUNS_LIMITED] = "limited", [CD_RUNS_YES] = "yes"};
  return names[runs];
}

void cd_linux_probe_verdicts(const cd_linux_probe *probe, cd_probe_verdicts *out) {
  static const char danger_note[] = "runs unsandboxed, by definition";
  cd_probe_verdict *mode = out->modes, *net = out->network;
  out->backend = backend_of(probe);
  switch (out->backend) {
  case CD_BACKEND_NAMESPACES: {
    const char *layers =
        probe->landlock_abi > 0 ? NULL : "mounts and seccomp, without the Landlock second layer";
    mode[0] = (cd_probe_verdict){"read-only", CD_RUNS_YES, layers};
    mode[1] = (cd_probe_verdict){"workspace-write", CD_RUNS_YES, layers};
    net[0] = (cd_probe_verdict){"offline", CD_RUNS_YES, NULL};
    net[1] = (cd_probe_verdict){"online", CD_RUNS_YES, NULL};
    break;
  }
  case CD_BACKEND_FALLBACK:
    /* Landlock grants reach everything beneath a path: no narrower child. */
    mode[0] = (cd_probe_verdict){"read-only", CD_RUNS_LIMITED,
                                 "Landlock + seccomp only: refused when a secret to hide "
                                 "(e.g. ~/.ssh) is inside a readable root"};
    mode[1] = (cd_probe_verdict){"workspace-write", CD_RUNS_LIMITED,
                                 "Landlock + seccomp only: refused when a read-only carveout "
                                 "(e.g. .git) is inside a writable root, or a secret to hide "
                                 "inside a readable root"};
    /* No network namespace: only Landlock's TCP rules can keep the command off it. */
    net[0] = probe->landlock_abi >= 4
                 ? (cd_probe_verdict){"offline", CD_RUNS_YES, NULL}
                 : (cd_probe_verdict){"offline", CD_RUNS_NO,
                                      "needs Landlock ABI >= 4 (TCP rules) without network "
                                      "namespaces"};
    net[1] = (cd_probe_verdict){"online", CD_RUNS_YES, NULL};
    break;
  case CD_BACKEND_NONE: {
    const char *why =
        probe->seccomp ? "no user namespaces and no Landlock" : "seccomp is unavailable";
    mode[0] = (cd_probe_verdict){"read-only", CD_RUNS_NO, why};
    mode[1] = (cd_probe_verdict){"workspace-write", CD_RUNS_NO, why};
    net[0] = (cd_probe_verdict){"offline", CD_RUNS_NO, why};
    net[1] = (cd_probe_verdict){"online", CD_RUNS_LIMITED, "only in danger-full-access"};
    break;
  }
  }
  mode[2] = (cd_probe_verdict){"danger-full-access", CD_RUNS_YES, danger_note};
  net[2] = (cd_probe_verdict){"proxy", CD_RUNS_NO, "not yet implemented"};
}
