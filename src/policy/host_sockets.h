/* The host's unix sockets: a way out of the sandbox that no mount flag closes.
 *
 * connect() on a pathname socket needs no write access to the file system it
 * lives on, and Landlock has no right for it, so a read-only view of /run still
 * reaches the session bus, the user's systemd (which starts any command outside
 * the sandbox on request), the ssh and gpg agents, and docker (root on the host).
 * The resolver hides the places they live, like secrets. */
#ifndef CD_HOST_SOCKETS_H
#define CD_HOST_SOCKETS_H

#include "common/strv.h"
#include "policy/policy.h"

/* Append to HIDE the absolute (not yet canonical) paths to hide: /run (system and
 * per-user daemons), $XDG_RUNTIME_DIR, and the sockets named by SSH_AUTH_SOCK and
 * DBUS_SESSION_BUS_ADDRESS unless the policy keeps those variables; with SCAN_TMP
 * (the host's /tmp will be visible: it is not a writable root, which a backend
 * makes the sandbox's own), the sockets at the top of /tmp and the directories
 * where X11, ssh-agent, tmux, screen and gpg keep theirs. Append to REOPEN what must
 * stay reachable inside a hidden place: the sockets of kept variables, and
 * /etc/resolv.conf's target (name resolution in online runs). */
int cd_host_sockets_collect(const cd_policy *policy, char *const envp[], bool scan_tmp,
                            cd_strv *hide, cd_strv *reopen, cordon_error *err);

#endif
