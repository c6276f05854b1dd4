#include "home.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <windows.h>

#include "common/error.h"
#include "files.h"
#include "progress.h"
#include "secrets.h"
#include "windows/ops.h"
#include "windows/win32/common/winutil.h"

wchar_t *cd_home_resolve(const char *flag, cordon_error *err) {
  wchar_t raw[MAX_PATH];
  if (flag) {
    wchar_t *w = cd_wide(flag);
    if (!w || wcslen(w) >= MAX_PATH) {
      free(w);
      cd_error_set(err, 0, "--cordon-home: not a usable path");
      return NULL;
    }
    wcscpy(raw, w);
    free(w);
  } else {
    DWORD n = GetEnvironmentVariableW(L"CORDON_HOME", raw, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) {
      wchar_t base[MAX_PATH];
      n = GetEnvironmentVariableW(L"LOCALAPPDATA", base, MAX_PATH);
      if (n == 0 || n >= MAX_PATH - 8) {
        cd_error_set(err, 0, "neither CORDON_HOME nor LOCALAPPDATA is set");
        return NULL;
      }
      swprintf(raw, MAX_PATH, L"%ls\\cordon", base);
    }
  }
  wchar_t full[MAX_PATH];
  DWORD n = GetFullPathNameW(raw, MAX_PATH, full, NULL);
  if (n == 0 || n >= MAX_PATH) {
    cd_win_error(err, n ? ERROR_FILENAME_EXCED_RANGE : GetLastError(), "resolve cordon home");
    return NULL;
  }
  wchar_t *home = _wcsdup(full);
  if (!home)
    cd_error_oom(err);
  return home;
}

int cd_home_ensure(const wchar_t *home, cordon_error *err) { return cd_dir_ensure(home, err); }

static int read_text(const wchar_t *home, const wchar_t *name, char **text, size_t *len,
                     cordon_error *err) {
  wchar_t *path = cd_wjoin(home, name);
  if (!path)
    return cd_error_oom(err);
  int r = cd_file_read(path, text, len, err);
  free(path);
  return r;
}

int cd_home_note(const wchar_t *home, const wchar_t *name, const char *text, cordon_error *err) {
  char show[512];
  wchar_t *path = cd_wjoin(home, name);
  if (!path)
    return cd_error_oom(err);
  int r = 0;
  if (text)
    r = cd_file_write_atomic(path, text, strlen(text), err);
  else if (!DeleteFileW(path) && GetLastError() != ERROR_FILE_NOT_FOUND)
    r = cd_win_error(err, GetLastError(), "remove %s", cd_wshow(path, show, sizeof show));
  free(path);
  return r;
}

int cd_home_marker_load(const wchar_t *home, cd_setup_marker *marker, bool *present,
                        cordon_error *err) {
  char *text = NULL;
  size_t len = 0;
  *present = false;
  if (read_text(home, CD_HOME_MARKER, &text, &len, err) < 0)
    return -1;
  if (!text)
    return 0;
  int r = cd_marker_parse(text, len, marker, err);
  free(text);
  if (r < 0) {
    char show[512];
    return cd_error_prefix(err, "setup marker %s\\setup_marker is corrupted (re-run `cordon "
                                "setup` elevated to rewrite it)",
                           cd_wshow(home, show, sizeof show));
  }
  *present = true;
  return 0;
}

int cd_home_marker_store(const wchar_t *home, uint32_t version, bool allow_local_binding,
                         cordon_error *err) {
  cd_setup_marker m = {.version = version,
                       .time = (int64_t)time(NULL),
                       .local_binding = allow_local_binding ? CD_MARKER_LB_YES : CD_MARKER_LB_NO};
  char text[128];
  if (cd_marker_format(&m, text, sizeof text) < 0)
    return cd_error_set(err, 0, "format the setup marker");
  return cd_home_note(home, CD_HOME_MARKER, text, err);
}

int cd_home_marker_remove(const wchar_t *home, cordon_error *err) {
  return cd_home_note(home, CD_HOME_MARKER, NULL, err);
}

int cd_home_progress_load(const wchar_t *home, unsigned *done, bool *present,
                          cordon_error *err) {
  char *text = NULL;
  size_t len = 0;
  *present = false;
  *done = 0;
  if (read_text(home, CD_HOME_PROGRESS, &text, &len, err) < 0)
    return -1;
  if (!text)
    return 0;
  int r = cd_progress_parse(text, len, done, err);
  free(text);
  if (r < 0)
    return cd_error_prefix(err, "setup_progress");
  *present = true;
  return 0;
}

int cd_home_progress_store(const wchar_t *home, unsigned done, cordon_error *err) {
  char text[256];
  if (cd_progress_format(done, text, sizeof text) < 0)
    return cd_error_set(err, 0, "format the setup progress");
  return cd_home_note(home, CD_HOME_PROGRESS, text, err);
}

static bool exists(const wchar_t *path) {
  return path && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

static bool have_secret(const wchar_t *secrets, const char *user) {
  wchar_t name[96];
  swprintf(name, 96, L"%hs.dpapi", user);
  wchar_t *path = cd_wjoin(secrets, name);
  bool ok = exists(path);
  free(path);
  return ok;
}

int cd_home_facts(const wchar_t *home, const wchar_t *runner_copy, cd_setup_marker *marker,
                  char *stopped, size_t stopped_size, cd_setup_facts *facts, cordon_error *err) {
  bool present = false, in_progress = false;
  unsigned done = 0;
  if (cd_home_marker_load(home, marker, &present, err) < 0 ||
      cd_home_progress_load(home, &done, &in_progress, err) < 0)
    return -1;
  wchar_t *secrets = cd_wjoin(home, CD_SECRETS_DIR);
  if (!secrets)
    return cd_error_oom(err);
  cd_progress_describe(done, stopped, stopped_size);
  *facts = (cd_setup_facts){
      .marker = present ? marker : NULL,
      .current_version = CD_WIN_SETUP_VERSION,
      .have_secrets = have_secret(secrets, CD_WIN_USER_OFFLINE) &&
                      have_secret(secrets, CD_WIN_USER_ONLINE),
      .have_runner = exists(runner_copy),
      .stopped_after = in_progress ? stopped : NULL,
  };
  free(secrets);
  return 0;
}
