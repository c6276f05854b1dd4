#include "wstr.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

wchar_t *cd_wide(const char *utf8) {
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
  if (n <= 0)
    return NULL;
  wchar_t *w = malloc((size_t)n * sizeof *w);
  if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n) != n) {
    free(w);
    return NULL;
  }
  return w;
}

char *cd_utf8(const wchar_t *wide) {
  int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide, -1, NULL, 0, NULL, NULL);
  if (n <= 0)
    return NULL;
  char *s = malloc((size_t)n);
  if (s && WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide, -1, s, n, NULL, NULL) != n) {
    free(s);
    return NULL;
  }
  return s;
}

wchar_t *cd_wjoin(const wchar_t *dir, const wchar_t *name) {
  size_t d = wcslen(dir), n = wcslen(name);
  bool sep = d > 0 && dir[d - 1] != L'\\' && dir[d - 1] != L'/';
  wchar_t *p = malloc((d + sep + n + 1) * sizeof *p);
  if (!p)
    return NULL;
  memcpy(p, dir, d * sizeof *p);
  if (sep)
    p[d] = L'\\';
  memcpy(p + d + sep, name, (n + 1) * sizeof *p);
  return p;
}

const char *cd_wshow(const wchar_t *w, char *buf, int size) {
  char *s = cd_utf8(w);
  snprintf(buf, (size_t)size, "%s", s ? s : "(unprintable path)");
  free(s);
  return buf;
}

/* Backslashes double only where a quote follows them (ours, or one inside ARG). */
int cd_wquote_append(wchar_t *out, size_t size, const wchar_t *arg) {
  size_t n = wcslen(out);
  if (n + 2 * wcslen(arg) + 4 > size)
    return -1;
  if (n > 0)
    out[n++] = L' ';
  out[n++] = L'"';
  for (const wchar_t *c = arg;; c++) {
    size_t slashes = 0;
    while (*c == L'\\') {
      slashes++;
      c++;
    }
    bool quote_follows = *c == L'"' || *c == L'\0';
    for (size_t k = 0; k < (quote_follows ? 2 * slashes : slashes); k++)
      out[n++] = L'\\';
    if (*c == L'\0')
      break;
    if (*c == L'"')
      out[n++] = L'\\';
    out[n++] = *c;
  }
  out[n++] = L'"';
  out[n] = L'\0';
  return 0;
}
