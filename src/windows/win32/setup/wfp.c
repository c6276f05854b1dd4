#include "wfp.h"

#include <windows.h>
#include <fwpmu.h>
#include <sddl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

_Static_assert(sizeof(cd_win_guid) == sizeof(GUID), "cd_win_guid has GUID's layout");

static GUID guid(const cd_win_guid *g) {
  GUID out;
  memcpy(&out, g, sizeof out);
  return out;
}

static int open_engine(HANDLE *engine, cordon_error *err) {
  /* No session flags: a dynamic session would delete our objects when it closes;
   * these must outlive setup and survive reboots (FWPM_*_FLAG_PERSISTENT). */
  DWORD e = FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, engine);
  return e == ERROR_SUCCESS ? 0 : cd_win_error(err, e, "open the WFP engine");
}

static int add_provider_and_sublayer(HANDLE engine, cordon_error *err) {
  GUID provider_key = guid(&cd_win_wfp_provider_key);
  FWPM_PROVIDER0 provider = {.providerKey = provider_key,
                             .displayData = {L"" CD_WIN_WFP_PROVIDER_NAME, L"cordon sandbox"},
                             .flags = CD_WIN_FWPM_PROVIDER_FLAG_PERSISTENT};
  DWORD e = FwpmProviderAdd0(engine, &provider, NULL);
  if (e != ERROR_SUCCESS && e != (DWORD)FWP_E_ALREADY_EXISTS)
    return cd_win_error(err, e, "add the WFP provider");
  FWPM_SUBLAYER0 sublayer = {.subLayerKey = guid(&cd_win_wfp_sublayer_key),
                             .displayData = {L"" CD_WIN_WFP_SUBLAYER_NAME, L"cordon sandbox"},
                             .flags = CD_WIN_FWPM_SUBLAYER_FLAG_PERSISTENT,
                             .providerKey = &provider_key,
                             .weight = CD_WIN_WFP_SUBLAYER_WEIGHT};
  e = FwpmSubLayerAdd0(engine, &sublayer, NULL);
  if (e != ERROR_SUCCESS && e != (DWORD)FWP_E_ALREADY_EXISTS)
    return cd_win_error(err, e, "add the WFP sublayer");
  return 0;
}

static bool wanted(const cd_win_wfp_filter *filters, size_t n, const GUID *key) {
  for (size_t i = 0; i < n; i++) {
    GUID k = guid(&filters[i].key);
    if (IsEqualGUID(&k, key))
      return true;
  }
  return false;
}

/* Delete the filters of cordon's provider that FILTERS does not name. */
static int delete_stale(HANDLE engine, const cd_win_wfp_filter *filters, size_t n,
                        cordon_error *err) {
  GUID provider_key = guid(&cd_win_wfp_provider_key);
  HANDLE it;
  DWORD e = FwpmFilterCreateEnumHandle0(engine, NULL, &it);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, e, "enumerate WFP filters");
  GUID stale[64];
  size_t n_stale = 0;
  for (;;) {
    FWPM_FILTER0 **page = NULL;
    UINT32 got = 0;
    e = FwpmFilterEnum0(engine, it, 256, &page, &got);
    if (e != ERROR_SUCCESS)
      break;
    for (UINT32 i = 0; i < got; i++)
      if (page[i]->providerKey && IsEqualGUID(page[i]->providerKey, &provider_key) &&
          !wanted(filters, n, &page[i]->filterKey) && n_stale < 64)
        stale[n_stale++] = page[i]->filterKey;
    FwpmFreeMemory0((void **)&page);
    if (got < 256)
      break;
  }
  FwpmFilterDestroyEnumHandle0(engine, it);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, e, "enumerate WFP filters");
  for (size_t i = 0; i < n_stale; i++) {
    e = FwpmFilterDeleteByKey0(engine, &stale[i]);
    if (e != ERROR_SUCCESS && e != (DWORD)FWP_E_FILTER_NOT_FOUND)
      return cd_win_error(err, e, "delete an old cordon WFP filter");
  }
  return 0;
}

static int add_filter(HANDLE engine, const cd_win_wfp_filter *f, cordon_error *err) {
  if (f->n_conditions > CD_WIN_WFP_CONDITIONS_MAX)
    return cd_error_set(err, 0, "WFP filter %s: too many conditions", f->name);
  GUID provider_key = guid(&cd_win_wfp_provider_key);
  FWPM_FILTER_CONDITION0 conds[CD_WIN_WFP_CONDITIONS_MAX] = {0};
  FWP_BYTE_BLOB blobs[CD_WIN_WFP_CONDITIONS_MAX] = {0};
  PSECURITY_DESCRIPTOR sds[CD_WIN_WFP_CONDITIONS_MAX] = {0};
  wchar_t name[64];
  int r = -1;
  swprintf(name, 64, L"%hs", f->name);
  for (size_t i = 0; i < f->n_conditions; i++) {
    const cd_win_wfp_condition *c = &f->conditions[i];
    conds[i].fieldKey = guid(&c->field_key);
    conds[i].matchType = (FWP_MATCH_TYPE)c->match;
    conds[i].conditionValue.type = (FWP_DATA_TYPE)c->type;
    switch (c->type) {
    case CD_WIN_WFP_UINT8:
      conds[i].conditionValue.uint8 = (UINT8)c->value;
      break;
    case CD_WIN_WFP_UINT16:
      conds[i].conditionValue.uint16 = c->value;
      break;
    case CD_WIN_WFP_SECURITY_DESCRIPTOR_TYPE: {
      /* ALE_USER_ID matches a connection when this descriptor grants its token
       * FWP_ACTRL_MATCH_FILTER ("CC"): here, the offline user only. */
      ULONG len = 0;
      if (strchr(c->sddl, '<') ||
          !ConvertStringSecurityDescriptorToSecurityDescriptorA(c->sddl, SDDL_REVISION_1,
                                                                &sds[i], &len)) {
        cd_win_error(err, strchr(c->sddl, '<') ? ERROR_INVALID_SID : GetLastError(),
                     "WFP filter %s: user condition %s", f->name, c->sddl);
        goto out;
      }
      blobs[i] = (FWP_BYTE_BLOB){len, sds[i]};
      conds[i].conditionValue.sd = &blobs[i];
      break;
    }
    default:
      cd_error_set(err, 0, "WFP filter %s: unknown value type %d", f->name, (int)c->type);
      goto out;
    }
  }
  FWPM_FILTER0 filter = {.filterKey = guid(&f->key),
                         .displayData = {name, L"cordon sandbox: offline user"},
                         .flags = f->flags,
                         .providerKey = &provider_key,
                         .layerKey = guid(&f->layer_key),
                         .subLayerKey = guid(&cd_win_wfp_sublayer_key),
                         .weight = {.type = FWP_UINT8, .uint8 = f->weight},
                         .numFilterConditions = (UINT32)f->n_conditions,
                         .filterCondition = conds,
                         .action = {.type = f->action}};
  /* Replace by key: the same key always names the same filter (see lower_net.c). */
  DWORD e = FwpmFilterDeleteByKey0(engine, &filter.filterKey);
  if (e == ERROR_SUCCESS || e == (DWORD)FWP_E_FILTER_NOT_FOUND)
    e = FwpmFilterAdd0(engine, &filter, NULL, NULL);
  r = e == ERROR_SUCCESS ? 0 : cd_win_error(err, e, "add WFP filter %s", f->name);
out:
  for (size_t i = 0; i < CD_WIN_WFP_CONDITIONS_MAX; i++)
    LocalFree(sds[i]);
  return r;
}

int cd_wfp_apply(const cd_win_wfp_filter *filters, size_t n, cordon_error *err) {
  HANDLE engine;
  if (open_engine(&engine, err) < 0)
    return -1;
  DWORD e = FwpmTransactionBegin0(engine, 0);
  int r = e == ERROR_SUCCESS ? 0 : cd_win_error(err, e, "begin a WFP transaction");
  if (r == 0)
    r = add_provider_and_sublayer(engine, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    r = add_filter(engine, &filters[i], err);
  if (r == 0)
    r = delete_stale(engine, filters, n, err);
  if (r == 0) {
    e = FwpmTransactionCommit0(engine);
    if (e != ERROR_SUCCESS)
      r = cd_win_error(err, e, "commit the WFP transaction");
  } else if (e == ERROR_SUCCESS) {
    /* Nothing of this attempt stays: the machine keeps what it had before. */
    FwpmTransactionAbort0(engine);
  }
  FwpmEngineClose0(engine);
  return r;
}

int cd_wfp_verify(const cd_win_wfp_filter *filters, size_t n, cordon_error *err) {
  HANDLE engine;
  if (open_engine(&engine, err) < 0)
    return -1;
  GUID provider_key = guid(&cd_win_wfp_provider_key);
  int r = 0;
  for (size_t i = 0; r == 0 && i < n; i++) {
    const cd_win_wfp_filter *f = &filters[i];
    GUID key = guid(&f->key), layer = guid(&f->layer_key);
    FWPM_FILTER0 *got = NULL;
    DWORD e = FwpmFilterGetByKey0(engine, &key, &got);
    if (e != ERROR_SUCCESS) {
      r = cd_win_error(err, e, "WFP filter %s is not installed", f->name);
      break;
    }
    bool same = IsEqualGUID(&got->layerKey, &layer) && got->action.type == f->action &&
                got->providerKey && IsEqualGUID(got->providerKey, &provider_key) &&
                got->numFilterConditions == f->n_conditions;
    for (UINT32 c = 0; same && c < got->numFilterConditions; c++) {
      GUID field = guid(&f->conditions[c].field_key);
      same = IsEqualGUID(&got->filterCondition[c].fieldKey, &field) &&
             got->filterCondition[c].conditionValue.type == (FWP_DATA_TYPE)f->conditions[c].type;
    }
    FwpmFreeMemory0((void **)&got);
    if (!same)
      r = cd_error_set(err, 0, "WFP filter %s is installed but not as cordon set it", f->name);
  }
  FwpmEngineClose0(engine);
  return r;
}
