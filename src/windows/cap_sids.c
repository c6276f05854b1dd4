/* The capability SID store's text: parse, new SIDs. Pure: the file I/O is in
 * cap_sids_file.c. */
#include "windows/cap_sids.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

__attribute__((format(printf, 4, 5))) static int line_error(cordon_error *err, const char *file,
                                                            size_t line, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return cd_error_set(err, 0, "%s:%lu: %s (fix or delete the file; it is never regenerated)",
                      file, (unsigned long)line, what);
}

/* One SID per line number, to name the first line when a SID repeats. */
typedef struct seen {
  const char *sid;
  size_t line;
} seen;

typedef struct parser {
  const char *file;
  cd_win_cap_store *store;
  seen *seen;
  size_t n_seen;
  cordon_error *err;
} parser;

/* "KEYWORD SID" at the start of LINE: copies the SID to OUT and returns what follows
 * it, or NULL with ERR set. */
static const char *take_sid(parser *p, size_t lineno, const char *line, const char *keyword,
                            char out[CD_WIN_SID_MAX]) {
  size_t k = strlen(keyword);
  if (strncmp(line, keyword, k) != 0 || line[k] != ' ') {
    line_error(p->err, p->file, lineno, "expected '%s SID'", keyword);
    return NULL;
  }
  const char *sid = line + k + 1;
  size_t n = strcspn(sid, " ");
  if (n >= CD_WIN_SID_MAX) {
    line_error(p->err, p->file, lineno, "the %s SID is too long", keyword);
    return NULL;
  }
  memcpy(out, sid, n);
  out[n] = '\0';
  if (!cd_win_cap_sid_valid(out)) {
    line_error(p->err, p->file, lineno,
               "'%s' is not a cordon capability SID (S-1-5-21- and four numbers)", out);
    return NULL;
  }
  /* Two entries with one SID would share every ACE: workspaces no longer isolated,
   * or the read-only SID suddenly holding allows. */
  for (size_t i = 0; i < p->n_seen; i++)
    if (strcmp(p->seen[i].sid, out) == 0) {
      line_error(p->err, p->file, lineno, "SID %s is already used on line %lu", out,
                 (unsigned long)p->seen[i].line);
      return NULL;
    }
  p->seen[p->n_seen++] = (seen){.sid = out, .line = lineno};
  return sid + n;
}

static int parse_workspace(parser *p, size_t lineno, const char *line) {
  cd_win_cap_store *s = p->store;
  cd_win_cap_store_entry *e = &s->workspaces[s->n_workspaces];
  const char *rest = take_sid(p, lineno, line, "workspace", e->sid);
  if (!rest)
    return -1;
  if (rest[0] != ' ' || rest[1] == '\0')
    return line_error(p->err, p->file, lineno, "expected 'workspace SID PATH'");
  e->workspace_root = strdup(rest + 1);
  if (!e->workspace_root)
    return cd_error_oom(p->err);
  s->n_workspaces++;
  return 0;
}

static int parse_line(parser *p, size_t lineno, const char *line) {
  cd_win_cap_store *s = p->store;
  const char *rest;
  switch (lineno) {
  case 1: {
    static const char magic[] = CD_WIN_CAP_SIDS_MAGIC " ";
    char *end;
    if (strncmp(line, magic, sizeof magic - 1) != 0)
      return line_error(p->err, p->file, lineno, "not a cap_sids file (expected '%s %d')",
                        CD_WIN_CAP_SIDS_MAGIC, CD_WIN_CAP_SIDS_VERSION);
    long version = strtol(line + sizeof magic - 1, &end, 10);
    if (*end != '\0' || version != CD_WIN_CAP_SIDS_VERSION)
      return line_error(p->err, p->file, lineno,
                        "version '%s' is not supported (this cordon reads version %d)",
                        line + sizeof magic - 1, CD_WIN_CAP_SIDS_VERSION);
    return 0;
  }
  case 2:
    rest = take_sid(p, lineno, line, "generic", s->generic);
    break;
  case 3:
    rest = take_sid(p, lineno, line, "readonly", s->readonly);
    break;
  default:
    return parse_workspace(p, lineno, line);
  }
  if (!rest)
    return -1;
  if (*rest != '\0')
    return line_error(p->err, p->file, lineno, "unexpected text after the SID");
  return 0;
}

int cd_win_cap_store_parse(const char *text, size_t len, const char *file,
                           cd_win_cap_store *out, cordon_error *err) {
  *out = (cd_win_cap_store){0};
  if (memchr(text, '\0', len))
    return line_error(err, file, 1, "NUL byte in the file");
  size_t n_lines = 0;
  for (size_t i = 0; i < len; i++)
    n_lines += text[i] == '\n';
  parser p = {.file = file, .store = out, .err = err};
  p.seen = calloc(n_lines + 1, sizeof *p.seen);
  out->workspaces = calloc(n_lines + 1, sizeof *out->workspaces);
  char *line = malloc(len + 1);
  int r = 0;
  if (!p.seen || !out->workspaces || !line)
    r = cd_error_oom(err);
  size_t lineno = 0;
  for (size_t at = 0; r == 0 && at < len;) {
    lineno++;
    const char *nl = memchr(text + at, '\n', len - at);
    if (!nl) {
      r = line_error(err, file, lineno, "truncated line (no line end)");
      break;
    }
    size_t n = (size_t)(nl - (text + at));
    memcpy(line, text + at, n);
    line[n] = '\0';
    at += n + 1;
    if (memchr(line, '\r', n))
      r = line_error(err, file, lineno, "carriage return in the line");
    else
      r = parse_line(&p, lineno, line);
  }
  if (r == 0 && lineno < 3)
    r = line_error(err, file, lineno + 1, "missing the %s line",
                   lineno == 0 ? "version" : lineno == 1 ? "generic" : "readonly");
  free(line);
  free(p.seen);
  if (r < 0)
    cd_win_cap_store_clear(out);
  return r;
}

int cd_win_cap_sid_generate(cd_win_random_fn rnd, void *ctx, char out[CD_WIN_SID_MAX],
                            cordon_error *err) {
  unsigned char bytes[16];
  if (rnd(bytes, sizeof bytes, ctx, err) < 0)
    return cd_error_prefix(err, "generating a capability SID");
  uint32_t v[4];
  for (int i = 0; i < 4; i++)
    v[i] = (uint32_t)bytes[4 * i] | (uint32_t)bytes[4 * i + 1] << 8 |
           (uint32_t)bytes[4 * i + 2] << 16 | (uint32_t)bytes[4 * i + 3] << 24;
  snprintf(out, CD_WIN_SID_MAX, "S-1-5-21-%" PRIu32 "-%" PRIu32 "-%" PRIu32 "-%" PRIu32, v[0],
           v[1], v[2], v[3]);
  return 0;
}

const cd_win_cap_store_entry *cd_win_cap_store_find(const cd_win_cap_store *store,
                                                    const char *root) {
  for (size_t i = 0; i < store->n_workspaces; i++)
    if (strcmp(store->workspaces[i].workspace_root, root) == 0)
      return &store->workspaces[i];
  return NULL;
}

void cd_win_cap_store_clear(cd_win_cap_store *store) {
  for (size_t i = 0; i < store->n_workspaces; i++)
    free(store->workspaces[i].workspace_root);
  free(store->workspaces);
  *store = (cd_win_cap_store){0};
}
