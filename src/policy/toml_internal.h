/* Shared by the two halves of the TOML parser: toml.c (the document: keys, tables,
 * arrays, the redefinition rules, the tree's accessors) and toml_value.c (the
 * cursor, errors and scalars: strings, numbers, booleans, dates and times).
 * Nothing else includes this. */
#ifndef CD_TOML_INTERNAL_H
#define CD_TOML_INTERNAL_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/toml.h"

typedef struct toml_entry {
  char *key;
  size_t key_len;
  uint64_t hash;
  unsigned line, col;
  cd_toml_value *value;
} toml_entry;

struct cd_toml_value {
  cd_toml_type type;
  unsigned line, col;
  unsigned depth; /* containers above it; the root is 0 */
  union {
    struct {
      toml_entry *items; /* in definition order */
      size_t len, cap;
      size_t *index; /* open addressing, slot -> item + 1 (0: free); NULL when small */
      size_t index_cap;
      bool dotted;  /* made or extended by dotted keys (a.b = 1) */
      bool defined; /* by a [header] or [[header]] */
      bool frozen;  /* an inline table: complete once closed */
    } table;
    struct {
      cd_toml_value **items;
      size_t len, cap;
      bool of_tables; /* made by [[header]]; literal arrays are fixed */
    } array;
    struct {
      char *s; /* NUL-terminated; a string may hold more NULs (\u0000) */
      size_t len;
    } str; /* strings and the four date/time types */
    int64_t integer;
    double fl;
    bool boolean;
  } u;
};

typedef struct toml_parser {
  const char *text;
  size_t len, pos;
  unsigned line, col; /* of text[pos] */
  const char *name;
  cordon_error *err;
  locale_t c_locale; /* floats are read with '.' whatever the caller's locale */
} toml_parser;

/* A growing, always NUL-terminated byte buffer. */
typedef struct toml_buf {
  char *s;
  size_t len, cap;
} toml_buf;

/* The byte AHEAD bytes past the cursor, or -1 past the end. */
static inline int toml_peek(const toml_parser *p, size_t ahead) {
  return ahead < p->len - p->pos ? (unsigned char)p->text[p->pos + ahead] : -1;
}

/* Step over one byte, keeping line and column (in characters) current. */
void toml_advance(toml_parser *p);
void toml_advance_n(toml_parser *p, size_t n);

/* Set "NAME:LINE:COL: message". Return -1. */
int toml_fail_at(toml_parser *p, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same at the cursor. */
int toml_fail(toml_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The character at the cursor, for "found X" messages: BUF or a literal. */
const char *toml_describe(const toml_parser *p, char buf[16]);

cd_toml_value *toml_value_new(toml_parser *p, cd_toml_type type, unsigned line,
                              unsigned col);

/* A string at the cursor (on its opening quote) into B, which the caller frees.
 * MULTILINE_OK: """ and ''' start multi-line strings (not in keys). */
int toml_parse_string(toml_parser *p, bool multiline_ok, toml_buf *b);
/* A string, number, boolean or date/time at the cursor. */
cd_toml_value *toml_parse_scalar(toml_parser *p);

#endif
