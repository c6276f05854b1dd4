/* The offline user's WFP filters, persistent, under cordon's own provider and
 * sublayer, from the lowering's data (cd_win_lower_wfp). Needs elevation. */
#ifndef CD_WIN_SETUP_WFP_H
#define CD_WIN_SETUP_WFP_H

#include <stddef.h>

#include "cordon.h"
#include "windows/ops.h"

/* In one transaction: the provider and sublayer (kept if present), every filter
 * of FILTERS (replaced by key), and no other filter of cordon's provider (an older
 * version's are deleted). All or nothing. */
int cd_wfp_apply(const cd_win_wfp_filter *filters, size_t n, cordon_error *err);
/* Read each filter back by key (FwpmFilterGetByKey0) and compare layer, action,
 * provider and conditions. */
int cd_wfp_verify(const cd_win_wfp_filter *filters, size_t n, cordon_error *err);

#endif
