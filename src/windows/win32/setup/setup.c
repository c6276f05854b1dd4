#define COBJMACROS
#include "setup.h"

#include <objbase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "common/error.h"
#include "files.h"
#include "firewall.h"
#include "home.h"
#include "home_acl.h"
#include "junction.h"
#include "password.h"
#include "progress.h"
#include "read_acl_helper.h"
#include "secrets.h"
#include "windows/win32/common/sid.h"
#include "users.h"
#include "wfp.h"
#include "windows/cap_sids.h"
#include "windows/ops.h"
#include "windows/win32/runner/sandbox_bin.h"
#include "windows/win32/common/winutil.h"

static const char *const sandbox_users[] = {CD_WIN_USER_OFFLINE, CD_WIN_USER_ONLINE};
#define N_USERS 2

wchar_t *cd_setup_runner_copy(const wchar_t *home) {
  wchar_t rel[128];
  swprintf(rel, 128, L"%ls\\%hs\\%ls", CD_SANDBOX_BIN_DIR, CORDON_VERSION, CD_RUNNER_EXE);
  return cd_wjoin(home, rel);
}

/* The SID of the home's user: O->USER by name, else this process's own. */
static int home_user_sid(const cd_setup_opts *o, PSID *sid, cordon_error *err) {
  if (o->user)
    return cd_sid_lookup(o->user, sid, err);
  HANDLE token;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    return cd_win_error(err, GetLastError(), "open this process's token");
  int r = cd_sid_token_user(token, sid, err);
  CloseHandle(token);
  return r;
}

/* ---- the elevated steps ---- */

typedef struct setup_run {
  const cd_setup_opts *o;
  PSID user_sid;
  char passwords[N_USERS][CD_PASSWORD_LEN + 1];
  char offline_sid[CD_WIN_SID_MAX];
} setup_run;

/* Keep the machine's password when it still logs on (other users' homes hold
 * copies of it); otherwise make a new one. */
static int choose_password(const char *user, char out[CD_PASSWORD_LEN + 1], cordon_error *err) {
  bool exists = false, ok = false;
  char *kept = NULL;
  if (cd_user_exists(user, &exists, err) < 0 || cd_vault_load(user, &kept, err) < 0)
    return -1;
  if (exists && kept && strlen(kept) == CD_PASSWORD_LEN &&
      cd_user_logon(user, kept, &ok, NULL, err) < 0) {
    cd_secret_free(kept);
    return -1;
  }
  if (ok)
    memcpy(out, kept, CD_PASSWORD_LEN + 1);
  cd_secret_free(kept);
  return ok ? 0 : cd_password_generate(out, err);
}

static int lookup_offline_sid(setup_run *s, cordon_error *err) {
  PSID sid = NULL;
  if (cd_sid_lookup(CD_WIN_USER_OFFLINE, &sid, err) < 0)
    return -1;
  int r = cd_sid_format(sid, s->offline_sid, sizeof s->offline_sid, err);
  LocalFree(sid);
  return r;
}

static int step_users(setup_run *s, cordon_error *err) {
  if (cd_group_ensure(err) < 0)
    return -1;
  for (int i = 0; i < N_USERS; i++)
    if (choose_password(sandbox_users[i], s->passwords[i], err) < 0 ||
        cd_user_ensure(sandbox_users[i], s->passwords[i], err) < 0 ||
        cd_vault_save(sandbox_users[i], s->passwords[i], err) < 0)
      return -1;
  return lookup_offline_sid(s, err);
}

static int step_secrets(setup_run *s, cordon_error *err) {
  wchar_t *dir = cd_wjoin(s->o->home, CD_SECRETS_DIR);
  int r = dir ? cd_secrets_dir_prepare(dir, s->user_sid, err) : cd_error_oom(err);
  for (int i = 0; r == 0 && i < N_USERS; i++)
    r = cd_secret_save(dir, sandbox_users[i], s->passwords[i], err);
  /* Read back: what a launch will decrypt must be what the account accepts. */
  for (int i = 0; r == 0 && i < N_USERS; i++) {
    char *back = NULL;
    r = cd_secret_load(dir, sandbox_users[i], &back, err);
    if (r == 0 && (!back || strcmp(back, s->passwords[i]) != 0))
      r = cd_error_set(err, 0, "the stored password of %s does not read back", sandbox_users[i]);
    cd_secret_free(back);
  }
  free(dir);
  return r;
}

/* Log each user on: proves the password, and creates the profile that holds the
 * junction directory (a profile exists only after its first load). */
static int step_profiles(setup_run *s, cordon_error *err) {
  for (int i = 0; i < N_USERS; i++) {
    bool ok = false;
    HANDLE token = NULL;
    wchar_t *profile = NULL;
    if (cd_user_logon(sandbox_users[i], s->passwords[i], &ok, &token, err) < 0)
      return -1;
    if (!ok)
      return cd_error_set(err, 0, "%s refuses the password just set (a password policy or a "
                                  "logon restriction?)", sandbox_users[i]);
    int r = cd_user_profile(token, sandbox_users[i], &profile, err);
    CloseHandle(token);
    wchar_t *dir = r == 0 ? cd_wjoin(profile, CD_JUNCTION_DIR) : NULL;
    if (r == 0)
      r = dir ? cd_home_acl_junction_dir(dir, s->user_sid, sandbox_users[i], err)
              : cd_error_oom(err);
    free(dir);
    free(profile);
    if (r < 0)
      return -1;
  }
  return 0;
}

static int step_firewall(setup_run *s, cordon_error *err) {
  cd_win_fw_rule *rules = NULL;
  size_t n = 0;
  int r = cd_win_lower_firewall(s->o->allow_local_binding, s->offline_sid, &rules, &n, err);
  if (r == 0)
    r = cd_firewall_apply(rules, n, err);
  free(rules);
  return r;
}

static int step_wfp(setup_run *s, cordon_error *err) {
  cd_win_wfp_filter *filters = NULL;
  size_t n = 0;
  int r = cd_win_lower_wfp(s->offline_sid, &filters, &n, err);
  if (r == 0)
    r = cd_wfp_apply(filters, n, err);
  free(filters);
  return r;
}

/* The marker promises the rules are active: so read them back from the system,
 * never trust that an Add call that returned S_OK left them in place. */
static int step_verify(setup_run *s, cordon_error *err) {
  cd_win_fw_rule *rules = NULL;
  cd_win_wfp_filter *filters = NULL;
  size_t n_rules = 0, n_filters = 0;
  int r = cd_win_lower_firewall(s->o->allow_local_binding, s->offline_sid, &rules, &n_rules, err);
  if (r == 0)
    r = cd_firewall_verify(rules, n_rules, s->offline_sid, err);
  if (r == 0)
    r = cd_win_lower_wfp(s->offline_sid, &filters, &n_filters, err);
  if (r == 0)
    r = cd_wfp_verify(filters, n_filters, err);
  free(rules);
  free(filters);
  return r;
}

/* The user's own part: shared by setup (last step) and refresh. RETRY_READ_ACLS:
 * restart the background helper on failed requests. Never from the elevated setup:
 * the helper applies the requests in cordon home with the rights of whoever starts
 * it, and an elevated helper working through a home the user can write (or
 * another user's, with --user) would grant whatever that user queued. */
static int home_part(const cd_setup_opts *o, PSID user_sid, bool retry_read_acls,
                     cordon_error *err) {
  wchar_t *secrets = cd_wjoin(o->home, CD_SECRETS_DIR), *copy = NULL;
  char *home8 = cd_utf8(o->home);
  int r = secrets && home8 ? 0 : cd_error_oom(err);
  if (r == 0)
    r = cd_secrets_dir_prepare(secrets, user_sid, err);
  if (r == 0)
    r = cd_sandbox_bin_install(o->home, o->runner, CORDON_VERSION, cd_home_acl_sandbox_bin,
                               user_sid, &copy, err);
  cd_win_cap_sids caps = {0};
  if (r == 0)
    r = cd_win_cap_sids_get(home8, NULL, cd_win_random_os, NULL, &caps, err);
  for (int c = 0; r == 0 && c < CD_WIN_CAP_COUNT; c++)
    if (caps.sid[c][0])
      r = cd_sid_check_unmapped(caps.sid[c], err);
  cd_win_cap_sids_clear(&caps);
  if (r == 0 && retry_read_acls)
    r = cd_read_acls_retry(o->home, o->self, err);
  free(copy);
  free(home8);
  free(secrets);
  return r;
}

static int step_home(setup_run *s, cordon_error *err) {
  return home_part(s->o, s->user_sid, false, err);
}

typedef int (*step_fn)(setup_run *s, cordon_error *err);
static const step_fn steps[CD_STEP_COUNT] = {
    [CD_STEP_USERS] = step_users,       [CD_STEP_SECRETS] = step_secrets,
    [CD_STEP_PROFILES] = step_profiles, [CD_STEP_FIREWALL] = step_firewall,
    [CD_STEP_WFP] = step_wfp,           [CD_STEP_VERIFY] = step_verify,
    [CD_STEP_HOME] = step_home,
};

int cd_setup_full(const cd_setup_opts *o, cordon_error *err) {
  setup_run s = {.o = o};
  if (cd_home_ensure(o->home, err) < 0 || home_user_sid(o, &s.user_sid, err) < 0)
    return -1;
  unsigned done = 0;
  int r = cd_home_marker_remove(o->home, err);
  if (r == 0)
    r = cd_home_progress_store(o->home, done, err);
  HRESULT com = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
  for (int i = 0; r == 0 && i < CD_STEP_COUNT; i++) {
    r = steps[i](&s, err);
    if (r < 0) {
      char list[128];
      cd_progress_describe(done, list, sizeof list);
      cd_error_prefix(err, "setup step '%s' failed (done: %s; nothing is enforced until "
                           "setup finishes: re-run it to repair)",
                      cd_step_name(i), list);
      break;
    }
    done |= 1u << i;
    r = cd_home_progress_store(o->home, done, err);
  }
  if (SUCCEEDED(com))
    CoUninitialize();
  SecureZeroMemory(s.passwords, sizeof s.passwords);
  if (r == 0)
    r = cd_home_marker_store(o->home, CD_WIN_SETUP_VERSION, o->allow_local_binding, err);
  if (r == 0)
    r = cd_home_note(o->home, CD_HOME_PROGRESS, NULL, err);
  LocalFree(s.user_sid);
  return r;
}

/* LOCAL_BINDING_ANY: do not compare allow_local_binding with the marker. */
static int check(const cd_setup_opts *o, bool local_binding_any, cd_setup_state *state,
                 char *why, size_t size, cordon_error *err) {
  wchar_t *copy = cd_setup_runner_copy(o->home);
  if (!copy)
    return cd_error_oom(err);
  cd_setup_marker marker;
  cd_setup_facts facts;
  char stopped[128];
  int r = cd_home_facts(o->home, copy, &marker, stopped, sizeof stopped, &facts, err);
  free(copy);
  facts.allow_local_binding = o->allow_local_binding;
  facts.local_binding_any = local_binding_any;
  if (r == 0)
    *state = cd_setup_decide(&facts, why, size);
  return r;
}

int cd_setup_check(const cd_setup_opts *o, cd_setup_state *state, char *why, size_t size,
                   cordon_error *err) {
  return check(o, false, state, why, size, err);
}

int cd_setup_refresh(const cd_setup_opts *o, bool *needs_setup, cordon_error *err) {
  cd_setup_state state;
  char why[256];
  *needs_setup = false;
  /* The user's own part depends on no firewall rule: refreshing it is right
   * whichever way the machine-wide part was installed. */
  if (check(o, true, &state, why, sizeof why, err) < 0)
    return -1;
  if (state == CD_SETUP_NEEDS_SETUP) {
    *needs_setup = true;
    return cd_error_set(err, 0, "%s", why);
  }
  PSID user = NULL;
  if (home_user_sid(o, &user, err) < 0)
    return -1;
  int r = home_part(o, user, true, err);
  LocalFree(user);
  return r;
}
