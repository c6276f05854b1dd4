/* A growable, NULL-terminated vector of owned strings. */
#ifndef CD_STRV_H
#define CD_STRV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cd_strv {
  char **items; /* NULL-terminated when len > 0 */
  size_t len;
  size_t cap;
} cd_strv;

/* Append a copy of S. Returns 0, or -ENOMEM. */
int cd_strv_push(cd_strv *v, const char *s);
/* Append S, taking ownership (freed on failure). Returns 0, or -ENOMEM. */
int cd_strv_push_owned(cd_strv *v, char *s);
bool cd_strv_contains(const cd_strv *v, const char *s);
void cd_strv_sort(cd_strv *v);
void cd_strv_free(cd_strv *v);

#endif
