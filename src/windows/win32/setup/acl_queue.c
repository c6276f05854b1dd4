#include "acl_queue.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

char *cd_acl_queue_format(const cd_win_ace *aces, size_t n, size_t *count, cordon_error *err) {
  size_t size = sizeof CD_ACL_QUEUE_MAGIC + 1;
  for (size_t i = 0; i < n; i++)
    if (aces[i].deferred)
      size += strlen(aces[i].path) + CD_WIN_SID_MAX + 96;
  char *text = malloc(size);
  if (!text) {
    cd_error_oom(err);
    return NULL;
  }
  size_t pos = (size_t)snprintf(text, size, CD_ACL_QUEUE_MAGIC "\n");
  *count = 0;
  for (size_t i = 0; i < n; i++) {
    const cd_win_ace *a = &aces[i];
    if (!a->deferred)
      continue;
    if (strpbrk(a->path, "\r\n")) {
      free(text);
      cd_error_set(err, 0, "path with a line break cannot be queued: %s", a->path);
      return NULL;
    }
    bool group = a->trustee == CD_WIN_TRUSTEE_GROUP;
    pos += (size_t)snprintf(text + pos, size - pos, "ace %s %s %s %s 0x%" PRIx32 " 0x%" PRIx32
                                                    " %s %s\n",
                            a->type == CD_WIN_ACE_DENY ? "deny" : "allow",
                            group ? "group" : "cap", group ? "-" : cd_win_cap_name(a->cap),
                            group ? "-" : a->sid, a->mask, a->inheritance,
                            cd_win_ace_why_name(a->why), a->path);
    (*count)++;
  }
  return text;
}

/* The next space-separated field of *S (advanced past it), into BUF. */
static int field(const char **s, const char *end, char *buf, size_t size) {
  const char *p = *s;
  const char *sp = memchr(p, ' ', (size_t)(end - p));
  if (!sp || sp == p || (size_t)(sp - p) >= size)
    return -1;
  memcpy(buf, p, (size_t)(sp - p));
  buf[sp - p] = '\0';
  *s = sp + 1;
  return 0;
}

static int parse_hex(const char *s, uint32_t *out) {
  if (strncmp(s, "0x", 2) != 0 || !s[2] || strlen(s) > 10)
    return -1;
  char *end;
  unsigned long v = strtoul(s + 2, &end, 16);
  if (*end)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static int parse_line(const char *s, const char *end, cd_win_ace *a) {
  char word[CD_WIN_SID_MAX];
  memset(a, 0, sizeof *a);
  if (field(&s, end, word, sizeof word) < 0 || strcmp(word, "ace") != 0)
    return -1;
  if (field(&s, end, word, sizeof word) < 0)
    return -1;
  if (strcmp(word, "allow") == 0)
    a->type = CD_WIN_ACE_ALLOW;
  else if (strcmp(word, "deny") == 0)
    a->type = CD_WIN_ACE_DENY;
  else
    return -1;
  if (field(&s, end, word, sizeof word) < 0)
    return -1;
  bool group = strcmp(word, "group") == 0;
  if (!group && strcmp(word, "cap") != 0)
    return -1;
  a->trustee = group ? CD_WIN_TRUSTEE_GROUP : CD_WIN_TRUSTEE_CAP;
  if (field(&s, end, word, sizeof word) < 0)
    return -1;
  if (!group) {
    int c = 0;
    while (c < CD_WIN_CAP_COUNT && strcmp(word, cd_win_cap_name((cd_win_cap)c)) != 0)
      c++;
    if (c == CD_WIN_CAP_COUNT)
      return -1;
    a->cap = (cd_win_cap)c;
  }
  if (field(&s, end, a->sid, sizeof a->sid) < 0 || (group != (strcmp(a->sid, "-") == 0)))
    return -1;
  if (group)
    a->sid[0] = '\0';
  else if (strncmp(a->sid, "S-1-", 4) != 0)
    return -1;
  if (field(&s, end, word, sizeof word) < 0 || parse_hex(word, &a->mask) < 0 || !a->mask)
    return -1;
  if (field(&s, end, word, sizeof word) < 0 || parse_hex(word, &a->inheritance) < 0 ||
      (a->inheritance & ~(uint32_t)(CD_WIN_INHERIT_DIR | CD_WIN_INHERIT_ONLY_ACE)))
    return -1;
  if (field(&s, end, word, sizeof word) < 0)
    return -1;
  int w = 0;
  while (w <= CD_WIN_WHY_EVERYONE_WRITABLE && strcmp(word, cd_win_ace_why_name(w)) != 0)
    w++;
  if (w > CD_WIN_WHY_EVERYONE_WRITABLE)
    return -1;
  a->why = (cd_win_ace_why)w;
  if (s >= end)
    return -1;
  size_t plen = (size_t)(end - s);
  if (plen > 0 && s[plen - 1] == '\r')
    plen--;
  a->path = malloc(plen + 1);
  if (!a->path)
    return -2;
  memcpy(a->path, s, plen);
  a->path[plen] = '\0';
  a->deferred = true;
  return 0;
}

int cd_acl_queue_parse(const char *text, size_t len, cd_win_ace **out, size_t *n,
                       cordon_error *err) {
  *out = NULL;
  *n = 0;
  size_t cap = 0, line_no = 0;
  for (size_t pos = 0; pos < len;) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    if (!nl)
      goto bad;
    pos += (size_t)(nl - line) + 1;
    line_no++;
    if (line_no == 1) {
      if ((size_t)(nl - line) != strlen(CD_ACL_QUEUE_MAGIC) ||
          memcmp(line, CD_ACL_QUEUE_MAGIC, (size_t)(nl - line)) != 0)
        goto bad;
      continue;
    }
    if (*n == cap) {
      cap = cap ? cap * 2 : 8;
      cd_win_ace *grown = realloc(*out, cap * sizeof *grown);
      if (!grown) {
        cd_error_oom(err);
        goto fail;
      }
      *out = grown;
    }
    int r = parse_line(line, nl, &(*out)[*n]);
    if (r == -2) {
      cd_error_oom(err);
      goto fail;
    }
    if (r < 0)
      goto bad;
    (*n)++;
  }
  if (line_no > 0)
    return 0;
bad:
  cd_error_set(err, 0, "read ACL queue line %lu: malformed", (unsigned long)(line_no ? line_no : 1));
fail:
  cd_win_aces_free(*out, *n);
  *out = NULL;
  *n = 0;
  return -1;
}
