/* The pure state logic (marker, progress, the setup decision, the read-ACL queue
 * format, password mapping), compiled for Windows and run under Wine. */
#include <string.h>
#include <windows.h>
#include <shellapi.h>

#include "acl_queue.h"
#include "check.h"
#include "marker.h"
#include "password.h"
#include "progress.h"
#include "windows/win32/common/winutil.h"

static bool parses(const char *text, cd_setup_marker *m, cordon_error *err) {
  return cd_marker_parse(text, strlen(text), m, err) == 0;
}

static void test_marker(void) {
  cd_setup_marker m = {.version = 7, .time = 1735689600}, back = {0};
  char buf[128];
  cordon_error err = {0};
  int n = cd_marker_format(&m, buf, sizeof buf);
  CHECK(n > 0 &&
            strcmp(buf, "cordon-setup-marker\nversion=7\ntime=1735689600\nlocal_binding=0\n") == 0,
        "marker formats as magic, version, time, local_binding");
  CHECK(parses(buf, &back, &err) && back.version == 7 && back.time == 1735689600 &&
            back.local_binding == CD_MARKER_LB_NO,
        "marker round-trips");
  m.local_binding = CD_MARKER_LB_YES;
  CHECK(cd_marker_format(&m, buf, sizeof buf) > 0 && strstr(buf, "\nlocal_binding=1\n") &&
            parses(buf, &back, &err) && back.local_binding == CD_MARKER_LB_YES,
        "local_binding=1 round-trips");
  m.local_binding = CD_MARKER_LB_NO;
  CHECK(parses("cordon-setup-marker\nversion=1\ntime=1\n", &back, &err) &&
            back.local_binding == CD_MARKER_LB_UNKNOWN,
        "an older marker without local_binding reads as unknown");
  CHECK(cd_marker_format(&m, buf, 10) < 0, "format refuses a short buffer");
  CHECK(parses("cordon-setup-marker\r\nversion=3\r\ntime=5\r\nfuture_key=x\n", &back, &err) &&
            back.version == 3,
        "CRLF and unknown keys are accepted");
  static const struct {
    const char *text, *why;
  } bad[] = {
      {"", "empty"},
      {"not-a-marker\nversion=1\ntime=1\n", "wrong magic"},
      {"cordon-setup-marker\nversion=1\ntime=1", "last line unterminated"},
      {"cordon-setup-marker\ntime=1\n", "no version"},
      {"cordon-setup-marker\nversion=1\n", "no time"},
      {"cordon-setup-marker\nversion=0\ntime=1\n", "version 0"},
      {"cordon-setup-marker\nversion=01\ntime=1\n", "leading zero"},
      {"cordon-setup-marker\nversion=-1\ntime=1\n", "negative"},
      {"cordon-setup-marker\nversion=4294967296\ntime=1\n", "version overflow"},
      {"cordon-setup-marker\nversion=1\nversion=2\ntime=1\n", "version twice"},
      {"cordon-setup-marker\nversion=1\ntime=1\ngarbage\n", "line without ="},
      {"cordon-setup-marker\nversion=1\ntime=99999999999999999999\n", "time overflow"},
      {"cordon-setup-marker\nVERSION=1\ntime=1\n", "upper-case key"},
      {"cordon-setup-marker\nversion=1\ntime=1\nlocal_binding=2\n", "local_binding 2"},
      {"cordon-setup-marker\nversion=1\ntime=1\nlocal_binding=\n", "local_binding empty"},
      {"cordon-setup-marker\nversion=1\ntime=1\nlocal_binding=1\nlocal_binding=0\n",
       "local_binding twice"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&err, 0, sizeof err);
    CHECK(!parses(bad[i].text, &back, &err) && err.message[0], "corrupted marker (%s) -> %s",
          bad[i].why, err.message);
  }
}

static void test_decide(void) {
  cd_setup_marker old = {.version = 1, .time = 1, .local_binding = CD_MARKER_LB_NO},
                  cur = {.version = 2, .time = 1, .local_binding = CD_MARKER_LB_NO},
                  newer = {.version = 3, .time = 1, .local_binding = CD_MARKER_LB_NO};
  char why[256];
  cd_setup_facts f = {.marker = &cur, .current_version = 2, .have_secrets = true,
                      .have_runner = true};
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_OK, "current marker: ok (%s)", why);
  f.marker = NULL;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP, "no marker: setup");
  f.marker = &old;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP && strstr(why, "older") &&
            strstr(why, "elevated") && !strchr(why, '\n'),
        "older marker: setup, said in one line (%s)", why);
  f.marker = &newer;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_OK, "newer marker: ok");
  f.marker = &cur;
  f.have_runner = false;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_REFRESH,
        "runner copy missing: refresh (%s)", why);
  f.have_secrets = false;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP,
        "passwords missing: setup, before refresh (%s)", why);
  f.have_secrets = true;
  f.have_runner = true;
  f.marker = NULL;
  f.stopped_after = "users, secrets";
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP &&
            strstr(why, "users, secrets"),
        "half-done setup is named (%s)", why);
  f.marker = &cur;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_OK,
        "a stale progress file does not undo a current marker");
}

/* allow_local_binding is per run, the firewall rules machine-wide: a run whose
 * policy differs from what is installed never starts, either way, nor when the
 * marker does not say. */
static void test_decide_local_binding(void) {
  cd_setup_marker no = {.version = 2, .time = 1, .local_binding = CD_MARKER_LB_NO},
                  yes = {.version = 2, .time = 1, .local_binding = CD_MARKER_LB_YES},
                  unknown = {.version = 2, .time = 1};
  char why[256];
  cd_setup_facts f = {.marker = &no, .current_version = 2, .have_secrets = true,
                      .have_runner = true};
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_OK, "both without: ok (%s)", why);
  f.allow_local_binding = true;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP &&
            strstr(why, "elevated with --allow-local-binding") && !strchr(why, '\n'),
        "run allows, installed without: setup with the flag (%s)", why);
  f.marker = &yes;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_OK, "both with: ok (%s)", why);
  f.allow_local_binding = false;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP &&
            strstr(why, "elevated without --allow-local-binding") && !strchr(why, '\n'),
        "installed with, run does not allow: never wider loopback (%s)", why);
  f.marker = &unknown;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP,
        "unknown installation: not guessed (%s)", why);
  f.allow_local_binding = true;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_NEEDS_SETUP,
        "unknown installation, run allows: not guessed (%s)", why);
  f.local_binding_any = true;
  CHECK(cd_setup_decide(&f, why, sizeof why) == CD_SETUP_OK,
        "the user's own part (refresh) does not depend on it (%s)", why);
}

static void test_progress(void) {
  char buf[256], list[128];
  unsigned done = 0;
  cordon_error err = {0};
  unsigned want = (1u << CD_STEP_USERS) | (1u << CD_STEP_FIREWALL);
  CHECK(cd_progress_format(want, buf, sizeof buf) > 0 &&
            cd_progress_parse(buf, strlen(buf), &done, &err) == 0 && done == want,
        "progress round-trips");
  cd_progress_describe(want, list, sizeof list);
  CHECK(strcmp(list, "users, firewall") == 0, "progress describes its steps (%s)", list);
  cd_progress_describe(0, list, sizeof list);
  CHECK(strcmp(list, "nothing") == 0, "no step done reads 'nothing'");
  const char *bad = "cordon-setup-progress\ndone teleport\n";
  CHECK(cd_progress_parse(bad, strlen(bad), &done, &err) < 0, "unknown step is an error");
}

static void test_queue(void) {
  cd_win_ace aces[3] = {
      {.path = "C:\\work\\repo", .type = CD_WIN_ACE_ALLOW, .trustee = CD_WIN_TRUSTEE_GROUP,
       .mask = CD_WIN_MASK_READ, .inheritance = CD_WIN_INHERIT_DIR, .deferred = true,
       .why = CD_WIN_WHY_READABLE_ROOT},
      {.path = "C:\\work\\repo\\.git", .type = CD_WIN_ACE_DENY, .trustee = CD_WIN_TRUSTEE_CAP,
       .cap = CD_WIN_CAP_WORKSPACE, .sid = "S-1-5-21-1-2-3-4", .mask = CD_WIN_MASK_DENY_WRITE,
       .inheritance = CD_WIN_INHERIT_DIR, .deferred = false, .why = CD_WIN_WHY_DENY_WRITE},
      {.path = "C:\\Users\\me\\My Files", .type = CD_WIN_ACE_DENY,
       .trustee = CD_WIN_TRUSTEE_CAP, .cap = CD_WIN_CAP_GENERIC, .sid = "S-1-5-21-5-6-7-8",
       .mask = CD_WIN_MASK_DENY_ALL, .inheritance = 0, .deferred = true,
       .why = CD_WIN_WHY_DENY_READ},
  };
  cordon_error err = {0};
  size_t count = 0, n = 0;
  char *text = cd_acl_queue_format(aces, 3, &count, &err);
  CHECK(text && count == 2, "only deferred ACEs are queued (%lu)", (unsigned long)count);
  cd_win_ace *back = NULL;
  CHECK(text && cd_acl_queue_parse(text, strlen(text), &back, &n, &err) == 0 && n == 2,
        "queue parses back");
  if (n == 2) {
    CHECK(strcmp(back[0].path, aces[0].path) == 0 && back[0].trustee == CD_WIN_TRUSTEE_GROUP &&
              back[0].mask == aces[0].mask && back[0].inheritance == aces[0].inheritance &&
              back[0].why == CD_WIN_WHY_READABLE_ROOT && back[0].deferred,
          "group read grant survives the queue");
    CHECK(strcmp(back[1].path, aces[2].path) == 0 && back[1].type == CD_WIN_ACE_DENY &&
              back[1].cap == CD_WIN_CAP_GENERIC && strcmp(back[1].sid, aces[2].sid) == 0 &&
              back[1].mask == CD_WIN_MASK_DENY_ALL && back[1].inheritance == 0,
          "capability deny with a space in its path survives the queue");
  }
  cd_win_aces_free(back, n);
  free(text);
  const char *bad = "cordon-read-acl-queue 1\nace allow group - - 0x0 0x3 readable_root C:\\x\n";
  CHECK(cd_acl_queue_parse(bad, strlen(bad), &back, &n, &err) < 0, "a zero mask is refused");
  cd_win_ace nl = aces[0];
  nl.path = "C:\\a\nace allow group - - 0x1f01ff 0x3 readable_root C:\\";
  CHECK(!cd_acl_queue_format(&nl, 1, &count, &err), "a path with a line break is refused");
}

static void test_password(void) {
  uint8_t rnd[128];
  for (size_t i = 0; i < sizeof rnd; i++)
    rnd[i] = (uint8_t)(i * 37 + 11);
  char pw[CD_PASSWORD_LEN + 1];
  int used = cd_password_from_bytes(rnd, sizeof rnd, pw, CD_PASSWORD_LEN);
  CHECK(used >= CD_PASSWORD_LEN && strlen(pw) == CD_PASSWORD_LEN &&
            !strpbrk(pw, "\"' %^&|<>\\"),
        "mapped password has no quote, space or shell metacharacter");
  memset(rnd, 0xff, sizeof rnd);
  CHECK(cd_password_from_bytes(rnd, sizeof rnd, pw, CD_PASSWORD_LEN) < 0,
        "biasing bytes are skipped, and running out is reported");
  cordon_error err = {0};
  char a[CD_PASSWORD_LEN + 1], b[CD_PASSWORD_LEN + 1];
  CHECK(cd_password_generate(a, &err) == 0 && cd_password_generate(b, &err) == 0 &&
            strcmp(a, b) != 0 && strlen(a) == CD_PASSWORD_LEN,
        "BCryptGenRandom passwords are fresh each time");
}

/* Quoting, checked against Windows' own parser. */
static void test_quote(void) {
  static const wchar_t *const args[] = {L"plain", L"with space", L"C:\\a b\\", L"a\"b",
                                        L"a\\\"b", L"", L"C:\\x\\y"};
  const size_t n = sizeof args / sizeof args[0];
  wchar_t line[512] = L"";
  bool fits = true;
  for (size_t i = 0; i < n; i++)
    fits &= cd_wquote_append(line, 512, args[i]) == 0;
  int argc = 0;
  wchar_t **argv = CommandLineToArgvW(line, &argc);
  bool same = fits && argv && (size_t)argc == n;
  for (size_t i = 0; same && i < n; i++)
    same = wcscmp(argv[i], args[i]) == 0;
  CHECK(same, "quoted arguments parse back unchanged (spaces, quotes, trailing backslashes)");
  LocalFree(argv);
  wchar_t small[8] = L"";
  CHECK(cd_wquote_append(small, 8, L"too long here") < 0, "quoting refuses what does not fit");
}

int main(void) {
  test_quote();
  test_marker();
  test_decide();
  test_decide_local_binding();
  test_progress();
  test_queue();
  test_password();
  return check_done();
}
