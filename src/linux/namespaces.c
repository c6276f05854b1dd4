#include "linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"

static int write_file(const char *path, const char *text, cordon_error *err) {
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return cd_error_set(err, errno, "opening %s", path);
  size_t len = strlen(text);
  if (write(fd, text, len) != (ssize_t)len)
    return cd_error_set(err, errno, "writing %s", path);
  return 0;
}

pid_t cd_namespaces_clone(bool net, bool *refused, cordon_error *err) {
  unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
                        CLONE_NEWUTS | SIGCHLD;
  if (net)
    flags |= CLONE_NEWNET;
  /* The raw system call: with no stack it behaves like fork, which glibc's clone()
   * wrapper does not offer. The child only makes system calls until it execs. */
  pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
  *refused = pid < 0 && errno != ENOMEM && errno != EAGAIN;
  if (pid < 0)
    return cd_error_set(err, errno, "creating the namespaces");
  return pid;
}

int cd_namespaces_map_self(uid_t uid, gid_t gid, cordon_error *err) {
  /* setgroups must be denied before an unprivileged process may map its gid, and
   * it keeps the command from dropping a group that denies it access. */
  char map[64];
  if (write_file("/proc/self/setgroups", "deny", err) < 0)
    return -1;
  snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
  if (write_file("/proc/self/uid_map", map, err) < 0)
    return -1;
  snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
  return write_file("/proc/self/gid_map", map, err);
}

int cd_loopback_up(cordon_error *err) {
  _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return cd_error_set(err, errno, "loopback: socket");
  struct ifreq ifr = {0};
  memcpy(ifr.ifr_name, "lo", 3);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
    return cd_error_set(err, errno, "loopback: reading its flags");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    return cd_error_set(err, errno, "loopback: bringing it up");
  return 0;
}

static bool have_setpcap(void) {
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
  struct __user_cap_data_struct data[2] = {0};
  if (syscall(SYS_capget, &header, data) < 0)
    return false;
  return data[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP);
}

int cd_drop_privileges(cordon_error *err) {
  if (have_setpcap()) {
    /* Root (and pid 1 of our user namespace) would get every capability back at
     * exec: NOROOT stops that, NO_SETUID_FIXUP and NO_CAP_AMBIENT_RAISE close the
     * other doors, and the locks keep the command from undoing them. */
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                         SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                         SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
      return cd_error_set(err, errno, "setting securebits");
    /* An empty bounding set: no file capability can grant anything either. The
     * kernel answers EINVAL past its last capability. */
    unsigned long cap = 0;
    while (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
      cap++;
    if (errno != EINVAL || cap == 0)
      return cd_error_set(err, errno, "dropping capability %lu from the bounding set", cap);
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return cd_error_set(err, errno, "clearing ambient capabilities");
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
  struct __user_cap_data_struct none[2] = {0};
  if (syscall(SYS_capset, &header, none) < 0)
    return cd_error_set(err, errno, "dropping capabilities");
  /* Set-uid and file-capability binaries gain nothing; Landlock and seccomp need it. */
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return cd_error_set(err, errno, "setting no_new_privs");
  return 0;
}
