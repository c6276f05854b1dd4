/* Read grants in the background. Granting the sandbox group read on a big tree
 * makes Windows rewrite the inherited ACEs of every file below, which can take
 * minutes; a run must not wait for it. So the parent queues the deferred ACEs and
 * starts a helper process (`cordon-setup read-acl-helper`), which applies them one
 * request at a time, and only one helper at a time on the machine (a named mutex):
 * two helpers would fight over the same disks and the same subtrees.
 *
 * <cordon home>\read_acl_queue\<time>-<pid>.acl     waiting (acl_queue.h format)
 * <cordon home>\read_acl_queue\<time>-<pid>.failed  failed; .error says why
 *
 * While anything waits, the command starts in a junction (junction.h). A failed
 * request is kept, said by cd_read_acls_pending, and retried by `--refresh`. */
#ifndef CD_WIN_SETUP_READ_ACL_HELPER_H
#define CD_WIN_SETUP_READ_ACL_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "cordon.h"
#include "windows/ops.h"

#define CD_READ_ACL_QUEUE_DIR L"read_acl_queue"
#define CD_READ_ACL_MUTEX L"Global\\CordonReadAcl"
#define CD_READ_ACL_HELPER_ARG "read-acl-helper"

/* Queue the deferred ACEs of ACES (none: nothing happens) and start HELPER_EXE
 * (cordon-setup.exe) to apply them. */
int cd_read_acls_queue(const wchar_t *home, const cd_win_ace *aces, size_t n,
                       const wchar_t *helper_exe, cordon_error *err);
/* Whether requests wait; FAILURE gets the first failed request's reason ("" if
 * none). */
int cd_read_acls_pending(const wchar_t *home, bool *pending, char *failure, size_t size,
                         cordon_error *err);
/* Put failed requests back in the queue and start the helper if anything waits. */
int cd_read_acls_retry(const wchar_t *home, const wchar_t *helper_exe, cordon_error *err);
/* The helper itself: take the mutex, apply every waiting request oldest first. */
int cd_read_acl_helper_run(const wchar_t *home, cordon_error *err);

#endif
