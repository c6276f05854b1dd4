#include "policy/host_sockets.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/paths.h"
#include "policy/resolve.h"

/* The path of the first "unix:path=..." address in a D-Bus address list
 * ("unix:path=/run/user/1000/bus,guid=...;unix:abstract=..."). Abstract sockets
 * are not files: the net namespace and Landlock's scoping keep them out of reach. */
static char *dbus_socket_path(const char *address) {
  for (const char *a = address; a && *a;) {
    size_t len = strcspn(a, ";");
    if (strncmp(a, "unix:", 5) == 0) {
      for (const char *k = a + 5; k < a + len;) {
        size_t klen = strcspn(k, ",;");
        if (klen > 5 && strncmp(k, "path=", 5) == 0 && k[5] == '/')
          return strndup(k + 5, klen - 5);
        k += klen + (k[klen] == ',');
      }
    }
    a += len + (a[len] == ';');
  }
  return NULL;
}

static int add(cd_strv *to, const char *path, cordon_error *err) {
  if (!path || path[0] != '/' || strlen(path) >= PATH_MAX || cd_strv_contains(to, path))
    return 0;
  return cd_strv_push(to, path) < 0 ? cd_error_oom(err) : 0;
}

/* A socket named by VAR: hidden, or reopened when the policy keeps VAR (the user
 * asked for the agent or the bus inside). */
static int add_named_socket(const cd_policy *policy, const char *var, const char *path,
                            cd_strv *hide, cd_strv *reopen, cordon_error *err) {
  bool kept = cd_strv_contains(&policy->keep_env, var);
  return add(kept ? reopen : hide, path, err);
}

/* Directories in /tmp where well-known programs keep their sockets. A tmux or
 * screen socket types into the user's terminals; an X11 one reads their keys. */
static bool is_socket_dir_name(const char *name) {
  static const char *const exact[] = {".X11-unix", ".ICE-unix", ".XIM-unix", ".font-unix",
                                      "screen"};
  static const char *const prefixes[] = {"ssh-", "tmux-", "gpg-", "dbus-", "emacs"};
  for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
    if (strcmp(name, exact[i]) == 0)
      return true;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
      return true;
  return false;
}

static int scan_tmp_sockets(cd_strv *hide, cordon_error *err) {
  DIR *dir = opendir("/tmp");
  if (!dir)
    return 0;
  int r = 0;
  struct dirent *d;
  while (r == 0 && (d = readdir(dir))) {
    bool dir_entry = d->d_type == DT_DIR && is_socket_dir_name(d->d_name);
    if (d->d_type != DT_SOCK && !dir_entry)
      continue;
    _cleanup_free_ char *path = cd_path_join("/tmp", d->d_name);
    r = path ? add(hide, path, err) : cd_error_oom(err);
  }
  closedir(dir);
  return r;
}

int cd_host_sockets_collect(const cd_policy *policy, char *const envp[], bool scan_tmp,
                            cd_strv *hide, cd_strv *reopen, cordon_error *err) {
  if (scan_tmp && scan_tmp_sockets(hide, err) < 0)
    return -1;
  /* /run holds every system daemon's socket and, under /run/user, every session's.
   * Nothing a build needs lives there, but the resolver's configuration may. */
  if (add(hide, "/run", err) < 0 || add(hide, cd_env_get(envp, "XDG_RUNTIME_DIR"), err) < 0)
    return -1;
  char resolved[PATH_MAX];
  if (realpath("/etc/resolv.conf", resolved) && add(reopen, resolved, err) < 0)
    return -1;
  if (add_named_socket(policy, "SSH_AUTH_SOCK", cd_env_get(envp, "SSH_AUTH_SOCK"), hide,
                       reopen, err) < 0)
    return -1;
  _cleanup_free_ char *bus = dbus_socket_path(cd_env_get(envp, "DBUS_SESSION_BUS_ADDRESS"));
  return add_named_socket(policy, "DBUS_SESSION_BUS_ADDRESS", bus, hide, reopen, err);
}
