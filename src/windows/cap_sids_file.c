/* The capability SID store's file I/O and the OS entropy source: the only part of
 * the Windows lowering that touches the system. Portable C and stdio, with the few
 * calls C lacks (mkdir, an exclusive publish) chosen per OS below. Paths are UTF-8;
 * on Windows every call takes them as UTF-16 (the _w functions), so a cordon home
 * with any character works whatever the ANSI code page. */
#ifdef _WIN32
#define _CRT_RAND_S /* rand_s, from stdlib.h */
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <direct.h>
#include <wchar.h>
#include <windows.h>
#define SEPARATOR "\\"
#else
#include <sys/stat.h>
#include <unistd.h>
#define SEPARATOR "/"
#endif

#include "common/cleanup.h"
#include "common/error.h"
#include "windows/cap_sids.h"

/* The file holds a few lines per workspace: anything this big is not ours. */
#define MAX_FILE_SIZE (1 << 20)

int cd_win_random_os(void *buf, size_t len, void *ctx, cordon_error *err) {
  (void)ctx;
#ifdef _WIN32
  unsigned char *out = buf;
  for (size_t i = 0; i < len; i += sizeof(unsigned int)) {
    unsigned int v;
    if (rand_s(&v) != 0)
      return cd_error_set(err, 0, "rand_s failed");
    memcpy(out + i, &v, len - i < sizeof v ? len - i : sizeof v);
  }
  return 0;
#else
  _cleanup_fclose_ FILE *f = fopen("/dev/urandom", "rbe");
  if (!f)
    return cd_error_set(err, errno, "opening /dev/urandom");
  if (fread(buf, 1, len, f) != len)
    return cd_error_set(err, 0, "reading /dev/urandom: short read");
  return 0;
#endif
}

#ifdef _WIN32
/* UTF-8 -> a new UTF-16 string; NULL with errno EINVAL for invalid UTF-8 (refused,
 * never replaced: a replaced character would name another file) or ENOMEM. */
static wchar_t *wide(const char *utf8) {
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
  if (n <= 0) {
    errno = EINVAL;
    return NULL;
  }
  wchar_t *w = malloc((size_t)n * sizeof *w);
  if (!w) {
    errno = ENOMEM;
    return NULL;
  }
  if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n) != n) {
    free(w);
    errno = EINVAL;
    return NULL;
  }
  return w;
}
#endif

static FILE *open_file(const char *path, const char *mode) {
#ifdef _WIN32
  _cleanup_free_ wchar_t *wpath = wide(path), *wmode = wide(mode);
  return wpath && wmode ? _wfopen(wpath, wmode) : NULL;
#else
  return fopen(path, mode);
#endif
}

static int remove_file(const char *path) {
#ifdef _WIN32
  _cleanup_free_ wchar_t *wpath = wide(path);
  return wpath ? _wremove(wpath) : -1;
#else
  return remove(path);
#endif
}

static int make_dir(const char *path) {
#ifdef _WIN32
  _cleanup_free_ wchar_t *wpath = wide(path);
  return wpath ? _wmkdir(wpath) : -1;
#else
  /* cordon home also holds the sandbox users' secrets: owner only. */
  return mkdir(path, 0700);
#endif
}

/* mkdir -p; PATH is modified while parents are made, and restored. */
static int make_dirs(char *path) {
  if (make_dir(path) == 0 || errno == EEXIST)
    return 0;
  char *sep = strrchr(path, SEPARATOR[0]);
  if (errno != ENOENT || !sep || sep == path)
    return -1;
  *sep = '\0';
  int r = make_dirs(path);
  *sep = SEPARATOR[0];
  if (r < 0)
    return -1;
  return make_dir(path) == 0 || errno == EEXIST ? 0 : -1;
}

/* Returns 0 with STORE loaded, 1 if PATH does not exist and MAY_BE_MISSING, -1 with
 * ERR set. */
static int load(const char *path, bool may_be_missing, cd_win_cap_store *store,
                cordon_error *err) {
  _cleanup_fclose_ FILE *f = open_file(path, "rb");
  if (!f)
    return errno == ENOENT && may_be_missing ? 1 : cd_error_set(err, errno, "opening %s", path);
  _cleanup_free_ char *text = malloc(MAX_FILE_SIZE + 1);
  if (!text)
    return cd_error_oom(err);
  size_t len = fread(text, 1, MAX_FILE_SIZE + 1, f);
  if (ferror(f))
    return cd_error_set(err, errno, "reading %s", path);
  if (len > MAX_FILE_SIZE)
    return cd_error_set(err, 0, "%s: larger than %d bytes, not a cap_sids file", path,
                        MAX_FILE_SIZE);
  return cd_win_cap_store_parse(text, len, path, store, err);
}

static int write_all(FILE *f, const char *path, const char *text, cordon_error *err) {
  if (fputs(text, f) < 0 || fflush(f) != 0)
    return cd_error_set(err, errno, "writing %s", path);
  return 0;
}

/* Make TMP visible as PATH only if PATH does not exist yet: two first runs at
 * once must not end up with different SIDs on disk than in their ACEs. */
static int publish(const char *tmp, const char *path) {
#ifdef _WIN32
  _cleanup_free_ wchar_t *wtmp = wide(tmp), *wpath = wide(path);
  return wtmp && wpath ? _wrename(wtmp, wpath) : -1; /* MoveFile semantics: never replaces PATH */
#else
  return link(tmp, path); /* fails if PATH exists */
#endif
}

static bool exists(const char *path) {
  _cleanup_fclose_ FILE *f = open_file(path, "rb");
  return f != NULL;
}

static int create_store(const char *path, cd_win_random_fn rnd, void *ctx, cordon_error *err) {
  char generic[CD_WIN_SID_MAX], readonly[CD_WIN_SID_MAX], text[3 * CD_WIN_SID_MAX + 64];
  unsigned char tag[4];
  if (cd_win_cap_sid_generate(rnd, ctx, generic, err) < 0 ||
      cd_win_cap_sid_generate(rnd, ctx, readonly, err) < 0 || rnd(tag, sizeof tag, ctx, err) < 0)
    return -1;
  snprintf(text, sizeof text, "%s %d\ngeneric %s\nreadonly %s\n", CD_WIN_CAP_SIDS_MAGIC,
           CD_WIN_CAP_SIDS_VERSION, generic, readonly);
  size_t n = strlen(path) + 16;
  _cleanup_free_ char *tmp = malloc(n);
  if (!tmp)
    return cd_error_oom(err);
  snprintf(tmp, n, "%s.%02x%02x%02x%02x", path, tag[0], tag[1], tag[2], tag[3]);
  FILE *f = open_file(tmp, "wb");
  if (!f)
    return cd_error_set(err, errno, "creating %s", tmp);
  int r = write_all(f, tmp, text, err);
  if (fclose(f) != 0 && r == 0)
    r = cd_error_set(err, errno, "writing %s", tmp);
  if (r == 0 && publish(tmp, path) < 0 && !exists(path))
    r = cd_error_set(err, errno, "creating %s", path);
  remove_file(tmp);
  return r;
}

static int append_workspace(const char *path, const cd_win_cap_store *store, const char *root,
                            cd_win_random_fn rnd, void *ctx, cordon_error *err) {
  char sid[CD_WIN_SID_MAX];
  if (cd_win_cap_sid_generate(rnd, ctx, sid, err) < 0)
    return -1;
  /* Checked now: once written, a repeated SID would make the file unreadable. */
  bool taken = strcmp(sid, store->generic) == 0 || strcmp(sid, store->readonly) == 0;
  for (size_t i = 0; !taken && i < store->n_workspaces; i++)
    taken = strcmp(sid, store->workspaces[i].sid) == 0;
  if (taken)
    return cd_error_set(err, 0,
                        "%s: a new SID repeats an existing one; the random source is broken", path);
  size_t n = strlen(sid) + strlen(root) + 16;
  _cleanup_free_ char *line = malloc(n);
  if (!line)
    return cd_error_oom(err);
  snprintf(line, n, "workspace %s %s\n", sid, root);
  /* One write in append mode: concurrent appends land whole, one after the other. */
  FILE *f = open_file(path, "ab");
  if (!f)
    return cd_error_set(err, errno, "opening %s", path);
  int r = write_all(f, path, line, err);
  if (fclose(f) != 0 && r == 0)
    r = cd_error_set(err, errno, "writing %s", path);
  return r;
}

static int fill(const cd_win_cap_store *store, const char *root, cd_win_cap_sids *out,
                cordon_error *err) {
  snprintf(out->sid[CD_WIN_CAP_GENERIC], CD_WIN_SID_MAX, "%s", store->generic);
  snprintf(out->sid[CD_WIN_CAP_READONLY], CD_WIN_SID_MAX, "%s", store->readonly);
  if (!root)
    return 0;
  const cd_win_cap_store_entry *e = cd_win_cap_store_find(store, root);
  if (!e)
    return cd_error_set(err, 0, "workspace '%s' vanished from the capability SID store", root);
  snprintf(out->sid[CD_WIN_CAP_WORKSPACE], CD_WIN_SID_MAX, "%s", e->sid);
  out->workspace_root = strdup(root);
  return out->workspace_root ? 0 : cd_error_oom(err);
}

int cd_win_cap_sids_get(const char *dir, const char *workspace_root, cd_win_random_fn rnd,
                        void *ctx, cd_win_cap_sids *out, cordon_error *err) {
  *out = (cd_win_cap_sids){0};
  if (workspace_root && cd_win_path_within(dir, workspace_root))
    return cd_error_set(err, 0,
                        "cordon home '%s' is inside the workspace '%s': the capability SIDs "
                        "must live outside every workspace (set CORDON_HOME)",
                        dir, workspace_root);
  /* The error names the path only up to the line break: errors are one line. */
  if (workspace_root && strpbrk(workspace_root, "\r\n"))
    return cd_error_set(err, 0, "workspace '%.*s...': a line break in the path cannot be stored",
                        (int)strcspn(workspace_root, "\r\n"), workspace_root);
  _cleanup_free_ char *dir_copy = strdup(dir);
  size_t n = strlen(dir) + sizeof SEPARATOR CD_WIN_CAP_SIDS_FILE;
  _cleanup_free_ char *path = malloc(n);
  if (!dir_copy || !path)
    return cd_error_oom(err);
  snprintf(path, n, "%s" SEPARATOR "%s", dir, CD_WIN_CAP_SIDS_FILE);
  if (make_dirs(dir_copy) < 0)
    return cd_error_set(err, errno, "creating cordon home %s", dir);

  cd_win_cap_store store;
  int r = load(path, true, &store, err);
  if (r == 1 && (r = create_store(path, rnd, ctx, err)) == 0)
    r = load(path, false, &store, err);
  if (r < 0)
    return -1;
  if (workspace_root && !cd_win_cap_store_find(&store, workspace_root)) {
    r = append_workspace(path, &store, workspace_root, rnd, ctx, err);
    cd_win_cap_store_clear(&store);
    /* Re-read: if another run appended this workspace first, its line wins. */
    if (r < 0 || load(path, false, &store, err) < 0)
      return -1;
  }
  r = fill(&store, workspace_root, out, err);
  cd_win_cap_store_clear(&store);
  if (r < 0)
    cd_win_cap_sids_clear(out);
  return r;
}
