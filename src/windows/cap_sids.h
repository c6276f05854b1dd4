/* The capability SID store: <cordon home>/cap_sids.
 *
 * The SIDs are generated once, at random, and kept, because every ACE cordon ever
 * applied names them: a run must get the same SIDs the ACLs on disk were written
 * for. The store lives in cordon home, never inside a workspace: a command that
 * could rewrite it could name its own workspace's SID for another workspace, or a
 * real account's SID, and the restricting SIDs of the next token would follow.
 *
 * Format (version 1), one entry per line, '\n' line ends, nothing else:
 *
 *   cordon-cap-sids 1
 *   generic S-1-5-21-a-b-c-d
 *   readonly S-1-5-21-a-b-c-d
 *   workspace S-1-5-21-a-b-c-d /the/workspace/root   (the path is the rest of the line)
 *
 * Workspaces are appended as they are first seen. When two runs append the same
 * new workspace at once, the first line wins for both (every run re-reads the file
 * after appending).
 *
 * A file that does not parse is an error naming FILE:LINE, never regenerated: new
 * SIDs would silently orphan the ACEs on disk, and a damaged file is as likely
 * tampered with as worn out. The user deletes it deliberately to start over.
 *
 * Why "S-1-5-21-" and four random 32-bit numbers, not capability-style S-1-15-3-...
 * SIDs: an S-1-5-21 SID is an ordinary group SID to every access check, exactly what
 * a restricting SID is meant to be, while S-1-15-x SIDs have AppContainer meaning.
 * 96 random bits of "domain" make a clash with a real domain's accounts negligible.
 * The apply layer should still check that LookupAccountSid maps none of them to an
 * account before using them. */
#ifndef CD_WIN_CAP_SIDS_H
#define CD_WIN_CAP_SIDS_H

#include <stddef.h>

#include "cordon.h"
#include "windows/ops.h"

#define CD_WIN_CAP_SIDS_FILE "cap_sids"
#define CD_WIN_CAP_SIDS_MAGIC "cordon-cap-sids"
#define CD_WIN_CAP_SIDS_VERSION 1

/* Fill BUF with LEN random bytes. Returns 0, or -1 with ERR set. */
typedef int (*cd_win_random_fn)(void *buf, size_t len, void *ctx, cordon_error *err);
/* The OS's entropy: rand_s on Windows, /dev/urandom elsewhere. CTX is unused. */
int cd_win_random_os(void *buf, size_t len, void *ctx, cordon_error *err);

typedef struct cd_win_cap_store_entry {
  char *workspace_root;
  char sid[CD_WIN_SID_MAX];
} cd_win_cap_store_entry;

typedef struct cd_win_cap_store {
  char generic[CD_WIN_SID_MAX];
  char readonly[CD_WIN_SID_MAX];
  cd_win_cap_store_entry *workspaces; /* in file order */
  size_t n_workspaces;
} cd_win_cap_store;

/* Pure parts. */
/* Parse TEXT (LEN bytes) of FILE. Errors read "FILE:LINE: message". */
int cd_win_cap_store_parse(const char *text, size_t len, const char *file,
                           cd_win_cap_store *out, cordon_error *err);
/* A new random SID into OUT. */
int cd_win_cap_sid_generate(cd_win_random_fn rnd, void *ctx, char out[CD_WIN_SID_MAX],
                            cordon_error *err);
/* The first entry for ROOT, or NULL. */
const cd_win_cap_store_entry *cd_win_cap_store_find(const cd_win_cap_store *store,
                                                    const char *root);
void cd_win_cap_store_clear(cd_win_cap_store *store);

/* The SIDs of a run whose workspace root is WORKSPACE_ROOT (NULL: none), from the
 * store in DIR: created (with DIR) when missing, the workspace added when new.
 * RND makes the new SIDs. Returns 0, or -1 with ERR set (one line). */
int cd_win_cap_sids_get(const char *dir, const char *workspace_root, cd_win_random_fn rnd,
                        void *ctx, cd_win_cap_sids *out, cordon_error *err);

#endif
