/* TOML parser tests: every value type and accessor, positions, errors and their
 * positions, and hostile input (NUL bytes, bad UTF-8, deep nesting, huge input,
 * many keys). The conformance suite is test_toml_suite.c. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/toml.h"

static void *xmalloc(size_t size) {
  void *p = malloc(size);
  if (!p)
    abort();
  return p;
}

static cd_toml_value *parse_n(const char *text, size_t len) {
  cordon_error err = {0};
  cd_toml_value *root = cd_toml_parse(text, len, "t.toml", &err);
  if (!root)
    fail_msg("refused: %s", err.message);
  return root;
}

static cd_toml_value *parse(const char *text) {
  return parse_n(text, strlen(text));
}

/* TEXT must be refused with a message starting with PREFIX and containing NEEDLE. */
static void expect_error_n(const char *text, size_t len, const char *prefix, const char *needle) {
  cordon_error err = {0};
  cd_toml_value *root = cd_toml_parse(text, len, "t.toml", &err);
  if (root) {
    cd_toml_free(root);
    fail_msg("accepted, expected an error starting with '%s'", prefix);
  }
  if (strncmp(err.message, prefix, strlen(prefix)) != 0 || !strstr(err.message, needle))
    fail_msg("error '%s' is not '%s...%s'", err.message, prefix, needle);
}

static void expect_error(const char *text, const char *prefix, const char *needle) {
  expect_error_n(text, strlen(text), prefix, needle);
}

static const cd_toml_value *get(const cd_toml_value *table, const char *key) {
  const cd_toml_value *v = cd_toml_table_get(table, key);
  if (!v)
    fail_msg("no key '%s'", key);
  return v;
}

static const char *str(const cd_toml_value *table, const char *key) {
  const cd_toml_value *v = get(table, key);
  assert_int_equal(cd_toml_type_of(v), CD_TOML_STRING);
  return cd_toml_string(v, NULL);
}

/* "[" * N + "]" * N, as the value of a. */
static char *nested_arrays(size_t n) {
  char *text = xmalloc(4 + 2 * n + 1);
  memcpy(text, "a = ", 4);
  memset(text + 4, '[', n);
  memset(text + 4 + n, ']', n);
  text[4 + 2 * n] = '\0';
  return text;
}

/* PARTS dotted components "k.k.k" between PREFIX and SUFFIX. */
static char *dotted(const char *prefix, size_t parts, const char *suffix) {
  size_t plen = strlen(prefix), slen = strlen(suffix);
  char *text = xmalloc(plen + 2 * parts + slen + 1);
  memcpy(text, prefix, plen);
  char *at = text + plen;
  for (size_t i = 0; i < parts; i++) {
    *at++ = 'k';
    *at++ = '.';
  }
  memcpy(at - 1, suffix, slen + 1);
  return text;
}

static void test_strings(void **state) {
  cd_toml_value *root = parse("basic = \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\U0001F600 \\b\\f\\n\\r\"\n"
                              "literal = 'C:\\path\\n'\n"
                              "ml = \"\"\"\nline1\nline2 \\\n     joined\"\"\"\n"
                              "ml_lit = '''\nraw \\n\n'''\n"
                              "quotes = \"\"\"two \"\" in, two at the end\"\"\"\"\"\n"
                              "lit_quotes = '''it''s'''''\n"
                              "empty = \"\"\n"
                              "empty_lit = ''\n"
                              "utf8 = \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\n");
  assert_string_equal(str(root, "basic"), "tab\there \"q\" \\ \xc3\xa9 \xf0\x9f\x98\x80 \b\f\n\r");
  assert_string_equal(str(root, "literal"), "C:\\path\\n");
  assert_string_equal(str(root, "ml"), "line1\nline2 joined");
  assert_string_equal(str(root, "ml_lit"), "raw \\n\n");
  assert_string_equal(str(root, "quotes"), "two \"\" in, two at the end\"\"");
  assert_string_equal(str(root, "lit_quotes"), "it''s''");
  size_t len = 99;
  assert_string_equal(cd_toml_string(get(root, "empty"), &len), "");
  assert_int_equal(len, 0);
  assert_string_equal(str(root, "empty_lit"), "");
  assert_string_equal(cd_toml_string(get(root, "utf8"), &len), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  assert_int_equal(len, 9);
  assert_string_equal(cd_toml_type_name(CD_TOML_STRING), "string");
  cd_toml_free(root);

  expect_error("s = \"a\\qb\"", "t.toml:1:7: ", "invalid escape");
  expect_error("s = \"\\u12\"", "t.toml:1:6: ", "\\u needs 4 hexadecimal digits");
  expect_error("s = \"\\uD800\"", "t.toml:1:6: ", "not a Unicode scalar value");
  expect_error("s = \"\\U00110000\"", "t.toml:1:6: ", "not a Unicode scalar value");
  expect_error("s = \"\\x41\"", "t.toml:1:6: ", "invalid escape"); /* TOML 1.1 only */
  expect_error("s = \"\\e\"", "t.toml:1:6: ", "invalid escape");   /* TOML 1.1 only */
  expect_error("s = 'abc", "t.toml:1:9: ", "unterminated string");
  expect_error("s = \"\"\"abc\"\"", "t.toml:1:13: ", "unterminated string");
  expect_error("s = \"\"\"a\"\"\"\"\"\"", "t.toml:1:14: ", "expected the end of the line");
  expect_error("s = \"\"\"a\\ b\"\"\"", "t.toml:1:9: ", "invalid escape");
}

static void test_numbers_and_bools(void **state) {
  cd_toml_value *root = parse("i1 = +99\ni2 = -17\ni3 = 0\ni4 = 1_000_000\ni5 = 0xDEAD_beef\n"
                              "i6 = 0o755\ni7 = 0b1101\ni8 = 9223372036854775807\n"
                              "i9 = -9223372036854775808\ni10 = -0\ni11 = 0x7FFFFFFFFFFFFFFF\n"
                              "f1 = 3.14\nf2 = -0.01\nf3 = 5e+22\nf4 = 1E06\nf5 = -2e-2\n"
                              "f6 = 224_617.445_991\nf7 = 1e007\nf8 = -0.0\nf9 = +1.5\n"
                              "inf1 = inf\ninf2 = -inf\ninf3 = +inf\nnan1 = nan\nnan2 = -nan\n"
                              "t = true\nf = false\n");
  static const struct {
    const char *key;
    int64_t value;
  } ints[] = {
      {"i1", 99},       {"i2", -17},  {"i3", 0},    {"i4", 1000000},
      {"i5", 0xDEADBEEF}, {"i6", 0755}, {"i7", 13}, {"i8", INT64_MAX},
      {"i9", INT64_MIN}, {"i10", 0},   {"i11", INT64_MAX},
  };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    const cd_toml_value *v = get(root, ints[i].key);
    assert_int_equal(cd_toml_type_of(v), CD_TOML_INTEGER);
    assert_true(cd_toml_integer(v) == ints[i].value);
  }
  static const struct {
    const char *key;
    double value;
  } floats[] = {
      {"f1", 3.14}, {"f2", -0.01}, {"f3", 5e22},       {"f4", 1e6},
      {"f5", -2e-2}, {"f6", 224617.445991}, {"f7", 1e7}, {"f9", 1.5},
  };
  for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
    const cd_toml_value *v = get(root, floats[i].key);
    assert_int_equal(cd_toml_type_of(v), CD_TOML_FLOAT);
    assert_true(cd_toml_float(v) == floats[i].value);
  }
  assert_true(cd_toml_float(get(root, "f8")) == 0.0 && signbit(cd_toml_float(get(root, "f8"))));
  assert_true(isinf(cd_toml_float(get(root, "inf1"))) && cd_toml_float(get(root, "inf1")) > 0);
  assert_true(isinf(cd_toml_float(get(root, "inf2"))) && cd_toml_float(get(root, "inf2")) < 0);
  assert_true(isinf(cd_toml_float(get(root, "inf3"))) && cd_toml_float(get(root, "inf3")) > 0);
  assert_true(isnan(cd_toml_float(get(root, "nan1"))));
  assert_true(isnan(cd_toml_float(get(root, "nan2"))));
  assert_int_equal(cd_toml_type_of(get(root, "t")), CD_TOML_BOOL);
  assert_true(cd_toml_bool(get(root, "t")));
  assert_false(cd_toml_bool(get(root, "f")));
  assert_string_equal(cd_toml_type_name(CD_TOML_INTEGER), "integer");
  assert_string_equal(cd_toml_type_name(CD_TOML_FLOAT), "float");
  assert_string_equal(cd_toml_type_name(CD_TOML_BOOL), "boolean");
  cd_toml_free(root);

  expect_error("i = 9223372036854775808", "t.toml:1:5: ", "integer out of range");
  expect_error("i = -9223372036854775809", "t.toml:1:5: ", "integer out of range");
  expect_error("i = 0x8000000000000000", "t.toml:1:5: ", "integer out of range");
  expect_error("i = 0o1777777777777777777777", "t.toml:1:5: ", "integer out of range");
  expect_error("i = 012", "t.toml:1:5: ", "leading zeros");
  expect_error("i = -0x1", "t.toml:1:5: ", "takes no sign");
  expect_error("i = 1__0", "t.toml:1:6: ", "invalid number");
  expect_error("i = 0xG", "t.toml:1:7: ", "invalid number");
  expect_error("i = 0X10", "t.toml:1:6: ", "invalid number");
  expect_error("f = 1.", "t.toml:1:7: ", "invalid number");
  expect_error("f = 1e400", "t.toml:1:5: ", "float out of range");
  expect_error("f = Inf", "t.toml:1:5: ", "expected a value");
  expect_error("b = True", "t.toml:1:5: ", "expected a value");
  expect_error("b = truthy", "t.toml:1:5: ", "invalid value");
}

static void test_datetimes(void **state) {
  cd_toml_value *root = parse("odt1 = 1979-05-27T07:32:00Z\n"
                              "odt2 = 1979-05-27 00:32:00.999999-07:00\n"
                              "odt3 = 1979-05-27t07:32:00z\n"
                              "ldt = 1979-05-27T07:32:00\n"
                              "ld = 1979-05-27 # a date, then a comment\n"
                              "lt = 07:32:00.5\n"
                              "leap = 2000-02-29\n"
                              "leap_second = 1990-12-31T23:59:60Z\n");
  static const struct {
    const char *key;
    cd_toml_type type;
    const char *text;
  } cases[] = {
      {"odt1", CD_TOML_DATETIME, "1979-05-27T07:32:00Z"},
      {"odt2", CD_TOML_DATETIME, "1979-05-27T00:32:00.999999-07:00"},
      {"odt3", CD_TOML_DATETIME, "1979-05-27T07:32:00Z"},
      {"ldt", CD_TOML_DATETIME_LOCAL, "1979-05-27T07:32:00"},
      {"ld", CD_TOML_DATE_LOCAL, "1979-05-27"},
      {"lt", CD_TOML_TIME_LOCAL, "07:32:00.5"},
      {"leap", CD_TOML_DATE_LOCAL, "2000-02-29"},
      {"leap_second", CD_TOML_DATETIME, "1990-12-31T23:59:60Z"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const cd_toml_value *v = get(root, cases[i].key);
    assert_int_equal(cd_toml_type_of(v), cases[i].type);
    assert_string_equal(cd_toml_datetime(v), cases[i].text);
  }
  assert_string_equal(cd_toml_type_name(CD_TOML_DATETIME), "datetime");
  assert_string_equal(cd_toml_type_name(CD_TOML_DATETIME_LOCAL), "datetime-local");
  assert_string_equal(cd_toml_type_name(CD_TOML_DATE_LOCAL), "date-local");
  assert_string_equal(cd_toml_type_name(CD_TOML_TIME_LOCAL), "time-local");
  cd_toml_free(root);

  expect_error("d = 2100-02-29", "t.toml:1:13: ", "no such day");
  expect_error("d = 2021-13-01", "t.toml:1:10: ", "month out of range");
  expect_error("d = 2021-01-01T24:00:00", "t.toml:1:16: ", "hour out of range");
  expect_error("d = 2021-01-01T23:60:00", "t.toml:1:19: ", "minute out of range");
  expect_error("d = 2021-01-01T23:59:61", "t.toml:1:22: ", "second out of range");
  expect_error("d = 2021-01-01T23:59", "t.toml:1:16: ", "expected HH:MM:SS"); /* TOML 1.1 */
  expect_error("d = 2021-01-01T00:00:00+24:00", "t.toml:1:24: ", "offset");
  expect_error("t = 07:32:00Z", "t.toml:1:13: ", "invalid date or time");
}

static void test_tables_and_arrays(void **state) {
  cd_toml_value *root = parse("top = 1\n"
                              "[b]\nz = 1\na = 2\n"
                              "[a.x]\ny.z = 3\n"
                              "[[arr]]\nn = 1\n"
                              "[[arr]]\nn = 2\n"
                              "inl = { k = \"v\", d.e = [1, [2, \"mixed\"]] }\n"
                              "[a]\nw = true\n");
  assert_int_equal(cd_toml_type_of(root), CD_TOML_TABLE);
  assert_string_equal(cd_toml_type_name(CD_TOML_TABLE), "table");
  assert_string_equal(cd_toml_type_name(CD_TOML_ARRAY), "array");
  assert_int_equal(cd_toml_table_len(root), 4);
  static const char *const order[] = {"top", "b", "a", "arr"};
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(cd_toml_table_key(root, i), order[i]);
    assert_int_equal(cd_toml_table_key_len(root, i), strlen(order[i]));
    assert_ptr_equal(cd_toml_table_value(root, i), cd_toml_table_get(root, order[i]));
  }
  const cd_toml_value *b = get(root, "b");
  assert_string_equal(cd_toml_table_key(b, 0), "z"); /* definition order, not sorted */
  assert_string_equal(cd_toml_table_key(b, 1), "a");
  const cd_toml_value *a = get(root, "a");
  assert_int_equal(cd_toml_table_len(a), 2);
  assert_true(cd_toml_bool(get(a, "w")));
  assert_int_equal(cd_toml_integer(get(get(get(a, "x"), "y"), "z")), 3);
  const cd_toml_value *arr = get(root, "arr");
  assert_int_equal(cd_toml_type_of(arr), CD_TOML_ARRAY);
  assert_int_equal(cd_toml_array_len(arr), 2);
  assert_int_equal(cd_toml_integer(get(cd_toml_array_get(arr, 0), "n")), 1);
  const cd_toml_value *second = cd_toml_array_get(arr, 1);
  assert_int_equal(cd_toml_integer(get(second, "n")), 2);
  const cd_toml_value *inl = get(second, "inl");
  assert_string_equal(str(inl, "k"), "v");
  const cd_toml_value *e = get(get(inl, "d"), "e");
  assert_int_equal(cd_toml_array_len(e), 2);
  assert_int_equal(cd_toml_integer(cd_toml_array_get(e, 0)), 1);
  const cd_toml_value *mixed = cd_toml_array_get(e, 1);
  assert_int_equal(cd_toml_integer(cd_toml_array_get(mixed, 0)), 2);
  assert_string_equal(cd_toml_string(cd_toml_array_get(mixed, 1), NULL), "mixed");
  assert_null(cd_toml_table_get(root, "missing"));
  assert_null(cd_toml_table_get(root, "b.z")); /* a lookup is one key, not a path */
  cd_toml_free(root);

  root = parse("empty_array = []\nempty_table = {}\ntrailing = [1, 2, ]\n"
               "multi = [\n  1, # one\n  2,\r\n  # nothing\n]\n");
  assert_int_equal(cd_toml_array_len(get(root, "empty_array")), 0);
  assert_int_equal(cd_toml_type_of(get(root, "empty_table")), CD_TOML_TABLE);
  assert_int_equal(cd_toml_table_len(get(root, "empty_table")), 0);
  assert_int_equal(cd_toml_array_len(get(root, "trailing")), 2);
  assert_int_equal(cd_toml_array_len(get(root, "multi")), 2);
  cd_toml_free(root);
}

static void test_wrong_type_accessors(void **state) {
  cd_toml_value *root = parse("i = 1\ns = \"x\"\na = [1]\n");
  const cd_toml_value *i = get(root, "i"), *s = get(root, "s"), *a = get(root, "a");
  size_t len = 99;
  assert_null(cd_toml_string(i, &len));
  assert_int_equal(len, 0);
  assert_int_equal(cd_toml_integer(s), 0);
  assert_true(cd_toml_float(i) == 0.0);
  assert_false(cd_toml_bool(s));
  assert_null(cd_toml_datetime(s));
  assert_int_equal(cd_toml_table_len(a), 0);
  assert_null(cd_toml_table_get(a, "x"));
  assert_null(cd_toml_table_key(a, 0));
  assert_int_equal(cd_toml_array_len(root), 0);
  assert_null(cd_toml_array_get(root, 0));
  /* Out of range. */
  assert_null(cd_toml_array_get(a, 1));
  assert_null(cd_toml_table_key(root, 3));
  assert_int_equal(cd_toml_table_key_len(root, 3), 0);
  assert_null(cd_toml_table_value(root, 3));
  assert_int_equal(cd_toml_table_key_line(root, 3), 0);
  assert_int_equal(cd_toml_table_key_col(root, 3), 0);
  assert_string_equal(cd_toml_type_name((cd_toml_type)42), "unknown");
  cd_toml_free(root);
}

static void test_positions(void **state) {
  cd_toml_value *root = parse("a = 1\n"
                              "  b   =   \"x\"\n"
                              "[t]\n"
                              "\"\xc3\xa9\" = '\xc3\xbc'\n"
                              "\tc = [1,\r\n  2]\r\n"
                              "[x.y]\n");
  assert_int_equal(cd_toml_table_key_line(root, 0), 1);
  assert_int_equal(cd_toml_table_key_col(root, 0), 1);
  assert_int_equal(cd_toml_line(get(root, "a")), 1);
  assert_int_equal(cd_toml_col(get(root, "a")), 5);
  assert_int_equal(cd_toml_table_key_line(root, 1), 2);
  assert_int_equal(cd_toml_table_key_col(root, 1), 3);
  assert_int_equal(cd_toml_col(get(root, "b")), 11);
  const cd_toml_value *t = get(root, "t");
  assert_int_equal(cd_toml_line(t), 3); /* a table is at its [header] */
  assert_int_equal(cd_toml_col(t), 1);
  assert_int_equal(cd_toml_table_key_col(root, 2), 2);
  /* Columns count characters: the value after "é" is at 7, not at byte 8. */
  assert_int_equal(cd_toml_table_key_line(t, 0), 4);
  assert_int_equal(cd_toml_table_key_col(t, 0), 1);
  assert_int_equal(cd_toml_col(get(t, "\xc3\xa9")), 7);
  /* A tab is one column; CRLF ends a line. */
  const cd_toml_value *c = get(t, "c");
  assert_int_equal(cd_toml_table_key_line(t, 1), 5);
  assert_int_equal(cd_toml_table_key_col(t, 1), 2);
  assert_int_equal(cd_toml_col(c), 6);
  assert_int_equal(cd_toml_line(cd_toml_array_get(c, 1)), 6);
  assert_int_equal(cd_toml_col(cd_toml_array_get(c, 1)), 3);
  /* An implicit table is at the key that made it. */
  const cd_toml_value *x = get(root, "x");
  assert_int_equal(cd_toml_line(x), 7);
  assert_int_equal(cd_toml_col(x), 2);
  assert_int_equal(cd_toml_line(get(x, "y")), 7);
  assert_int_equal(cd_toml_col(get(x, "y")), 1);
  assert_int_equal(cd_toml_table_key_col(x, 0), 4);
  cd_toml_free(root);

  /* A byte order mark is skipped and takes no column. */
  root = parse("\xef\xbb\xbf" "a = 1\n");
  assert_int_equal(cd_toml_table_key_col(root, 0), 1);
  assert_int_equal(cd_toml_col(get(root, "a")), 5);
  cd_toml_free(root);
}

static void test_error_positions(void **state) {
  /* The CLI relies on this one. */
  expect_error("default_profile = \"x\"\n[profiles.x]\nmode = \"read-only\n", "t.toml:3:18: ",
               "unterminated string");
  expect_error("a = 1\nb = 2\n  a = 3\n", "t.toml:3:3: ", "duplicate key 'a'");
  expect_error("s = \"\xc3\xa9\xc3\xa9\xc3\xa9\\q\"", "t.toml:1:9: ", "invalid escape");
  expect_error("a = [1,\n", "t.toml:2:1: ", "found the end of the file");
  expect_error("a = {b = {c = 01}}", "t.toml:1:15: ", "leading zeros");
  expect_error("a = 1 b = 2", "t.toml:1:7: ", "expected the end of the line, found 'b'");
  expect_error("a = 1\r\nb = 2\r\nc\r\n", "t.toml:3:2: ", "expected '='");
  expect_error("a = 1\rb = 2", "t.toml:1:6: ", "U+000D");
  expect_error("a = {b = 1,\n c = 2}", "t.toml:1:12: ", "expected a key");
  expect_error("a = {b = 1\n}", "t.toml:1:11: ", "one line");
  expect_error("[a\n", "t.toml:1:3: ", "expected ']'");
  expect_error("[[a]\n", "t.toml:1:4: ", "expected ']]'");
  expect_error("= 1", "t.toml:1:1: ", "expected a key");
  expect_error("a =", "t.toml:1:4: ", "expected a value");
  /* Keys in messages are printable and short. */
  expect_error("\"a\\u0001b\" = 1\n\"a\\u0001b\" = 2\n", "t.toml:2:1: ", "duplicate key 'a?b'");
  char text[300];
  memset(text, 'k', 100);
  strcpy(text + 100, " = 1\n");
  memcpy(text + 105, text, 105);
  text[210] = '\0';
  expect_error(text, "t.toml:2:1: ", "kkk...'");
  /* Cut between characters, never inside one: 14 three-byte characters, then "...". */
  char key[100] = "", needle[100] = "'";
  for (int i = 0; i < 30; i++)
    strcat(key, "\xe2\x82\xac");
  for (int i = 0; i < 14; i++)
    strcat(needle, "\xe2\x82\xac");
  strcat(needle, "...'");
  snprintf(text, sizeof text, "\"%s\" = 1\n\"%s\" = 2\n", key, key);
  expect_error(text, "t.toml:2:1: ", needle);
}

static void test_nul_bytes(void **state) {
  static const char value[] = "a = \"x\0y\"";
  expect_error_n(value, sizeof value - 1, "t.toml:1:7: ", "NUL byte");
  static const char comment[] = "a = 1 # \0";
  expect_error_n(comment, sizeof comment - 1, "t.toml:1:9: ", "NUL byte");
  expect_error_n("\0", 1, "t.toml:1:1: ", "NUL byte");
  expect_error_n("a = 1\n\0", 7, "t.toml:2:1: ", "NUL byte");

  /* Escaped NULs are data: the length says where the string ends. */
  cd_toml_value *root = parse("s = \"a\\u0000b\"\nml = \"\"\"\\u0000\"\"\"\n\"\\u0000\" = 1\n\"\" = 2\n");
  size_t len;
  const char *s = cd_toml_string(get(root, "s"), &len);
  assert_int_equal(len, 3);
  assert_memory_equal(s, "a\0b", 4);
  assert_int_equal(strlen(s), 1);
  s = cd_toml_string(get(root, "ml"), &len);
  assert_int_equal(len, 1);
  assert_int_equal(s[0], '\0');
  /* "\u0000" and "" are two keys; only the second can be looked up by C string. */
  assert_int_equal(cd_toml_table_len(root), 4);
  assert_int_equal(cd_toml_table_key_len(root, 2), 1);
  assert_int_equal(cd_toml_table_key(root, 2)[0], '\0');
  assert_int_equal(cd_toml_table_key_len(root, 3), 0);
  assert_int_equal(cd_toml_integer(get(root, "")), 2);
  cd_toml_free(root);

  /* The text need not be NUL-terminated: nothing past LEN is read (ASan checks). */
  char *exact = xmalloc(5);
  memcpy(exact, "a=123", 5);
  root = parse_n(exact, 5);
  assert_int_equal(cd_toml_integer(get(root, "a")), 123);
  cd_toml_free(root);
  memcpy(exact, "a='12", 5);
  expect_error_n(exact, 5, "t.toml:1:6: ", "unterminated string");
  free(exact);
  /* Empty text (even NULL) is an empty table. */
  root = parse_n(NULL, 0);
  assert_int_equal(cd_toml_table_len(root), 0);
  cd_toml_free(root);
}

static void test_invalid_utf8(void **state) {
  static const struct {
    const char *text;
    const char *prefix;
  } bad[] = {
      {"s = \"\xc0\x80\"", "t.toml:1:6: "},         /* overlong NUL */
      {"s = \"\xc1\xbf\"", "t.toml:1:6: "},         /* overlong 2-byte */
      {"s = \"\xe0\x80\xaf\"", "t.toml:1:6: "},     /* overlong '/' */
      {"s = \"\xf0\x8f\xbf\xbf\"", "t.toml:1:6: "}, /* overlong 4-byte */
      {"s = \"\xed\xa0\x80\"", "t.toml:1:6: "},     /* surrogate D800 */
      {"s = \"\xed\xbf\xbf\"", "t.toml:1:6: "},     /* surrogate DFFF */
      {"s = \"\xf4\x90\x80\x80\"", "t.toml:1:6: "}, /* above U+10FFFF */
      {"s = \"\xf5\x80\x80\x80\"", "t.toml:1:6: "},
      {"s = \"\x80\"", "t.toml:1:6: "}, /* stray continuation byte */
      {"s = \"\xff\xfe\"", "t.toml:1:6: "},
      {"s = \"\xe2\x82\"", "t.toml:1:6: "}, /* truncated */
      {"a = 1\n# \xc3", "t.toml:2:3: "},    /* truncated at the end, in a comment */
      {"s = \"\xc3\xa9\xff\"", "t.toml:1:7: "},
      {"\xfe\xff", "t.toml:1:1: "}, /* UTF-16 byte order mark */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect_error(bad[i].text, bad[i].prefix, "invalid UTF-8");
  cd_toml_value *root = parse("max = \"\xf4\x8f\xbf\xbf\"\nbmp = \"\xef\xbf\xbf\xee\x80\x80\"\n");
  assert_string_equal(str(root, "max"), "\xf4\x8f\xbf\xbf");
  assert_string_equal(str(root, "bmp"), "\xef\xbf\xbf\xee\x80\x80");
  cd_toml_free(root);
}

static void test_control_characters(void **state) {
  expect_error("s = \"\x01\"", "t.toml:1:6: ", "control character U+0001");
  expect_error("s = 'a\x1f'", "t.toml:1:7: ", "control character U+001F");
  expect_error("s = \"\"\"\x7f\"\"\"", "t.toml:1:8: ", "control character U+007F");
  expect_error("s = '''a\rb'''", "t.toml:1:9: ", "control character U+000D");
  expect_error("a = 1 # \x7f", "t.toml:1:9: ", "control character U+007F in a comment");
  expect_error("a = 1 # \r", "t.toml:1:9: ", "control character U+000D in a comment");
  expect_error("a = \x0b" "1", "t.toml:1:5: ", "expected a value");
  cd_toml_value *root = parse("tab = \"a\tb\"\nlit = 'a\tb'\n# a comment\twith a tab\r\n"
                              "ml = \"\"\"x\r\ny\"\"\"\nml_lit = '''x\r\ny'''\n");
  assert_string_equal(str(root, "tab"), "a\tb");
  assert_string_equal(str(root, "lit"), "a\tb");
  assert_string_equal(str(root, "ml"), "x\r\ny"); /* newlines are kept as written */
  assert_string_equal(str(root, "ml_lit"), "x\r\ny");
  assert_int_equal(cd_toml_line(get(root, "ml")), 4);
  cd_toml_free(root);
}

static void test_redefinitions(void **state) {
  static const struct {
    const char *text, *prefix, *needle;
  } bad[] = {
      {"a = 1\na = 2", "t.toml:2:1: ", "duplicate key 'a'"},
      {"a = 1\n'a' = 2", "t.toml:2:1: ", "duplicate key 'a'"},
      {"a = 1\n\"\\u0061\" = 2", "t.toml:2:1: ", "duplicate key 'a'"},
      {"[a]\n[a]", "t.toml:2:2: ", "defined twice"},
      {"[a.b]\n[a]\n[a]", "t.toml:3:2: ", "defined twice"},
      {"[a]\nb = 1\n[a.b]", "t.toml:3:4: ", "already holds a value (integer)"},
      {"a = {}\n[a]", "t.toml:2:2: ", "inline table"},
      {"a = {}\n[a.b]", "t.toml:2:2: ", "inline table"},
      {"a = {b = 1}\na.c = 2", "t.toml:2:1: ", "inline table"},
      {"a = {b = {}, b.c = 1}", "t.toml:1:14: ", "inline table"},
      {"a = {b = 1, b = 2}", "t.toml:1:13: ", "duplicate key 'b'"},
      {"a = []\n[[a]]", "t.toml:2:3: ", "array value"},
      {"a = [{}]\n[a.b]", "t.toml:2:2: ", "array value"},
      {"[[a]]\n[a]", "t.toml:2:2: ", "array of tables"},
      {"[a]\n[[a]]", "t.toml:2:3: ", "is a table, not an array of tables"},
      {"a.b = 1\n[a]", "t.toml:2:2: ", "defined twice"},
      {"[a]\nb.c = 1\n[a.b]", "t.toml:3:4: ", "defined twice"},
      {"[a.b]\n[a]\nb.c = 1", "t.toml:3:1: ", "defined by a [header]"},
      {"[[a.b]]\n[a]\nb.c = 1", "t.toml:3:1: ", "already holds a value (array)"},
      {"a = 1\na.b = 2", "t.toml:2:1: ", "already holds a value (integer)"},
      {"a = 1\n[a.b]", "t.toml:2:2: ", "already holds a value (integer)"},
      {"a = 1\n[[a]]", "t.toml:2:3: ", "already holds a value (integer)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect_error(bad[i].text, bad[i].prefix, bad[i].needle);
  /* What the rules allow. */
  cd_toml_value *root = parse("[a.b.c]\n[a]\nb.d = 1\n"             /* super-table after */
                              "[x]\ny.z = 1\ny.w = 2\n[x.y.v]\n"    /* sub-table of dotted */
                              "[[t]]\nk.l = 1\n[[t]]\nk.l = 2\n[t.k.m]\n");
  assert_int_equal(cd_toml_integer(get(get(get(root, "a"), "b"), "d")), 1);
  assert_int_equal(cd_toml_table_len(get(get(root, "x"), "y")), 3);
  const cd_toml_value *t = get(root, "t");
  assert_int_equal(cd_toml_array_len(t), 2);
  assert_int_equal(cd_toml_table_len(get(cd_toml_array_get(t, 1), "k")), 2);
  cd_toml_free(root);
}

static void test_deep_nesting(void **state) {
  char *text = nested_arrays(CD_TOML_MAX_DEPTH);
  cd_toml_value *root = parse(text);
  const cd_toml_value *v = get(root, "a");
  for (int i = 1; i < CD_TOML_MAX_DEPTH; i++)
    v = cd_toml_array_get(v, 0);
  assert_non_null(v);
  assert_int_equal(cd_toml_array_len(v), 0);
  cd_toml_free(root);
  free(text);
  text = nested_arrays(CD_TOML_MAX_DEPTH + 1);
  char prefix[32];
  snprintf(prefix, sizeof prefix, "t.toml:1:%d: ", 4 + CD_TOML_MAX_DEPTH + 1);
  expect_error(text, prefix, "nested deeper than 128 levels");
  free(text);
  /* A megabyte of '[' fails fast, without exhausting the stack. */
  text = nested_arrays(1 << 20);
  text[4 + (1 << 20)] = '\0';
  expect_error(text, prefix, "nested deeper");
  free(text);

  /* Inline tables. */
  size_t n = 200, len = 0;
  text = xmalloc(4 + 5 * n + 2 + n + 1);
  len += (size_t)sprintf(text, "a = ");
  for (size_t i = 0; i < n; i++)
    len += (size_t)sprintf(text + len, "{b = ");
  len += (size_t)sprintf(text + len, "1");
  memset(text + len, '}', n);
  text[len + n] = '\0';
  expect_error(text, "t.toml:1:", "nested deeper");
  free(text);

  /* Tables made by dotted keys and by headers count too. */
  text = dotted("", CD_TOML_MAX_DEPTH + 1, " = 1\n");
  root = parse(text); /* 128 tables, then the value */
  cd_toml_free(root);
  free(text);
  text = dotted("", CD_TOML_MAX_DEPTH + 2, " = 1\n");
  expect_error(text, "t.toml:1:", "nested deeper");
  free(text);
  text = dotted("[", CD_TOML_MAX_DEPTH, "]\n");
  root = parse(text);
  cd_toml_free(root);
  free(text);
  text = dotted("[", CD_TOML_MAX_DEPTH + 1, "]\n");
  expect_error(text, "t.toml:1:", "nested deeper");
  free(text);
  text = dotted("[[", CD_TOML_MAX_DEPTH, "]]\n"); /* the array fits, its table does not */
  expect_error(text, "t.toml:1:1: ", "nested deeper");
  free(text);
}

static void test_huge_inputs(void **state) {
  size_t big = 1 << 20;
  char *text = xmalloc(big + 64);
  /* A megabyte string, key, literal string and comment. */
  memcpy(text, "s = \"", 5);
  memset(text + 5, 'x', big);
  strcpy(text + 5 + big, "\"\n");
  cd_toml_value *root = parse(text);
  size_t len;
  cd_toml_string(get(root, "s"), &len);
  assert_int_equal(len, big);
  cd_toml_free(root);
  text[4] = '\'';
  text[5 + big] = '\'';
  root = parse(text);
  cd_toml_string(get(root, "s"), &len);
  assert_int_equal(len, big);
  cd_toml_free(root);
  text[0] = '"';
  memset(text + 1, 'k', big);
  strcpy(text + 1 + big, "\" = 1\n");
  root = parse(text);
  assert_int_equal(cd_toml_table_key_len(root, 0), big);
  cd_toml_free(root);
  memset(text, '#', big);
  strcpy(text + big, "\na = 1\n");
  root = parse(text);
  assert_int_equal(cd_toml_table_key_line(root, 0), 2);
  cd_toml_free(root);
  free(text);

  /* 200000 array items on one line; 50000 [[tables]]. */
  size_t items = 200000;
  text = xmalloc(5 + 2 * items + 2);
  memcpy(text, "a = [", 5);
  for (size_t i = 0; i < items; i++)
    memcpy(text + 5 + 2 * i, "7,", 2);
  strcpy(text + 5 + 2 * items, "]");
  root = parse(text);
  const cd_toml_value *a = get(root, "a");
  assert_int_equal(cd_toml_array_len(a), items);
  assert_int_equal(cd_toml_col(cd_toml_array_get(a, items - 1)), 5 + 2 * items - 1);
  cd_toml_free(root);
  free(text);
  size_t tables = 50000;
  text = xmalloc(tables * 12 + 1);
  for (size_t i = 0; i < tables; i++)
    memcpy(text + 12 * i, "[[t]]\nx = 1\n", 12);
  text[12 * tables] = '\0';
  root = parse(text);
  assert_int_equal(cd_toml_array_len(get(root, "t")), tables);
  cd_toml_free(root);
  free(text);
}

static void test_100k_keys(void **state) {
  size_t n = 100000;
  char *text = xmalloc(n * 24 + 32);
  size_t len = (size_t)sprintf(text, "[t]\n");
  for (size_t i = 0; i < n; i++)
    len += (size_t)sprintf(text + len, "key%zu = %zu\n", i, i);
  /* No timing here: a quadratic key lookup would not finish within the test's
   * timeout, which is what catches it. */
  cd_toml_value *root = parse_n(text, len);
  const cd_toml_value *t = get(root, "t");
  assert_int_equal(cd_toml_table_len(t), n);
  char key[32];
  for (size_t i = 0; i < n; i += 997) {
    snprintf(key, sizeof key, "key%zu", i);
    assert_string_equal(cd_toml_table_key(t, i), key); /* insertion order */
    assert_int_equal(cd_toml_table_key_line(t, i), i + 2);
    assert_int_equal(cd_toml_integer(cd_toml_table_value(t, i)), i);
    assert_int_equal(cd_toml_integer(get(t, key)), i);
  }
  assert_int_equal(cd_toml_integer(get(t, "key99999")), 99999);
  assert_null(cd_toml_table_get(t, "key100000"));
  cd_toml_free(root);
  /* A duplicate at the very end is still found, at its line. */
  len += (size_t)sprintf(text + len, "key12345 = 0\n");
  expect_error_n(text, len, "t.toml:100002:1: ", "duplicate key 'key12345'");
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_numbers_and_bools),
      cmocka_unit_test(test_datetimes),
      cmocka_unit_test(test_tables_and_arrays),
      cmocka_unit_test(test_wrong_type_accessors),
      cmocka_unit_test(test_positions),
      cmocka_unit_test(test_error_positions),
      cmocka_unit_test(test_nul_bytes),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_control_characters),
      cmocka_unit_test(test_redefinitions),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_huge_inputs),
      cmocka_unit_test(test_100k_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
