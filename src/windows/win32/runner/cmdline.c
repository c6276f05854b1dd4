#include "windows/win32/runner/cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "common/error.h"
#include "windows/win32/common/winutil.h"

/* CreateProcess takes at most 32767 characters, the terminator included. */
#define CMDLINE_MAX 32767

typedef struct wbuf {
  wchar_t *p;
  size_t len, cap;
  bool oom;
} wbuf;

static void wput(wbuf *b, wchar_t c, size_t times) {
  if (b->oom)
    return;
  if (b->len + times + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + times + 1)
      cap *= 2;
    wchar_t *p = realloc(b->p, cap * sizeof *p);
    if (!p) {
      b->oom = true;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  for (size_t i = 0; i < times; i++)
    b->p[b->len++] = c;
  b->p[b->len] = L'\0';
}

static bool needs_quotes(const wchar_t *s) {
  return s[0] == L'\0' || wcspbrk(s, L" \t\n\v\"") != NULL;
}

/* The C runtime's rules: inside quotes, backslashes are literal unless they come
 * before a '"' (then each is doubled and the quote escaped) or before the closing
 * quote (then doubled). */
static void quote_arg(wbuf *b, const wchar_t *s) {
  if (!needs_quotes(s)) {
    for (; *s; s++)
      wput(b, *s, 1);
    return;
  }
  wput(b, L'"', 1);
  for (;;) {
    size_t slashes = 0;
    while (*s == L'\\') {
      slashes++;
      s++;
    }
    if (*s == L'\0') {
      wput(b, L'\\', slashes * 2);
      break;
    }
    if (*s == L'"') {
      wput(b, L'\\', slashes * 2 + 1);
      wput(b, L'"', 1);
    } else {
      wput(b, L'\\', slashes);
      wput(b, *s, 1);
    }
    s++;
  }
  wput(b, L'"', 1);
}

int cd_rn_cmdline(char *const *argv, uint32_t argc, wchar_t **out, cordon_error *err) {
  wbuf b = {0};
  for (uint32_t i = 0; i < argc; i++) {
    _cleanup_free_ wchar_t *w = cd_wide(argv[i]);
    if (!w) {
      free(b.p);
      return cd_error_set_code(err, EINVAL, "argv[%lu] is not valid UTF-8", (unsigned long)i);
    }
    if (i == 0) {
      /* The program name ends at the next quote whatever precedes it, so it
       * cannot carry one. */
      if (wcschr(w, L'"')) {
        free(b.p);
        return cd_error_set_code(err, EINVAL, "the program name %s contains '\"'", argv[0]);
      }
      bool q = needs_quotes(w);
      if (q)
        wput(&b, L'"', 1);
      for (const wchar_t *c = w; *c; c++)
        wput(&b, *c, 1);
      if (q)
        wput(&b, L'"', 1);
    } else {
      wput(&b, L' ', 1);
      quote_arg(&b, w);
    }
  }
  if (b.oom) {
    free(b.p);
    return cd_error_oom(err);
  }
  if (b.len >= CMDLINE_MAX) {
    free(b.p);
    return cd_error_set_code(err, E2BIG, "the command line is %lu characters, over Windows' %d",
                        (unsigned long)b.len, CMDLINE_MAX - 1);
  }
  *out = b.p;
  return 0;
}

/* The name part: up to the first '=' after the first character ("=C:" names start
 * with one). */
static int name_len(const wchar_t *s) { return (int)(wcschr(s + 1, L'=') - s); }

static int compare_names(const void *a, const void *b) {
  const wchar_t *x = *(const wchar_t *const *)a, *y = *(const wchar_t *const *)b;
  int r = CompareStringOrdinal(x, name_len(x), y, name_len(y), TRUE);
  return r - CSTR_EQUAL; /* CSTR_LESS_THAN, CSTR_EQUAL, CSTR_GREATER_THAN are 1, 2, 3 */
}

int cd_rn_envblock(char *const *env, uint32_t envc, wchar_t **out, cordon_error *err) {
  wchar_t **w = calloc((size_t)envc + 1, sizeof *w);
  if (!w)
    return cd_error_oom(err);
  int r = -1;
  size_t total = 1;
  for (uint32_t i = 0; i < envc; i++) {
    w[i] = cd_wide(env[i]);
    if (!w[i]) {
      cd_error_set_code(err, EINVAL, "env[%lu] is not valid UTF-8", (unsigned long)i);
      goto done;
    }
    total += wcslen(w[i]) + 1;
  }
  qsort(w, envc, sizeof *w, compare_names);
  wchar_t *block = malloc((total + 1) * sizeof *block);
  if (!block) {
    cd_error_oom(err);
    goto done;
  }
  wchar_t *p = block;
  for (uint32_t i = 0; i < envc; i++) {
    size_t n = wcslen(w[i]) + 1;
    memcpy(p, w[i], n * sizeof *p);
    p += n;
  }
  *p++ = L'\0';
  if (envc == 0)
    *p = L'\0'; /* an empty block is two terminators */
  *out = block;
  r = 0;
done:
  for (uint32_t i = 0; i < envc; i++)
    free(w[i]);
  free(w);
  return r;
}
