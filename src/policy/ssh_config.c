/* The ssh-config scanner. It reads the config the way ssh(1) does (ssh_config(5),
 * OpenSSH's readconf.c), but conservatively: a directive counts wherever it is,
 * in every Host and Match block, since we cannot know which hosts the sandboxed
 * command will connect to. The config is the user's, but cordon must survive a
 * broken or hostile one, so every size is bounded and every file is opened with
 * care. */
#include "policy/ssh_config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"

#define MAX_FILE_SIZE (1024 * 1024)
#define MAX_LINE (64 * 1024)
#define MAX_DEPTH 16 /* OpenSSH's READCONF_MAX_DEPTH */
#define MAX_PATHS 4096
#define MAX_GLOB_ENTRIES 100000

enum directive { DIRECTIVE_INCLUDE, DIRECTIVE_FILE, DIRECTIVE_AGENT };

static const struct {
  const char *keyword;
  enum directive kind;
} directives[] = {
    {"include", DIRECTIVE_INCLUDE},
    {"identityfile", DIRECTIVE_FILE},
    {"identityfile2", DIRECTIVE_FILE}, /* an alias OpenSSH still accepts */
    {"certificatefile", DIRECTIVE_FILE},
    {"userknownhostsfile", DIRECTIVE_FILE},
    {"globalknownhostsfile", DIRECTIVE_FILE},
    {"revokedhostkeys", DIRECTIVE_FILE},
    {"controlpath", DIRECTIVE_FILE},
    {"identityagent", DIRECTIVE_AGENT},
};

/* A file already scanned, by identity rather than name: a file reached again
 * through a symlink, a hard link or a cycle of Includes is not read twice. */
typedef struct file_id {
  dev_t dev;
  ino_t ino;
} file_id;

typedef struct scan {
  const char *home;
  char *ssh_dir; /* HOME/.ssh: where relative Includes live */
  cd_strv *out;
  size_t added; /* paths this scan added to OUT */
  file_id *visited; /* MAX_PATHS entries */
  size_t nvisited;
} scan;

static int scan_text(scan *s, const char *text, size_t len, const char *name, int depth,
                     cordon_error *err);

/* Add PATH (taken; NULL means out of memory) to OUT unless already there. NAME and
 * LINE say where it was named. */
static int add_path(scan *s, char *path, const char *name, size_t line,
                    cordon_error *err) {
  _cleanup_free_ char *owned = path;
  if (!owned)
    return cd_error_oom(err);
  /* No file has such a name (open() refuses it), but one that holds a run-time token
   * or variable might shrink when ssh expands it: refuse rather than drop it. This
   * also bounds what a config of "%d%d%d..." can make us hold. */
  if (strlen(owned) >= PATH_MAX)
    return cd_error_set(err, 0, "%s:%zu: path longer than %d bytes", name, line, PATH_MAX);
  if (cd_strv_contains(s->out, owned))
    return 0;
  if (s->added == MAX_PATHS)
    return cd_error_set(err, 0, "%s:%zu: ssh config names more than %d paths", name, line,
                        MAX_PATHS);
  if (cd_strv_push_owned(s->out, CD_TAKE(owned)) < 0)
    return cd_error_oom(err);
  s->added++;
  return 0;
}

/* The home directory of the user named by the N bytes at NAME, in *DIR; NULL when
 * there is no such user (or the entry cannot be read), in which case ssh refuses
 * the path anyway. Returns -1 only when out of memory. */
static int user_home(const char *name, size_t n, char **dir) {
  *dir = NULL;
  _cleanup_free_ char *user = strndup(name, n);
  if (!user)
    return -1;
  char buf[16384];
  struct passwd pw, *found = NULL;
  if (getpwnam_r(user, &pw, buf, sizeof buf, &found) != 0 || !found)
    return 0;
  *dir = strdup(found->pw_dir);
  return *dir ? 0 : -1;
}

/* ARG expanded the way ssh expands a path: a leading ~ or ~user, then %d, %% and
 * ${HOME}, in one pass as ssh does (so "%%d" is "%d", and nothing inside ${...} is a
 * token). Other %-tokens and ${VAR}s are kept: they are only known when ssh runs,
 * and the caller must see them. NULL when out of memory. */
static char *expand(const char *home, const char *arg) {
  _cleanup_free_ char *user_dir = NULL;
  const char *p = arg;
  const char *prefix = "";
  if (*p == '~') {
    size_t n = strcspn(p + 1, "/");
    if (n > 0 && user_home(p + 1, n, &user_dir) < 0)
      return NULL;
    /* An unknown ~user stays as written: ssh would refuse it. */
    if (n == 0 || user_dir) {
      prefix = n == 0 ? home : user_dir;
      p += 1 + n;
    }
  }

  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  if (!f)
    return NULL;
  fputs(prefix, f);
  for (; *p; p++) {
    if (p[0] == '%' && (p[1] == '%' || p[1] == 'd')) {
      fputs(p[1] == 'd' ? home : "%", f);
      p++;
    } else if (p[0] == '$' && p[1] == '{') {
      /* Up to the closing brace, or all the rest if there is none (ssh rejects that). */
      const char *brace = strchr(p, '}');
      size_t n = brace ? (size_t)(brace - p) + 1 : strlen(p);
      if (n == 7 && memcmp(p, "${HOME}", 7) == 0)
        fputs(home, f);
      else
        fwrite(p, 1, n, f);
      p += n - 1;
    } else {
      fputc(*p, f);
    }
  }
  bool failed = ferror(f);
  if (fclose(f) != 0 || failed) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* PATH (taken) made absolute under BASE if it is relative. NULL when out of memory. */
static char *anchor(const char *base, char *path) {
  if (!path || path[0] == '/')
    return path;
  char *joined = NULL;
  if (asprintf(&joined, "%s/%s", base, path) < 0)
    joined = NULL;
  free(path);
  return joined;
}

/* Read the file at PATH (the depth-th level of Includes) and what it names.
 * Returns 0 when PATH does not exist, as ssh skips a missing config. */
static int scan_file(scan *s, const char *path, int depth, const char *name, size_t line,
                     cordon_error *err) {
  /* stat before open: open() of a FIFO blocks until a writer comes, and opening a
   * device can act on it (a tape rewinds), so anything that is not a regular file or
   * a directory is refused without being opened. A hostile Include of a FIFO must
   * not hang cordon. */
  struct stat st;
  if (stat(path, &st) < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return 0;
    return cd_error_set(err, errno, "%s", path);
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return cd_error_set(err, 0, "%s: not a regular file", path);
  if (add_path(s, strdup(path), name, line, err) < 0)
    return -1;
  if (S_ISDIR(st.st_mode))
    return 0; /* ssh reads a directory as an empty file */

  /* PATH may be swapped for a FIFO or device after the stat: O_NONBLOCK makes open()
   * return at once, O_NOCTTY keeps a terminal from becoming ours, and the fstat of
   * what was actually opened decides. */
  _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return cd_error_set(err, errno, "%s", path);
  if (fstat(fd, &st) < 0)
    return cd_error_set(err, errno, "%s", path);
  if (!S_ISREG(st.st_mode))
    return cd_error_set(err, 0, "%s: not a regular file", path);
  for (size_t i = 0; i < s->nvisited; i++)
    if (s->visited[i].dev == st.st_dev && s->visited[i].ino == st.st_ino)
      return 0;
  if (depth > MAX_DEPTH)
    return cd_error_set(err, 0, "%s: Included more than %d levels deep", path, MAX_DEPTH);
  if (s->nvisited == MAX_PATHS) /* the size of VISITED */
    return cd_error_set(err, 0, "%s: more than %d ssh config files", path, MAX_PATHS);
  s->visited[s->nvisited++] = (file_id){st.st_dev, st.st_ino};

  /* Read one byte past the limit, so that scan_text sees an oversized file. The
   * buffer is only touched as far as the file goes. */
  _cleanup_free_ char *text = malloc(MAX_FILE_SIZE + 1);
  if (!text)
    return cd_error_oom(err);
  size_t len = 0;
  while (len <= MAX_FILE_SIZE) {
    ssize_t n = read(fd, text + len, MAX_FILE_SIZE + 1 - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return cd_error_set(err, errno, "%s", path);
    if (n == 0)
      break;
    len += (size_t)n;
  }
  return scan_text(s, text, len, path, depth, err);
}

/* Directory entries read so far by the Include globs of this thread's scan. Stars
 * at every level of a pattern, from the root down, would walk the whole filesystem
 * (/proc included) before glob() returns: past MAX_GLOB_ENTRIES, every directory
 * reads as ended and the Include fails. glob() passes no context to its directory
 * functions, hence the thread-local. */
static _Thread_local size_t glob_entries;

static void *glob_opendir(const char *path) { return opendir(path); }

static void glob_closedir(void *dir) { closedir(dir); }

static struct dirent *glob_readdir(void *dir) {
  if (glob_entries == MAX_GLOB_ENTRIES)
    return NULL;
  glob_entries++;
  return readdir(dir);
}

/* Include ARG: a glob, relative to HOME/.ssh, each match scanned in turn. */
static int include(scan *s, const char *arg, const char *name, size_t line, int depth,
                   cordon_error *err) {
  /* ssh documents only ~ for Include; %d and ${HOME} are expanded too, as one
   * expansion serves every keyword, and a literal "%d" directory is implausible. */
  _cleanup_free_ char *pattern = anchor(s->ssh_dir, expand(s->home, arg));
  if (!pattern)
    return cd_error_oom(err);
  glob_t g = {
      .gl_opendir = glob_opendir,
      .gl_readdir = glob_readdir,
      .gl_closedir = glob_closedir,
      .gl_lstat = lstat,
      .gl_stat = stat,
  };
  int r = glob(pattern, GLOB_ALTDIRFUNC, NULL, &g);
  if (glob_entries == MAX_GLOB_ENTRIES)
    r = cd_error_set(err, 0, "%s:%zu: Include reads more than %d directory entries", name,
                     line, MAX_GLOB_ENTRIES);
  else if (r == 0)
    for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
      r = scan_file(s, g.gl_pathv[i], depth + 1, name, line, err);
  else if (r == GLOB_NOSPACE)
    r = cd_error_oom(err);
  else
    r = 0; /* GLOB_NOMATCH: nothing to include, as for ssh */
  globfree(&g);
  return r;
}

/* One file-naming argument ARG of a directive of KIND. */
static int add_file(scan *s, enum directive kind, const char *arg, const char *name,
                    size_t line, cordon_error *err) {
  /* "none" turns these settings off. */
  if (strcmp(arg, "none") == 0)
    return 0;
  if (kind == DIRECTIVE_AGENT) {
    /* SSH_AUTH_SOCK means ssh's default, the socket its environment names: no file
     * of the config's. IdentityAgent $VAR takes the socket path from VAR when ssh
     * runs; of all variables only HOME is known here. */
    if (strcmp(arg, "SSH_AUTH_SOCK") == 0)
      return 0;
    if (strcmp(arg, "$HOME") == 0)
      arg = "${HOME}";
  }
  char *path = expand(s->home, arg);
  /* ssh resolves a relative path when it runs, against its working directory;
   * HOME is the conservative guess, as it keeps the file inside the net cast over
   * the home directory's secrets. A value that starts with an unknown variable is
   * left whole: it most likely expands to an absolute path. */
  if (path && path[0] != '$')
    path = anchor(s->home, path);
  return add_path(s, path, name, line, err);
}

/* Split off the next argument at *CURSOR, in place, as OpenSSH's argv_split does:
 * blanks separate arguments; "..." and '...' quote, even mid-argument; a backslash
 * escapes a quote, a backslash or (unquoted) a space; an argument starting with '#'
 * starts a comment. For the KEYWORD, an unquoted '=' also ends it, and one '='
 * (with blanks around it) after it is skipped: "Keyword = value". *ARG is NULL at
 * the end of the line. Returns -1 on an unterminated quote. */
static int next_arg(char **cursor, bool keyword, char **arg) {
  char *start = *cursor + strspn(*cursor, " \t");
  *arg = NULL;
  *cursor = start;
  if (*start == '\0' || *start == '#')
    return 0;
  char *r = start, *w = start;
  char quote = 0;
  for (; *r; r++) {
    if (*r == '\\' &&
        (r[1] == '"' || r[1] == '\'' || r[1] == '\\' || (!quote && r[1] == ' '))) {
      *w++ = *++r;
    } else if (!quote && (*r == ' ' || *r == '\t' || (keyword && *r == '='))) {
      break;
    } else if (!quote && (*r == '"' || *r == '\'')) {
      quote = *r;
    } else if (quote && *r == quote) {
      quote = 0;
    } else {
      *w++ = *r;
    }
  }
  if (quote)
    return -1;
  char end = *r;
  *arg = start;
  *cursor = end ? r + 1 : r;
  *w = '\0'; /* w <= r: the argument only shrinks as quotes go */
  if (keyword && end != '=') {
    *cursor += strspn(*cursor, " \t");
    if (**cursor == '=')
      (*cursor)++;
  }
  return 0;
}

/* One line of NAME (NUL-terminated, trailing blanks gone). */
static int scan_line(scan *s, char *text, const char *name, size_t line, int depth,
                     cordon_error *err) {
  char *cursor = text, *keyword, *arg;
  /* A blank line, a comment, or a keyword with an unterminated quote, which ssh
   * skips too. */
  if (next_arg(&cursor, true, &keyword) < 0 || !keyword)
    return 0;
  size_t i = 0;
  while (i < sizeof directives / sizeof directives[0] &&
         strcasecmp(keyword, directives[i].keyword) != 0)
    i++;
  if (i == sizeof directives / sizeof directives[0])
    return 0; /* a keyword that names no file */

  int r;
  /* All arguments count, even where ssh takes one and rejects the rest: a config
   * ssh refuses costs nothing to over-protect. */
  while ((r = next_arg(&cursor, false, &arg)) == 0 && arg) {
    if (*arg == '\0')
      continue; /* ssh rejects an empty argument */
    if (directives[i].kind == DIRECTIVE_INCLUDE)
      r = include(s, arg, name, line, depth, err);
    else
      r = add_file(s, directives[i].kind, arg, name, line, err);
    if (r < 0)
      return -1;
  }
  if (r < 0)
    return cd_error_set(err, 0, "%s:%zu: unterminated quote", name, line);
  return 0;
}

/* The LEN bytes of config text at TEXT, read from NAME at DEPTH levels of Include. */
static int scan_text(scan *s, const char *text, size_t len, const char *name, int depth,
                     cordon_error *err) {
  if (len > MAX_FILE_SIZE)
    return cd_error_set(err, 0, "%s: ssh config larger than 1 MiB", name);
  _cleanup_free_ char *buf = malloc((len < MAX_LINE ? len : MAX_LINE) + 1);
  if (!buf)
    return cd_error_oom(err);
  const char *p = text, *end = text + len;
  for (size_t line = 1; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((nl ? nl : end) - p);
    if (n > MAX_LINE)
      return cd_error_set(err, 0, "%s:%zu: line longer than 64 KiB", name, line);
    /* ssh would read the line only up to a NUL and silently drop the rest, which
     * may be what names a key. A config with a NUL byte is corrupt or hostile:
     * refuse it rather than guess. */
    if (memchr(p, '\0', n))
      return cd_error_set(err, 0, "%s:%zu: NUL byte in line", name, line);
    /* Trailing blanks go, "\r" of a CRLF line included, as for ssh. */
    while (n > 0 && memchr(" \t\r\f", p[n - 1], 4))
      n--;
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (scan_line(s, buf, name, line, depth, err) < 0)
      return -1;
    p = nl ? nl + 1 : end;
  }
  return 0;
}

static int scan_init(scan *s, const char *home, cd_strv *out, cordon_error *err) {
  *s = (scan){.home = home, .out = out};
  glob_entries = 0;
  if (home[0] != '/')
    return cd_error_set(err, 0, "home directory '%s' is not absolute", home);
  s->ssh_dir = anchor(home, strdup(".ssh"));
  s->visited = calloc(MAX_PATHS, sizeof *s->visited);
  if (!s->ssh_dir || !s->visited)
    return cd_error_oom(err);
  return 0;
}

static void scan_fini(scan *s) {
  free(s->ssh_dir);
  free(s->visited);
}

int cd_ssh_config_collect(const char *config_path, const char *home, cd_strv *out,
                          cordon_error *err) {
  scan s;
  int r = scan_init(&s, home, out, err);
  if (r == 0)
    r = scan_file(&s, config_path, 0, config_path, 0, err);
  scan_fini(&s);
  return r;
}

int cd_ssh_config_collect_text(const char *text, size_t len, const char *name,
                               const char *home, cd_strv *out, cordon_error *err) {
  scan s;
  int r = scan_init(&s, home, out, err);
  if (r == 0)
    r = scan_text(&s, text, len, name, 0, err);
  scan_fini(&s);
  return r;
}
