/* The read grants handed to the background helper, as text: one request file per
 * run in <cordon home>\read_acl_queue\, each written whole (atomically) by the
 * parent and deleted by the helper once applied. Pure C: tested under Wine.
 *
 *   cordon-read-acl-queue 1
 *   ace allow group - - 0x1200a9 0x3 readable_root C:\work\repo
 *   ace deny cap workspace S-1-5-21-1-2-3-4 0x1f01ff 0x3 deny_read C:\Users\me\.ssh
 *
 * Fields: type, trustee, capability name ("-" for the group), SID ("-" for the
 * group), mask, inheritance, why, then the path (the rest of the line). */
#ifndef CD_WIN_SETUP_ACL_QUEUE_H
#define CD_WIN_SETUP_ACL_QUEUE_H

#include <stddef.h>

#include "cordon.h"
#include "windows/ops.h"

#define CD_ACL_QUEUE_MAGIC "cordon-read-acl-queue 1"

/* ACES selected by deferred == true, as a new NUL-terminated text (free()); NULL
 * with ERR when out of memory or a path holds a line break. *COUNT tells how many
 * were written (0: nothing to queue). */
char *cd_acl_queue_format(const cd_win_ace *aces, size_t n, size_t *count, cordon_error *err);
/* TEXT -> new ACEs (cd_win_aces_free). Errors name the line. */
int cd_acl_queue_parse(const char *text, size_t len, cd_win_ace **out, size_t *n,
                       cordon_error *err);

#endif
