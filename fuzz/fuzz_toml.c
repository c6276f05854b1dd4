/* libFuzzer target for the TOML parser. Besides not crashing, leaking or hanging:
 * an accepted document's tree is walked through every accessor, and must be
 * consistent (types, positions inside the text, strings NUL-terminated at their
 * length and valid UTF-8, keys unique and found again by lookup, nesting within
 * CD_TOML_MAX_DEPTH); a refused one must have a non-empty "fuzz:LINE:COL: ..."
 * message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct bounds {
  size_t size;
  unsigned lines;
} bounds;

static void check(bool ok) {
  if (!ok)
    abort();
}

static bool valid_utf8(const unsigned char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    unsigned c = s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3
                        : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (n == 0 || len - i < n)
      return false;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t j = 1; j < n; j++) {
      if ((s[i + j] & 0xC0) != 0x80)
        return false;
      cp = cp << 6 | (s[i + j] & 0x3F);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

static void check_position(const bounds *b, unsigned line, unsigned col) {
  check(line >= 1 && line <= b->lines && col >= 1 && col <= b->size + 1);
}

/* Values of another type give neutral answers. */
static void check_not(const cd_toml_value *v, cd_toml_type type) {
  size_t len = 1;
  if (type != CD_TOML_TABLE)
    check(cd_toml_table_len(v) == 0 && !cd_toml_table_key(v, 0) && !cd_toml_table_value(v, 0) &&
          !cd_toml_table_get(v, "a") && cd_toml_table_key_line(v, 0) == 0);
  if (type != CD_TOML_ARRAY)
    check(cd_toml_array_len(v) == 0 && !cd_toml_array_get(v, 0));
  if (type != CD_TOML_STRING)
    check(!cd_toml_string(v, &len) && len == 0);
  if (type != CD_TOML_INTEGER)
    check(cd_toml_integer(v) == 0);
  if (type != CD_TOML_FLOAT)
    check(cd_toml_float(v) == 0.0);
  if (type != CD_TOML_BOOL)
    check(!cd_toml_bool(v));
  if (type < CD_TOML_DATETIME)
    check(!cd_toml_datetime(v));
}

static void walk(const bounds *b, const cd_toml_value *v, unsigned depth) {
  check(v != NULL && depth <= CD_TOML_MAX_DEPTH + 1);
  cd_toml_type type = cd_toml_type_of(v);
  check(type >= CD_TOML_TABLE && type <= CD_TOML_TIME_LOCAL);
  check(strcmp(cd_toml_type_name(type), "unknown") != 0);
  check_position(b, cd_toml_line(v), cd_toml_col(v));
  check_not(v, type);
  if (type == CD_TOML_TABLE || type == CD_TOML_ARRAY)
    check(depth <= CD_TOML_MAX_DEPTH);
  switch (type) {
  case CD_TOML_TABLE: {
    size_t n = cd_toml_table_len(v);
    for (size_t i = 0; i < n; i++) {
      const char *key = cd_toml_table_key(v, i);
      size_t len = cd_toml_table_key_len(v, i);
      check(key && len <= b->size && key[len] == '\0' && strlen(key) <= len);
      check(valid_utf8((const unsigned char *)key, len));
      check_position(b, cd_toml_table_key_line(v, i), cd_toml_table_key_col(v, i));
      const cd_toml_value *child = cd_toml_table_value(v, i);
      const cd_toml_value *found = cd_toml_table_get(v, key);
      check(strlen(key) == len ? found == child : found != child);
      walk(b, child, depth + 1);
    }
    check(!cd_toml_table_key(v, n) && !cd_toml_table_value(v, n));
    break;
  }
  case CD_TOML_ARRAY: {
    size_t n = cd_toml_array_len(v);
    for (size_t i = 0; i < n; i++)
      walk(b, cd_toml_array_get(v, i), depth + 1);
    check(!cd_toml_array_get(v, n));
    break;
  }
  case CD_TOML_STRING: {
    size_t len;
    const char *s = cd_toml_string(v, &len);
    check(s && len <= b->size && s[len] == '\0' && cd_toml_string(v, NULL) == s);
    check(valid_utf8((const unsigned char *)s, len));
    break;
  }
  case CD_TOML_INTEGER:
  case CD_TOML_FLOAT:
  case CD_TOML_BOOL:
    break; /* any value; the accessors were called by check_not */
  case CD_TOML_DATETIME:
  case CD_TOML_DATETIME_LOCAL:
  case CD_TOML_DATE_LOCAL:
  case CD_TOML_TIME_LOCAL: {
    const char *s = cd_toml_datetime(v);
    check(s != NULL);
    size_t len = strlen(s);
    check(strspn(s, "0123456789-:.TZ+") == len);
    if (type == CD_TOML_DATE_LOCAL)
      check(len == 10 && s[4] == '-');
    else if (type == CD_TOML_TIME_LOCAL)
      check(len >= 8 && s[2] == ':' && !strchr(s, 'T'));
    else
      check(len >= 19 && s[10] == 'T' &&
            (type == CD_TOML_DATETIME) == (s[len - 1] == 'Z' || s[len - 6] == '+' ||
                                           s[len - 6] == '-'));
    break;
  }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cordon_error err = {0};
  cd_toml_value *root = cd_toml_parse((const char *)data, size, "fuzz", &err);
  if (root) {
    bounds b = {.size = size, .lines = 1};
    for (size_t i = 0; i < size; i++)
      b.lines += data[i] == '\n';
    check(cd_toml_type_of(root) == CD_TOML_TABLE);
    walk(&b, root, 0);
    cd_toml_free(root);
  } else {
    check(memchr(err.message, '\0', sizeof err.message) != NULL);
    check(strncmp(err.message, "fuzz:", 5) == 0 && err.message[5] >= '1' &&
          err.message[5] <= '9');
  }
  return 0;
}
