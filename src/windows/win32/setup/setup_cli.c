#include "setup_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "common/error.h"
#include "elevate.h"
#include "everyone_writable.h"
#include "files.h"
#include "home.h"
#include "read_acl_helper.h"
#include "setup.h"
#include "windows/win32/common/sid.h"
#include "windows/ops.h"
#include "windows/win32/common/winutil.h"

static const char usage[] =
    "usage: cordon setup [--check | --refresh | --force] [--cordon-home DIR] [--user NAME]\n"
    "                    [--allow-local-binding] [--runner PATH]\n"
    "\n"
    "  (no flag)              set up what is missing: the elevated part through one UAC\n"
    "                         prompt when needed, then this user's own part\n"
    "  --check                say ok / needs refresh / needs setup (exit 0 / 3 / 2)\n"
    "  --refresh              this user's own part only, never elevated (exit 2 when the\n"
    "                         elevated part is missing or older)\n"
    "  --force                run the elevated part even when it is in place\n"
    "  --user NAME            an administrator sets up for another user (with\n"
    "                         --cordon-home, that user's cordon home)\n"
    "  --allow-local-binding  the offline user may reach every loopback TCP port (all\n"
    "                         runs: Windows has one loopback for the whole machine)\n"
    "  --runner PATH          the runner to install (default: cordon-runner.exe beside\n"
    "                         this program)\n"
    "\n"
    "usage: cordon setup --everyone-writable [--depth N] [--skip DIR]... ROOT...\n"
    "  list the directories under each ROOT (N levels deep, default 3) that Everyone may\n"
    "  write to, outside every --skip DIR: the sandbox denies its writes there\n";

typedef struct cli {
  bool check, refresh, force, elevated_child, allow_local_binding, helper, everyone_writable;
  const char *home, *user, *runner;
  int depth;
  cd_strv roots, skip;
} cli;

static int fail(const cordon_error *err) {
  fprintf(stderr, "cordon setup: %s\n", err->message);
  return CD_SETUP_EXIT_ERROR;
}

static int parse(int argc, char *argv[], cli *c, cordon_error *err) {
  int i = 1;
  if (argc > 1 && strcmp(argv[1], CD_READ_ACL_HELPER_ARG) == 0) {
    c->helper = true;
    i = 2;
  }
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char **value = strcmp(a, "--cordon-home") == 0 ? &c->home
                         : strcmp(a, "--user") == 0      ? &c->user
                         : strcmp(a, "--runner") == 0    ? &c->runner
                                                         : NULL;
    if (value) {
      if (++i == argc)
        return cd_error_set(err, 0, "%s needs a value", a);
      *value = argv[i];
    } else if (strcmp(a, "--check") == 0) {
      c->check = true;
    } else if (strcmp(a, "--refresh") == 0) {
      c->refresh = true;
    } else if (strcmp(a, "--force") == 0) {
      c->force = true;
    } else if (strcmp(a, "--allow-local-binding") == 0) {
      c->allow_local_binding = true;
    } else if (strcmp(a, "--elevated-child") == 0) {
      c->elevated_child = true;
    } else if (strcmp(a, "--everyone-writable") == 0) {
      c->everyone_writable = true;
    } else if (strcmp(a, "--depth") == 0) {
      char *end = NULL;
      long depth = ++i < argc ? strtol(argv[i], &end, 10) : -1;
      if (!end || *end || depth < 0 || depth > 16)
        return cd_error_set(err, 0, "--depth needs a number from 0 to 16");
      c->depth = (int)depth;
    } else if (strcmp(a, "--skip") == 0) {
      if (++i == argc)
        return cd_error_set(err, 0, "--skip needs a value");
      if (cd_strv_push(&c->skip, argv[i]) < 0)
        return cd_error_oom(err);
    } else if (c->everyone_writable && a[0] != '-') {
      if (cd_strv_push(&c->roots, a) < 0)
        return cd_error_oom(err);
    } else {
      return cd_error_set(err, 0, "unknown argument '%s' (see --help)", a);
    }
  }
  if (c->check + c->refresh + c->force > 1)
    return cd_error_set(err, 0, "--check, --refresh and --force exclude each other");
  if (c->user && !c->home)
    return cd_error_set(err, 0, "--user needs --cordon-home (the other user's cordon home)");
  if (c->everyone_writable && c->roots.len == 0)
    return cd_error_set(err, 0, "--everyone-writable needs at least one ROOT");
  if (c->helper && !c->home)
    return cd_error_set(err, 0, CD_READ_ACL_HELPER_ARG " needs --cordon-home");
  return 0;
}

/* "DOMAIN\name" of this process's user: the elevated child may run as another
 * account (an administrator typed their credentials), so it is told whose home
 * it sets up. */
static int self_account(char *out, size_t size, cordon_error *err) {
  HANDLE token;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    return cd_win_error(err, GetLastError(), "open this process's token");
  PSID sid = NULL;
  int r = cd_sid_token_user(token, &sid, err);
  CloseHandle(token);
  if (r < 0)
    return -1;
  wchar_t name[256], domain[256];
  DWORD nl = 256, dl = 256;
  SID_NAME_USE use;
  BOOL ok = LookupAccountSidW(NULL, sid, name, &nl, domain, &dl, &use);
  DWORD e = GetLastError();
  LocalFree(sid);
  if (!ok)
    return cd_win_error(err, e, "look up this process's user");
  char *n8 = cd_utf8(name), *d8 = cd_utf8(domain);
  int len = n8 && d8 ? snprintf(out, size, "%s\\%s", d8, n8) : -1;
  free(n8);
  free(d8);
  return len > 0 && (size_t)len < size ? 0 : cd_error_set(err, 0, "this process's user name");
}

/* Run the elevated part in an elevated copy of this program, through UAC. */
static int elevate(const cd_setup_opts *o, const cli *c, cordon_error *err) {
  char account[512];
  if (!c->user && self_account(account, sizeof account, err) < 0)
    return -1;
  wchar_t *user = cd_wide(c->user ? c->user : account);
  if (!user)
    return cd_error_oom(err);
  wchar_t params[4 * MAX_PATH + 1024] = L"--elevated-child --force";
  const wchar_t *pairs[][2] = {
      {L"--cordon-home", o->home}, {L"--user", user}, {L"--runner", o->runner}};
  int r = 0;
  for (size_t i = 0; r == 0 && i < sizeof pairs / sizeof pairs[0]; i++)
    if (cd_wquote_append(params, sizeof params / sizeof params[0], pairs[i][0]) < 0 ||
        cd_wquote_append(params, sizeof params / sizeof params[0], pairs[i][1]) < 0)
      r = -1;
  free(user);
  if (r < 0)
    return cd_error_set(err, 0, "paths too long for the elevated command line");
  if (o->allow_local_binding)
    wcscat(params, L" --allow-local-binding");
  DWORD code = 0;
  if (cd_home_note(o->home, CD_HOME_LAST_ERROR, NULL, err) < 0 ||
      cd_run_elevated(o->self, params, &code, err) < 0)
    return -1;
  if (code == 0)
    return 0;
  /* UAC gave the child a console of its own that closed with it: its one line
   * was left in cordon home for us. */
  wchar_t *path = cd_wjoin(o->home, CD_HOME_LAST_ERROR);
  char *text = NULL;
  size_t len = 0;
  cordon_error ignored = {0};
  if (path)
    cd_file_read(path, &text, &len, &ignored);
  free(path);
  cd_error_set(err, 0, "%s", text ? text : "the elevated setup failed and left no reason");
  free(text);
  return -1;
}

static int run(const cli *c, cd_setup_opts *o, cordon_error *err) {
  if (c->helper)
    return cd_read_acl_helper_run(o->home, err);
  if (c->everyone_writable) {
    cd_strv found = {0};
    int r = cd_find_everyone_writable((const char *const *)c->roots.items, c->roots.len,
                                      (const char *const *)c->skip.items, c->skip.len,
                                      c->depth, &found, err);
    for (size_t i = 0; r == 0 && i < found.len; i++)
      printf("%s\n", found.items[i]);
    cd_strv_free(&found);
    return r;
  }
  cd_setup_state state;
  char why[256];
  if (c->check) {
    if (cd_setup_check(o, &state, why, sizeof why, err) < 0)
      return -1;
    printf("cordon setup: %s: %s\n", cd_setup_state_name(state), why);
    return state == CD_SETUP_OK            ? 0
           : state == CD_SETUP_NEEDS_SETUP ? CD_SETUP_EXIT_NEEDS_SETUP
                                           : CD_SETUP_EXIT_NEEDS_REFRESH;
  }
  bool needs_setup = false;
  if (c->refresh) {
    if (cd_setup_refresh(o, &needs_setup, err) < 0) {
      if (!needs_setup)
        return -1;
      fprintf(stderr, "cordon setup: %s\n", err->message);
      return CD_SETUP_EXIT_NEEDS_SETUP;
    }
    printf("cordon setup: refreshed\n");
    return 0;
  }
  /* A corrupted marker is no reason to stop here: the elevated part rewrites it. */
  if (!c->force && !c->user && cd_setup_check(o, &state, why, sizeof why, err) == 0 &&
      state != CD_SETUP_NEEDS_SETUP) {
    if (cd_setup_refresh(o, &needs_setup, err) < 0)
      return -1;
    printf("cordon setup: ok (setup version %d in place; this user's part refreshed)\n",
           CD_WIN_SETUP_VERSION);
    return 0;
  }
  bool elevated = false;
  if (cd_is_elevated(&elevated, err) < 0)
    return -1;
  if (!elevated) {
    if (elevate(o, c, err) < 0)
      return -1;
  } else if (cd_setup_full(o, err) < 0) {
    if (c->elevated_child) {
      cordon_error ignored = {0};
      cd_home_note(o->home, CD_HOME_LAST_ERROR, err->message, &ignored);
    }
    return -1;
  }
  printf("cordon setup: done (setup version %d, verified)\n", CD_WIN_SETUP_VERSION);
  return 0;
}

/* This program's path, and (unless given) the runner beside it. */
static int own_paths(wchar_t **self, wchar_t **runner, cordon_error *err) {
  wchar_t path[MAX_PATH];
  DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
  if (n == 0 || n >= MAX_PATH)
    return cd_win_error(err, n ? ERROR_FILENAME_EXCED_RANGE : GetLastError(),
                        "find this program's path");
  *self = _wcsdup(path);
  wchar_t *slash = wcsrchr(path, L'\\');
  if (slash)
    *slash = L'\0';
  if (!*runner)
    *runner = cd_wjoin(path, L"cordon-runner.exe");
  return *self && *runner ? 0 : cd_error_oom(err);
}

int cd_setup_main(int argc, char *argv[]) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    }
  cordon_error err = {0};
  cli c = {.depth = 3};
  if (parse(argc, argv, &c, &err) < 0) {
    cd_strv_free(&c.roots);
    cd_strv_free(&c.skip);
    return fail(&err);
  }
  cd_setup_opts o = {.user = c.user, .allow_local_binding = c.allow_local_binding};
  wchar_t *home = cd_home_resolve(c.home, &err), *self = NULL;
  wchar_t *runner = c.runner ? cd_wide(c.runner) : NULL;
  int status = -1;
  if (c.runner && !runner)
    cd_error_set(&err, 0, "--runner: not a usable path");
  else if (home && own_paths(&self, &runner, &err) == 0) {
    o.home = home;
    o.self = self;
    o.runner = runner;
    status = run(&c, &o, &err);
  }
  free(home);
  free(self);
  free(runner);
  cd_strv_free(&c.roots);
  cd_strv_free(&c.skip);
  return status < 0 ? fail(&err) : status;
}
