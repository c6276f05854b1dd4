#define COBJMACROS
#include "firewall.h"

#include <windows.h>
#include <initguid.h> /* instantiates the CLSIDs and IIDs netfw.h declares */
#include <netfw.h>
#include <oleauto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

static int open_rules(INetFwPolicy2 **policy, INetFwRules **rules, cordon_error *err) {
  HRESULT hr = CoCreateInstance(&CLSID_NetFwPolicy2, NULL, CLSCTX_INPROC_SERVER,
                                &IID_INetFwPolicy2, (void **)policy);
  if (FAILED(hr))
    return cd_hr_error(err, hr, "open Windows Firewall (INetFwPolicy2)");
  hr = INetFwPolicy2_get_Rules(*policy, rules);
  if (FAILED(hr)) {
    INetFwPolicy2_Release(*policy);
    return cd_hr_error(err, hr, "list the firewall rules");
  }
  return 0;
}

static BSTR bstr(const char *utf8) {
  wchar_t *w = cd_wide(utf8);
  BSTR b = w ? SysAllocString(w) : NULL;
  free(w);
  return b;
}

/* Set one BSTR property; F is the rule's put_ method. */
typedef HRESULT (*put_str_fn)(INetFwRule3 *, BSTR);
static HRESULT put_str(INetFwRule3 *r, put_str_fn f, const char *value) {
  BSTR b = bstr(value);
  if (!b)
    return E_OUTOFMEMORY;
  HRESULT hr = f(r, b);
  SysFreeString(b);
  return hr;
}

static HRESULT put_name(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_Name(r, b); }
static HRESULT put_desc(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_Description(r, b); }
static HRESULT put_grouping(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_Grouping(r, b); }
static HRESULT put_laddr(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_LocalAddresses(r, b); }
static HRESULT put_raddr(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_RemoteAddresses(r, b); }
static HRESULT put_lport(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_LocalPorts(r, b); }
static HRESULT put_rport(INetFwRule3 *r, BSTR b) { return INetFwRule3_put_RemotePorts(r, b); }
static HRESULT put_users(INetFwRule3 *r, BSTR b) {
  return INetFwRule3_put_LocalUserAuthorizedList(r, b);
}

/* A new rule object holding SPEC. The protocol is set before the ports: the
 * firewall refuses ports on a rule whose protocol has none. */
static HRESULT build_rule(const cd_win_fw_rule *spec, INetFwRule3 **out) {
  INetFwRule3 *r = NULL;
  HRESULT hr = CoCreateInstance(&CLSID_NetFwRule, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwRule3,
                                (void **)&r);
  if (FAILED(hr))
    return hr;
  hr = put_str(r, put_name, spec->name);
  if (SUCCEEDED(hr) && spec->description)
    hr = put_str(r, put_desc, spec->description);
  if (SUCCEEDED(hr) && spec->grouping)
    hr = put_str(r, put_grouping, spec->grouping);
  if (SUCCEEDED(hr))
    hr = INetFwRule3_put_Direction(r, (NET_FW_RULE_DIRECTION)spec->direction);
  if (SUCCEEDED(hr))
    hr = INetFwRule3_put_Action(r, (NET_FW_ACTION)spec->action);
  if (SUCCEEDED(hr))
    hr = INetFwRule3_put_Protocol(r, spec->protocol);
  if (SUCCEEDED(hr) && spec->local_addresses[0])
    hr = put_str(r, put_laddr, spec->local_addresses);
  if (SUCCEEDED(hr) && spec->remote_addresses[0])
    hr = put_str(r, put_raddr, spec->remote_addresses);
  if (SUCCEEDED(hr) && spec->local_ports[0])
    hr = put_str(r, put_lport, spec->local_ports);
  if (SUCCEEDED(hr) && spec->remote_ports[0])
    hr = put_str(r, put_rport, spec->remote_ports);
  /* The rule is about the offline user only: without this list it would apply to
   * every account on the machine. */
  if (SUCCEEDED(hr))
    hr = put_str(r, put_users, spec->local_user_sddl);
  if (SUCCEEDED(hr))
    hr = INetFwRule3_put_Profiles(r, spec->profiles);
  if (SUCCEEDED(hr))
    hr = INetFwRule3_put_Enabled(r, VARIANT_TRUE);
  if (FAILED(hr)) {
    INetFwRule3_Release(r);
    return hr;
  }
  *out = r;
  return S_OK;
}

static bool wanted(const cd_win_fw_rule *rules, size_t n, const wchar_t *name) {
  for (size_t i = 0; i < n; i++) {
    wchar_t *w = cd_wide(rules[i].name);
    bool same = w && wcscmp(w, name) == 0;
    free(w);
    if (same)
      return true;
  }
  return false;
}

/* Remove the rules of cordon's grouping that RULES does not name. */
static int remove_stale(INetFwRules *all, const cd_win_fw_rule *rules, size_t n,
                        cordon_error *err) {
  IUnknown *unk = NULL;
  IEnumVARIANT *it = NULL;
  HRESULT hr = INetFwRules_get__NewEnum(all, &unk);
  if (SUCCEEDED(hr))
    hr = IUnknown_QueryInterface(unk, &IID_IEnumVARIANT, (void **)&it);
  if (unk)
    IUnknown_Release(unk);
  if (FAILED(hr))
    return cd_hr_error(err, hr, "enumerate the firewall rules");
  /* Collect first, remove after: removing while enumerating skips entries. */
  BSTR stale[64];
  size_t n_stale = 0;
  VARIANT v;
  ULONG got;
  VariantInit(&v);
  while (IEnumVARIANT_Next(it, 1, &v, &got) == S_OK && got == 1) {
    INetFwRule *r = NULL;
    if (V_VT(&v) == VT_DISPATCH && V_DISPATCH(&v) &&
        SUCCEEDED(IDispatch_QueryInterface(V_DISPATCH(&v), &IID_INetFwRule, (void **)&r))) {
      BSTR group = NULL, name = NULL;
      if (SUCCEEDED(INetFwRule_get_Grouping(r, &group)) && group &&
          wcscmp(group, L"" CD_WIN_FW_GROUPING) == 0 &&
          SUCCEEDED(INetFwRule_get_Name(r, &name)) && name && !wanted(rules, n, name) &&
          n_stale < sizeof stale / sizeof stale[0])
        stale[n_stale++] = name;
      else
        SysFreeString(name);
      SysFreeString(group);
      INetFwRule_Release(r);
    }
    VariantClear(&v);
  }
  IEnumVARIANT_Release(it);
  hr = S_OK;
  for (size_t i = 0; i < n_stale; i++) {
    if (SUCCEEDED(hr))
      hr = INetFwRules_Remove(all, stale[i]);
    SysFreeString(stale[i]);
  }
  return FAILED(hr) ? cd_hr_error(err, hr, "remove an old cordon firewall rule") : 0;
}

int cd_firewall_apply(const cd_win_fw_rule *rules, size_t n, cordon_error *err) {
  INetFwPolicy2 *policy;
  INetFwRules *all;
  if (open_rules(&policy, &all, err) < 0)
    return -1;
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++) {
    /* An account placeholder means the offline SID was unknown when lowering:
     * such a rule would match nobody (or fail to parse), never apply it. */
    if (strchr(rules[i].local_user_sddl, '<')) {
      r = cd_error_set(err, 0, "firewall rule %s has no user SID", rules[i].name);
      break;
    }
    BSTR name = bstr(rules[i].name);
    INetFwRule3 *rule = NULL;
    HRESULT hr = name ? build_rule(&rules[i], &rule) : E_OUTOFMEMORY;
    /* Replace by name: remove the old one, add the new. Remove's result is not
     * looked at: a rule that was not there is the common case, and a duplicate
     * left by a failed remove blocks the same traffic (verify reads it back). */
    if (SUCCEEDED(hr))
      INetFwRules_Remove(all, name);
    if (SUCCEEDED(hr))
      hr = INetFwRules_Add(all, (INetFwRule *)rule);
    if (rule)
      INetFwRule3_Release(rule);
    SysFreeString(name);
    if (FAILED(hr))
      r = cd_hr_error(err, hr, "install firewall rule %s", rules[i].name);
  }
  if (r == 0)
    r = remove_stale(all, rules, n, err);
  INetFwRules_Release(all);
  INetFwPolicy2_Release(policy);
  return r;
}

static int verify_one(INetFwRules *all, const cd_win_fw_rule *spec, const wchar_t *sid,
                      cordon_error *err) {
  BSTR name = bstr(spec->name);
  INetFwRule *r = NULL;
  INetFwRule3 *r3 = NULL;
  HRESULT hr = name ? INetFwRules_Item(all, name, &r) : E_OUTOFMEMORY;
  SysFreeString(name);
  if (FAILED(hr))
    return cd_hr_error(err, hr, "firewall rule %s is not installed", spec->name);
  VARIANT_BOOL enabled = VARIANT_FALSE;
  NET_FW_ACTION action = NET_FW_ACTION_MAX;
  NET_FW_RULE_DIRECTION dir = NET_FW_RULE_DIR_MAX;
  LONG proto = -1;
  BSTR users = NULL;
  hr = INetFwRule_get_Enabled(r, &enabled);
  if (SUCCEEDED(hr))
    hr = INetFwRule_get_Action(r, &action);
  if (SUCCEEDED(hr))
    hr = INetFwRule_get_Direction(r, &dir);
  if (SUCCEEDED(hr))
    hr = INetFwRule_get_Protocol(r, &proto);
  if (SUCCEEDED(hr))
    hr = INetFwRule_QueryInterface(r, &IID_INetFwRule3, (void **)&r3);
  if (SUCCEEDED(hr))
    hr = INetFwRule3_get_LocalUserAuthorizedList(r3, &users);
  int out = 0;
  if (FAILED(hr))
    out = cd_hr_error(err, hr, "read back firewall rule %s", spec->name);
  else if (enabled != VARIANT_TRUE || (int)action != (int)spec->action ||
           (int)dir != (int)spec->direction || proto != spec->protocol)
    out = cd_error_set(err, 0, "firewall rule %s is installed but not as cordon set it "
                               "(disabled or changed)", spec->name);
  /* The system may reformat the SDDL; the user's SID in it is what matters. */
  else if (!users || !wcsstr(users, sid))
    out = cd_error_set(err, 0, "firewall rule %s is not scoped to the offline user", spec->name);
  SysFreeString(users);
  if (r3)
    INetFwRule3_Release(r3);
  INetFwRule_Release(r);
  return out;
}

int cd_firewall_verify(const cd_win_fw_rule *rules, size_t n, const char *user_sid,
                       cordon_error *err) {
  INetFwPolicy2 *policy;
  INetFwRules *all;
  if (open_rules(&policy, &all, err) < 0)
    return -1;
  wchar_t *sid = cd_wide(user_sid);
  int r = sid ? 0 : cd_error_oom(err);
  static const struct {
    NET_FW_PROFILE_TYPE2 type;
    const char *name;
  } profiles[] = {{NET_FW_PROFILE2_DOMAIN, "domain"},
                  {NET_FW_PROFILE2_PRIVATE, "private"},
                  {NET_FW_PROFILE2_PUBLIC, "public"}};
  for (size_t i = 0; r == 0 && i < sizeof profiles / sizeof profiles[0]; i++) {
    VARIANT_BOOL on = VARIANT_FALSE;
    HRESULT hr = INetFwPolicy2_get_FirewallEnabled(policy, profiles[i].type, &on);
    if (FAILED(hr))
      r = cd_hr_error(err, hr, "read whether the firewall is on");
    else if (on != VARIANT_TRUE)
      r = cd_error_set(err, 0, "Windows Firewall is off for the %s profile, so the offline "
                               "user's rules would do nothing: turn it on, then re-run setup",
                       profiles[i].name);
  }
  for (size_t i = 0; r == 0 && i < n; i++)
    r = verify_one(all, &rules[i], sid, err);
  free(sid);
  INetFwRules_Release(all);
  INetFwPolicy2_Release(policy);
  return r;
}
