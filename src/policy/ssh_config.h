/* The files an OpenSSH client configuration depends on. Every one of them is a
 * secret to the sandbox: keys, certificates, known hosts, control sockets, the
 * agent socket, and the config files themselves. */
#ifndef CD_SSH_CONFIG_H
#define CD_SSH_CONFIG_H

#include <stddef.h>

#include "common/strv.h"
#include "cordon.h"

/* Append to OUT, once each, every path that the OpenSSH client config at CONFIG_PATH
 * (absolute) depends on: the file itself, every file it Includes (recursively), and
 * the values of IdentityFile, CertificateFile, UserKnownHostsFile,
 * GlobalKnownHostsFile, RevokedHostKeys, ControlPath and IdentityAgent, whatever
 * Host or Match block they are in. HOME is the user's home directory (absolute).
 * The config is read as the user's: relative Includes are under HOME/.ssh.
 *
 * Paths are absolute (a relative value is taken as under HOME), with ~, ~user, %d,
 * ${HOME} and %% expanded. Other %-tokens (%h, %r, ...) and other ${VAR}s are only
 * known when ssh runs, so they are kept as written; a value that starts with such a
 * variable (IdentityAgent $SOCK, IdentityFile ${KEYS}/id) is kept whole and is the
 * one kind of entry that is not absolute. Paths may not exist.
 *
 * A missing CONFIG_PATH is not an error: 0, nothing added. Returns 0, or -1 with
 * ERR set ("FILE:LINE: message" for a problem in a config file). */
int cd_ssh_config_collect(const char *config_path, const char *home, cd_strv *out,
                          cordon_error *err);

/* The same for config text already in memory (LEN bytes, NUL bytes included).
 * NAME is only used in messages and is not added to OUT. For the fuzzer and tests. */
int cd_ssh_config_collect_text(const char *text, size_t len, const char *name,
                               const char *home, cd_strv *out, cordon_error *err);

#endif
