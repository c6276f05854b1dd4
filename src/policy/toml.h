/* A TOML 1.0 parser: text -> a tree of values, each with the line and column it
 * was written at, so config errors can name FILE:LINE:COL.
 *
 * Written by hand because Debian packages no C TOML library. It accepts exactly
 * TOML 1.0 (every case of the toml-test suite passes) and nothing more: a config
 * that another TOML tool would read differently must be refused, not guessed at. */
#ifndef CD_TOML_H
#define CD_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cordon.h"

typedef enum cd_toml_type {
  CD_TOML_TABLE,
  CD_TOML_ARRAY,
  CD_TOML_STRING,
  CD_TOML_INTEGER,
  CD_TOML_FLOAT,
  CD_TOML_BOOL,
  CD_TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
  CD_TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
  CD_TOML_DATE_LOCAL,     /* 1979-05-27 */
  CD_TOML_TIME_LOCAL,     /* 07:32:00 */
} cd_toml_type;

typedef struct cd_toml_value cd_toml_value;

/* Deepest nesting accepted: tables (by headers or dotted keys), arrays and inline
 * tables nest at most this many levels below the root table; deeper is refused,
 * so hostile input cannot exhaust the stack. */
#define CD_TOML_MAX_DEPTH 128

/* Parse LEN bytes of TEXT (NUL bytes anywhere are an error, as TOML requires).
 * NAME is used in messages, which read "NAME:LINE:COL: message", LINE and COL
 * 1-based and naming the offending character; columns count characters (UTF-8
 * code points, a tab is one), not bytes. Returns the root table, or NULL with ERR
 * set. */
cd_toml_value *cd_toml_parse(const char *text, size_t len, const char *name,
                             cordon_error *err);
void cd_toml_free(cd_toml_value *root);

cd_toml_type cd_toml_type_of(const cd_toml_value *v);
/* "table", "array", "string", "integer", "float", "boolean", "datetime",
 * "datetime-local", "date-local", "time-local". */
const char *cd_toml_type_name(cd_toml_type type);
/* The accessors below never fail: on a value of another type, or an index out of
 * range, they return 0, NULL or false.
 *
 * 1-based position of the value's first character. A table's is its [header], or
 * the key that created it when it has none (dotted keys, implicit super-tables). */
unsigned cd_toml_line(const cd_toml_value *v);
unsigned cd_toml_col(const cd_toml_value *v);

/* Tables keep their keys in the order they were defined. */
size_t cd_toml_table_len(const cd_toml_value *table);
const char *cd_toml_table_key(const cd_toml_value *table, size_t i);
/* The key's byte length: larger than strlen() when a quoted key holds \u0000. */
size_t cd_toml_table_key_len(const cd_toml_value *table, size_t i);
const cd_toml_value *cd_toml_table_value(const cd_toml_value *table, size_t i);
/* Position of the key itself (for "unknown key" messages). */
unsigned cd_toml_table_key_line(const cd_toml_value *table, size_t i);
unsigned cd_toml_table_key_col(const cd_toml_value *table, size_t i);
/* NULL when KEY (a C string: keys holding \u0000 cannot be looked up) is absent. */
const cd_toml_value *cd_toml_table_get(const cd_toml_value *table, const char *key);

size_t cd_toml_array_len(const cd_toml_value *array);
const cd_toml_value *cd_toml_array_get(const cd_toml_value *array, size_t i);

/* Decoded UTF-8 (escapes applied); *LEN gets the byte length, which is larger
 * than strlen() when the string holds an escaped NUL (\u0000). LEN may be NULL. */
const char *cd_toml_string(const cd_toml_value *v, size_t *len);
int64_t cd_toml_integer(const cd_toml_value *v);
double cd_toml_float(const cd_toml_value *v);
bool cd_toml_bool(const cd_toml_value *v);
/* Date/time values as written (normalised: 'T' separator, upper-case 'Z'). */
const char *cd_toml_datetime(const cd_toml_value *v);

#endif
