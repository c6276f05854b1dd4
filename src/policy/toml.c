/* A TOML 1.0 parser. Written by hand because Debian packages no C TOML library,
 * and a sandbox should not vendor an unreviewed one to read its own policy. It
 * takes exactly TOML 1.0 (the toml-test suite's cases: tests/policy) and refuses
 * everything else, hostile input included: the text is checked to be UTF-8 with
 * no NUL byte before parsing, nesting is bounded (CD_TOML_MAX_DEPTH), and keys are
 * found through a hash with a per-process random key, so no input is slow.
 *
 * This file: the document (key/value lines, [tables], [[arrays of tables]], inline
 * tables and arrays), the rules against defining anything twice, and the tree's
 * accessors. The cursor and the scalars are in toml_value.c. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/toml_internal.h"

/* ---- Key hashing: SipHash-1-3 under a random key, so that no input can make
 * many keys collide on purpose. */

static uint64_t hash_secret[2];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_init(void) {
  if (getrandom(hash_secret, sizeof hash_secret, GRND_NONBLOCK) != (ssize_t)sizeof hash_secret) {
    /* No entropy yet (early boot): the clock and the address layout still vary. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    hash_secret[0] = (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&ts;
    hash_secret[1] = (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)hash_secret;
  }
}

static inline uint64_t rotl(uint64_t x, int b) {
  return x << b | x >> (64 - b);
}

static void sip_round(uint64_t v[4]) {
  v[0] += v[1];
  v[1] = rotl(v[1], 13) ^ v[0];
  v[0] = rotl(v[0], 32);
  v[2] += v[3];
  v[3] = rotl(v[3], 16) ^ v[2];
  v[0] += v[3];
  v[3] = rotl(v[3], 21) ^ v[0];
  v[2] += v[1];
  v[1] = rotl(v[1], 17) ^ v[2];
  v[2] = rotl(v[2], 32);
}

static uint64_t key_hash(const char *s, size_t n) {
  uint64_t k0 = hash_secret[0], k1 = hash_secret[1];
  uint64_t v[4] = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
                   k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
  size_t i = 0;
  for (; n - i >= 8; i += 8) {
    uint64_t m;
    memcpy(&m, s + i, 8);
    v[3] ^= m;
    sip_round(v);
    v[0] ^= m;
  }
  uint64_t last = (uint64_t)n << 56;
  for (size_t j = 0; i + j < n; j++)
    last |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
  v[3] ^= last;
  sip_round(v);
  v[0] ^= last;
  v[2] ^= 0xff;
  for (int r = 0; r < 3; r++)
    sip_round(v);
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- Tables and arrays. */

/* Tables this small are scanned; larger ones get an index. */
#define TABLE_SCAN_MAX 8

static bool entry_is(const toml_entry *e, const char *key, size_t len, uint64_t hash) {
  return e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0;
}

static toml_entry *table_find(const cd_toml_value *t, const char *key, size_t len,
                              uint64_t hash) {
  toml_entry *items = t->u.table.items;
  if (!t->u.table.index) {
    for (size_t i = 0; i < t->u.table.len; i++)
      if (entry_is(&items[i], key, len, hash))
        return &items[i];
    return NULL;
  }
  size_t mask = t->u.table.index_cap - 1;
  for (size_t slot = hash & mask; t->u.table.index[slot]; slot = (slot + 1) & mask)
    if (entry_is(&items[t->u.table.index[slot] - 1], key, len, hash))
      return &items[t->u.table.index[slot] - 1];
  return NULL;
}

static void index_put(size_t *index, size_t cap, uint64_t hash, size_t item) {
  size_t slot = hash & (cap - 1);
  while (index[slot])
    slot = (slot + 1) & (cap - 1);
  index[slot] = item + 1;
}

/* Keep the index at most half full. */
static int index_grow(toml_parser *p, cd_toml_value *t) {
  size_t cap = t->u.table.index_cap ? t->u.table.index_cap * 2 : 4 * TABLE_SCAN_MAX;
  size_t *index = calloc(cap, sizeof *index);
  if (!index)
    return cd_error_oom(p->err);
  for (size_t i = 0; i < t->u.table.len; i++)
    index_put(index, cap, t->u.table.items[i].hash, i);
  free(t->u.table.index);
  t->u.table.index = index;
  t->u.table.index_cap = cap;
  return 0;
}

/* A key as written: its text (owned until handed to a table) and position. */
typedef struct toml_key {
  char *s;
  size_t len;
  unsigned line, col;
} toml_key;

/* Add KEY = V to T, taking both (V is freed on failure). The key is known absent. */
static int table_add(toml_parser *p, cd_toml_value *t, toml_key *key, uint64_t hash,
                     cd_toml_value *v) {
  size_t n = t->u.table.len + 1;
  if (n > TABLE_SCAN_MAX && n * 2 > t->u.table.index_cap && index_grow(p, t) < 0)
    goto fail;
  if (t->u.table.len == t->u.table.cap) {
    size_t cap = t->u.table.cap ? t->u.table.cap * 2 : 2;
    toml_entry *items = realloc(t->u.table.items, cap * sizeof *items);
    if (!items) {
      cd_error_oom(p->err);
      goto fail;
    }
    t->u.table.items = items;
    t->u.table.cap = cap;
  }
  if (t->u.table.index)
    index_put(t->u.table.index, t->u.table.index_cap, hash, t->u.table.len);
  t->u.table.items[t->u.table.len++] = (toml_entry){
      .key = CD_TAKE(key->s),
      .key_len = key->len,
      .hash = hash,
      .line = key->line,
      .col = key->col,
      .value = v,
  };
  return 0;
fail:
  cd_toml_free(v);
  return -1;
}

static int array_push(toml_parser *p, cd_toml_value *a, cd_toml_value *v) {
  if (a->u.array.len == a->u.array.cap) {
    size_t cap = a->u.array.cap ? a->u.array.cap * 2 : 4;
    cd_toml_value **items = realloc(a->u.array.items, cap * sizeof *items);
    if (!items) {
      cd_toml_free(v);
      return cd_error_oom(p->err);
    }
    a->u.array.items = items;
    a->u.array.cap = cap;
  }
  a->u.array.items[a->u.array.len++] = v;
  return 0;
}

/* A table or array DEPTH levels below the root: the one place nesting is bounded. */
static cd_toml_value *new_container(toml_parser *p, cd_toml_type type, unsigned depth,
                                    unsigned line, unsigned col) {
  if (depth > CD_TOML_MAX_DEPTH) {
    toml_fail_at(p, line, col, "nested deeper than %d levels", CD_TOML_MAX_DEPTH);
    return NULL;
  }
  cd_toml_value *v = toml_value_new(p, type, line, col);
  if (v)
    v->depth = depth;
  return v;
}

/* A new table under KEY in T. */
static cd_toml_value *add_table(toml_parser *p, cd_toml_value *t, toml_key *key,
                                uint64_t hash) {
  cd_toml_value *child = new_container(p, CD_TOML_TABLE, t->depth + 1, key->line, key->col);
  if (!child || table_add(p, t, key, hash, child) < 0)
    return NULL;
  return child;
}

/* ---- Keys. */

static void skip_ws(toml_parser *p) {
  while (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t')
    toml_advance(p);
}

typedef struct toml_keys {
  toml_key *items;
  size_t len, cap;
} toml_keys;

static void keys_clear(toml_keys *keys) {
  for (size_t i = 0; i < keys->len; i++)
    free(keys->items[i].s);
  free(keys->items);
}

/* A key, in messages: printable, and cut short (between two characters). */
static const char *key_text(const toml_key *key, char buf[48]) {
  size_t n = 0, i = 0;
  for (; i < key->len; i++) {
    unsigned char c = (unsigned char)key->s[i];
    if (n >= 40 && (c & 0xC0) != 0x80)
      break;
    buf[n++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
  }
  if (i < key->len) {
    memcpy(buf + n, "...", 3);
    n += 3;
  }
  buf[n] = '\0';
  return buf;
}

static bool is_bare_key_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
}

static int parse_simple_key(toml_parser *p, toml_key *key) {
  key->line = p->line;
  key->col = p->col;
  int c = toml_peek(p, 0);
  if (c == '"' || c == '\'') {
    toml_buf b = {0};
    int r = toml_parse_string(p, false, &b);
    key->s = b.s;
    key->len = b.len;
    return r;
  }
  size_t n = 0;
  while (is_bare_key_char(toml_peek(p, n)))
    n++;
  if (n == 0) {
    char buf[16];
    return toml_fail(p, "expected a key, found %s", toml_describe(p, buf));
  }
  if (!(key->s = strndup(p->text + p->pos, n)))
    return cd_error_oom(p->err);
  key->len = n;
  toml_advance_n(p, n);
  return 0;
}

/* A key, dotted or not, and the blanks after it. */
static int parse_key(toml_parser *p, toml_keys *keys) {
  for (;;) {
    if (keys->len == keys->cap) {
      size_t cap = keys->cap ? keys->cap * 2 : 4;
      toml_key *items = realloc(keys->items, cap * sizeof *items);
      if (!items)
        return cd_error_oom(p->err);
      keys->items = items;
      keys->cap = cap;
    }
    toml_key *key = &keys->items[keys->len++];
    *key = (toml_key){0};
    if (parse_simple_key(p, key) < 0)
      return -1;
    skip_ws(p);
    if (toml_peek(p, 0) != '.')
      return 0;
    toml_advance(p);
    skip_ws(p);
  }
}

/* ---- The rules against defining anything twice. A table is defined in one of
 * three ways: by a [header], once; by the dotted keys (a.b.c = 1) that pass
 * through it, which a [header] may not define again (but may add sub-tables to);
 * or as an inline table, complete when it closes. Dotted keys may not add to a
 * table defined by a [header] other than the one they are under. (The dotted keys
 * under one [header] never reach the tables made by those under another: the
 * [header] leading there would define such a table again, which is refused.) */

/* "'KEY' WHAT (TYPE)" at KEY. Returns NULL. */
static cd_toml_value *key_error(toml_parser *p, const toml_key *key, const char *what,
                                const char *type) {
  char buf[48];
  toml_fail_at(p, key->line, key->col, "'%s' %s%s%s%s", key_text(key, buf), what,
               type ? " (" : "", type ? type : "", type ? ")" : "");
  return NULL;
}

/* Step from T into KEY for a dotted key of SECTION, creating the table if needed. */
static cd_toml_value *descend_dotted(toml_parser *p, cd_toml_value *t, toml_key *key) {
  uint64_t hash = key_hash(key->s, key->len);
  toml_entry *e = table_find(t, key->s, key->len, hash);
  if (!e) {
    cd_toml_value *child = add_table(p, t, key, hash);
    if (child)
      child->u.table.dotted = true;
    return child;
  }
  cd_toml_value *v = e->value;
  if (v->type != CD_TOML_TABLE)
    return key_error(p, key, "already holds a value", cd_toml_type_name(v->type));
  if (v->u.table.frozen)
    return key_error(p, key, "is an inline table, complete once closed", NULL);
  if (v->u.table.defined)
    return key_error(p, key, "is a table defined by a [header]: dotted keys may not extend it",
                     NULL);
  v->u.table.dotted = true;
  return v;
}

static cd_toml_value *parse_value(toml_parser *p, unsigned depth);

/* KEY = value, into table T for SECTION; the cursor on the key. */
static int parse_keyval(toml_parser *p, cd_toml_value *t) {
  _cleanup_(keys_clear) toml_keys keys = {0};
  if (parse_key(p, &keys) < 0)
    return -1;
  if (toml_peek(p, 0) != '=') {
    char buf[16];
    return toml_fail(p, "expected '=' after the key, found %s", toml_describe(p, buf));
  }
  toml_advance(p);
  skip_ws(p);
  for (size_t i = 0; i + 1 < keys.len; i++)
    if (!(t = descend_dotted(p, t, &keys.items[i])))
      return -1;
  toml_key *key = &keys.items[keys.len - 1];
  uint64_t hash = key_hash(key->s, key->len);
  if (table_find(t, key->s, key->len, hash)) {
    char buf[48];
    return toml_fail_at(p, key->line, key->col, "duplicate key '%s'", key_text(key, buf));
  }
  cd_toml_value *v = parse_value(p, t->depth + 1);
  return v ? table_add(p, t, key, hash, v) : -1;
}

/* ---- Values: arrays and inline tables here, scalars in toml_value.c. */

/* A comment, the cursor on its '#', up to the end of the line. */
static int skip_comment(toml_parser *p) {
  toml_advance(p);
  for (int c; (c = toml_peek(p, 0)) >= 0 && c != '\n'; toml_advance(p)) {
    if (c == '\r' && toml_peek(p, 1) == '\n')
      return 0;
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return toml_fail(p, "control character U+%04X in a comment", (unsigned)c);
  }
  return 0;
}

/* Blanks between array items: spaces, tabs, newlines and comments. */
static int skip_blanks(toml_parser *p) {
  for (;;) {
    int c = toml_peek(p, 0);
    if (c == ' ' || c == '\t' || c == '\n')
      toml_advance(p);
    else if (c == '\r' && toml_peek(p, 1) == '\n')
      toml_advance_n(p, 2);
    else if (c == '#' && skip_comment(p) < 0)
      return -1;
    else if (c != '#')
      return 0;
  }
}

static cd_toml_value *parse_array(toml_parser *p, unsigned depth) {
  cd_toml_value *a = new_container(p, CD_TOML_ARRAY, depth, p->line, p->col);
  if (!a)
    return NULL;
  toml_advance(p);
  for (;;) {
    if (skip_blanks(p) < 0)
      goto fail;
    if (toml_peek(p, 0) == ']')
      break;
    cd_toml_value *v = parse_value(p, depth + 1);
    if (!v || array_push(p, a, v) < 0 || skip_blanks(p) < 0)
      goto fail;
    if (toml_peek(p, 0) == ']')
      break;
    if (toml_peek(p, 0) != ',') {
      char buf[16];
      toml_fail(p, "expected ',' or ']' in the array, found %s", toml_describe(p, buf));
      goto fail;
    }
    toml_advance(p);
  }
  toml_advance(p);
  return a;
fail:
  cd_toml_free(a);
  return NULL;
}

/* { key = value, ... } on one line; complete (frozen) once closed. */
static cd_toml_value *parse_inline_table(toml_parser *p, unsigned depth) {
  cd_toml_value *t = new_container(p, CD_TOML_TABLE, depth, p->line, p->col);
  if (!t)
    return NULL;
  toml_advance(p);
  skip_ws(p);
  if (toml_peek(p, 0) != '}') {
    for (;;) {
      if (parse_keyval(p, t) < 0)
        goto fail;
      skip_ws(p);
      if (toml_peek(p, 0) == '}')
        break;
      if (toml_peek(p, 0) != ',') {
        char buf[16];
        toml_fail(p, "expected ',' or '}' in the inline table (which is one line), found %s",
                  toml_describe(p, buf));
        goto fail;
      }
      toml_advance(p);
      skip_ws(p);
    }
  }
  toml_advance(p);
  t->u.table.frozen = true;
  return t;
fail:
  cd_toml_free(t);
  return NULL;
}

static cd_toml_value *parse_value(toml_parser *p, unsigned depth) {
  int c = toml_peek(p, 0);
  if (c == '[')
    return parse_array(p, depth);
  if (c == '{')
    return parse_inline_table(p, depth);
  cd_toml_value *v = toml_parse_scalar(p);
  if (v)
    v->depth = depth;
  return v;
}

/* ---- [headers] and [[headers]]. */

/* Step from T into KEY on a header's path: into tables, or into the last table of
 * an array of tables; missing tables are created, not yet defined. */
static cd_toml_value *descend_header(toml_parser *p, cd_toml_value *t, toml_key *key) {
  uint64_t hash = key_hash(key->s, key->len);
  toml_entry *e = table_find(t, key->s, key->len, hash);
  if (!e)
    return add_table(p, t, key, hash);
  cd_toml_value *v = e->value;
  if (v->type == CD_TOML_ARRAY && v->u.array.of_tables)
    return v->u.array.items[v->u.array.len - 1];
  if (v->type == CD_TOML_ARRAY)
    return key_error(p, key, "is an array value, not an array of tables", NULL);
  if (v->type != CD_TOML_TABLE)
    return key_error(p, key, "already holds a value", cd_toml_type_name(v->type));
  if (v->u.table.frozen)
    return key_error(p, key, "is an inline table, complete once closed", NULL);
  return v;
}

/* [KEY] in T: define the table, once. */
static cd_toml_value *define_table(toml_parser *p, cd_toml_value *t, toml_key *key,
                                   unsigned line, unsigned col) {
  uint64_t hash = key_hash(key->s, key->len);
  toml_entry *e = table_find(t, key->s, key->len, hash);
  cd_toml_value *v = e ? e->value : add_table(p, t, key, hash);
  if (!v)
    return NULL;
  if (e && v->type == CD_TOML_ARRAY && v->u.array.of_tables)
    return key_error(p, key, "is an array of tables: [[...]] adds to it", NULL);
  if (e && v->type != CD_TOML_TABLE)
    return key_error(p, key, "already holds a value", cd_toml_type_name(v->type));
  if (e && v->u.table.frozen)
    return key_error(p, key, "is an inline table, complete once closed", NULL);
  if (e && (v->u.table.defined || v->u.table.dotted))
    return key_error(p, key, "is a table defined twice", NULL);
  v->u.table.defined = true;
  v->line = line;
  v->col = col;
  return v;
}

/* [[KEY]] in T: a new table at the end of the array of tables. */
static cd_toml_value *append_table(toml_parser *p, cd_toml_value *t, toml_key *key,
                                   unsigned line, unsigned col) {
  uint64_t hash = key_hash(key->s, key->len);
  toml_entry *e = table_find(t, key->s, key->len, hash);
  cd_toml_value *a;
  if (e) {
    a = e->value;
    if (a->type == CD_TOML_TABLE)
      return key_error(p, key, "is a table, not an array of tables", NULL);
    if (a->type != CD_TOML_ARRAY)
      return key_error(p, key, "already holds a value", cd_toml_type_name(a->type));
    if (!a->u.array.of_tables)
      return key_error(p, key, "is an array value: [[...]] cannot add to it", NULL);
  } else {
    a = new_container(p, CD_TOML_ARRAY, t->depth + 1, key->line, key->col);
    if (!a || table_add(p, t, key, hash, a) < 0)
      return NULL;
    a->u.array.of_tables = true;
  }
  cd_toml_value *v = new_container(p, CD_TOML_TABLE, a->depth + 1, line, col);
  if (!v || array_push(p, a, v) < 0)
    return NULL;
  v->u.table.defined = true;
  return v;
}

/* A [header] or [[header]] line, the cursor on '['; returns the table it opens. */
static cd_toml_value *parse_header(toml_parser *p, cd_toml_value *root) {
  unsigned line = p->line, col = p->col;
  bool array = toml_peek(p, 1) == '[';
  toml_advance_n(p, array ? 2 : 1);
  skip_ws(p);
  _cleanup_(keys_clear) toml_keys keys = {0};
  if (parse_key(p, &keys) < 0)
    return NULL;
  if (toml_peek(p, 0) != ']' || (array && toml_peek(p, 1) != ']')) {
    char buf[16];
    toml_fail(p, "expected '%s' to close the header, found %s", array ? "]]" : "]",
              toml_describe(p, buf));
    return NULL;
  }
  toml_advance_n(p, array ? 2 : 1);
  cd_toml_value *t = root;
  for (size_t i = 0; i + 1 < keys.len; i++)
    if (!(t = descend_header(p, t, &keys.items[i])))
      return NULL;
  toml_key *last = &keys.items[keys.len - 1];
  return array ? append_table(p, t, last, line, col) : define_table(p, t, last, line, col);
}

/* ---- The document. */

/* The text must be UTF-8 (no overlong forms, no surrogates) without NUL bytes. */
static int check_encoding(toml_parser *p) {
  const unsigned char *s = (const unsigned char *)p->text;
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < p->len;) {
    unsigned c = s[i];
    if (c == 0)
      return toml_fail_at(p, line, col, "NUL byte (in a string, write \\u0000)");
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3
                        : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t j = 1; j < n; j++) {
      if (i + j >= p->len || (s[i + j] & 0xC0) != 0x80) {
        n = 0;
        break;
      }
      cp = cp << 6 | (s[i + j] & 0x3F);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (n == 0 || cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return toml_fail_at(p, line, col, "invalid UTF-8");
    if (c == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    i += n;
  }
  return 0;
}

/* After a key/value or a header: blanks, a comment, then a newline or the end. */
static int end_of_line(toml_parser *p) {
  skip_ws(p);
  if (toml_peek(p, 0) == '#' && skip_comment(p) < 0)
    return -1;
  int c = toml_peek(p, 0);
  if (c == '\n') {
    toml_advance(p);
  } else if (c == '\r' && toml_peek(p, 1) == '\n') {
    toml_advance_n(p, 2);
  } else if (c >= 0) {
    char buf[16];
    return toml_fail(p, "expected the end of the line, found %s", toml_describe(p, buf));
  }
  return 0;
}

static int parse_document(toml_parser *p, cd_toml_value *root) {
  if (p->len >= 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0)
    p->pos = 3; /* a byte order mark, invisible: the column stays 1 */
  cd_toml_value *table = root;
  for (;;) {
    skip_ws(p);
    int c = toml_peek(p, 0);
    if (c < 0)
      return 0;
    if (c == '[') {
      if (!(table = parse_header(p, root)))
        return -1;
    } else if (c != '#' && c != '\n' && c != '\r' && parse_keyval(p, table) < 0) {
      return -1;
    }
    if (end_of_line(p) < 0)
      return -1;
  }
}

cd_toml_value *cd_toml_parse(const char *text, size_t len, const char *name,
                             cordon_error *err) {
  pthread_once(&hash_once, hash_init);
  toml_parser p = {.text = text, .len = len, .line = 1, .col = 1, .name = name, .err = err};
  if (check_encoding(&p) < 0)
    return NULL;
  cd_toml_value *root = toml_value_new(&p, CD_TOML_TABLE, 1, 1);
  if (!root)
    return NULL;
  p.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (!p.c_locale) {
    cd_error_oom(err);
    cd_toml_free(root);
    return NULL;
  }
  int r = parse_document(&p, root);
  freelocale(p.c_locale);
  if (r < 0) {
    cd_toml_free(root);
    return NULL;
  }
  return root;
}

void cd_toml_free(cd_toml_value *v) {
  if (!v)
    return;
  switch (v->type) {
  case CD_TOML_TABLE:
    for (size_t i = 0; i < v->u.table.len; i++) {
      free(v->u.table.items[i].key);
      cd_toml_free(v->u.table.items[i].value);
    }
    free(v->u.table.items);
    free(v->u.table.index);
    break;
  case CD_TOML_ARRAY:
    for (size_t i = 0; i < v->u.array.len; i++)
      cd_toml_free(v->u.array.items[i]);
    free(v->u.array.items);
    break;
  case CD_TOML_STRING:
  case CD_TOML_DATETIME:
  case CD_TOML_DATETIME_LOCAL:
  case CD_TOML_DATE_LOCAL:
  case CD_TOML_TIME_LOCAL:
    free(v->u.str.s);
    break;
  case CD_TOML_INTEGER:
  case CD_TOML_FLOAT:
  case CD_TOML_BOOL:
    break;
  }
  free(v);
}

/* ---- Accessors. */

cd_toml_type cd_toml_type_of(const cd_toml_value *v) {
  return v->type;
}

const char *cd_toml_type_name(cd_toml_type type) {
  static const char *const names[] = {
      [CD_TOML_TABLE] = "table",
      [CD_TOML_ARRAY] = "array",
      [CD_TOML_STRING] = "string",
      [CD_TOML_INTEGER] = "integer",
      [CD_TOML_FLOAT] = "float",
      [CD_TOML_BOOL] = "boolean",
      [CD_TOML_DATETIME] = "datetime",
      [CD_TOML_DATETIME_LOCAL] = "datetime-local",
      [CD_TOML_DATE_LOCAL] = "date-local",
      [CD_TOML_TIME_LOCAL] = "time-local",
  };
  return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : "unknown";
}

unsigned cd_toml_line(const cd_toml_value *v) {
  return v->line;
}

unsigned cd_toml_col(const cd_toml_value *v) {
  return v->col;
}

static const toml_entry *entry(const cd_toml_value *table, size_t i) {
  return table->type == CD_TOML_TABLE && i < table->u.table.len ? &table->u.table.items[i]
                                                                 : NULL;
}

size_t cd_toml_table_len(const cd_toml_value *table) {
  return table->type == CD_TOML_TABLE ? table->u.table.len : 0;
}

const char *cd_toml_table_key(const cd_toml_value *table, size_t i) {
  const toml_entry *e = entry(table, i);
  return e ? e->key : NULL;
}

size_t cd_toml_table_key_len(const cd_toml_value *table, size_t i) {
  const toml_entry *e = entry(table, i);
  return e ? e->key_len : 0;
}

const cd_toml_value *cd_toml_table_value(const cd_toml_value *table, size_t i) {
  const toml_entry *e = entry(table, i);
  return e ? e->value : NULL;
}

unsigned cd_toml_table_key_line(const cd_toml_value *table, size_t i) {
  const toml_entry *e = entry(table, i);
  return e ? e->line : 0;
}

unsigned cd_toml_table_key_col(const cd_toml_value *table, size_t i) {
  const toml_entry *e = entry(table, i);
  return e ? e->col : 0;
}

const cd_toml_value *cd_toml_table_get(const cd_toml_value *table, const char *key) {
  if (table->type != CD_TOML_TABLE)
    return NULL;
  size_t len = strlen(key);
  const toml_entry *e = table_find(table, key, len, key_hash(key, len));
  return e ? e->value : NULL;
}

size_t cd_toml_array_len(const cd_toml_value *array) {
  return array->type == CD_TOML_ARRAY ? array->u.array.len : 0;
}

const cd_toml_value *cd_toml_array_get(const cd_toml_value *array, size_t i) {
  return array->type == CD_TOML_ARRAY && i < array->u.array.len ? array->u.array.items[i]
                                                                 : NULL;
}

const char *cd_toml_string(const cd_toml_value *v, size_t *len) {
  bool ok = v->type == CD_TOML_STRING;
  if (len)
    *len = ok ? v->u.str.len : 0;
  return ok ? v->u.str.s : NULL;
}

int64_t cd_toml_integer(const cd_toml_value *v) {
  return v->type == CD_TOML_INTEGER ? v->u.integer : 0;
}

double cd_toml_float(const cd_toml_value *v) {
  return v->type == CD_TOML_FLOAT ? v->u.fl : 0.0;
}

bool cd_toml_bool(const cd_toml_value *v) {
  return v->type == CD_TOML_BOOL && v->u.boolean;
}

const char *cd_toml_datetime(const cd_toml_value *v) {
  switch (v->type) {
  case CD_TOML_DATETIME:
  case CD_TOML_DATETIME_LOCAL:
  case CD_TOML_DATE_LOCAL:
  case CD_TOML_TIME_LOCAL:
    return v->u.str.s;
  default:
    return NULL;
  }
}
