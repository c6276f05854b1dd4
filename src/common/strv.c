#include "common/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cd_strv_push_owned(cd_strv *v, char *s) {
  if (!s)
    return -ENOMEM;
  if (v->len + 2 > v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 8;
    char **items = realloc(v->items, cap * sizeof *items);
    if (!items) {
      free(s);
      return -ENOMEM;
    }
    v->items = items;
    v->cap = cap;
  }
  v->items[v->len++] = s;
  v->items[v->len] = NULL;
  return 0;
}

int cd_strv_push(cd_strv *v, const char *s) {
  return cd_strv_push_owned(v, strdup(s));
}

bool cd_strv_contains(const cd_strv *v, const char *s) {
  for (size_t i = 0; i < v->len; i++)
    if (strcmp(v->items[i], s) == 0)
      return true;
  return false;
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void cd_strv_sort(cd_strv *v) {
  if (v->len > 1)
    qsort(v->items, v->len, sizeof *v->items, compare_strings);
}

void cd_strv_free(cd_strv *v) {
  for (size_t i = 0; i < v->len; i++)
    free(v->items[i]);
  free(v->items);
  *v = (cd_strv){0};
}
