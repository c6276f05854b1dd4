/* Every TOML 1.0 case of toml-test (TOML_TEST_DIR/files-toml-1.0.0): each
 * invalid/ case must be refused, each valid/ case accepted and its tree equal to
 * the JSON beside it (see TOML_TEST_DIR/README.md for the comparison). Every
 * failing case is named; the test fails if any case fails or none ran. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "common/cleanup.h"
#include "policy/toml.h"

static char *read_file(const char *path, size_t *len) {
  _cleanup_fclose_ FILE *f = fopen(path, "rb");
  if (!f || fseek(f, 0, SEEK_END) < 0)
    return NULL;
  long size = ftell(f);
  char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (!buf || fseek(f, 0, SEEK_SET) < 0 || fread(buf, 1, (size_t)size, f) != (size_t)size) {
    free(buf);
    return NULL;
  }
  buf[size] = '\0';
  *len = (size_t)size;
  return buf;
}

/* A date/time reduced to what the README compares: an offset date-time as its
 * instant, a local one as written; fractions without trailing zeros. */
static bool datetime_key(const char *s, bool offset, char *out, size_t size) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
  const char *rest = s;
  if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
    rest = s + n;
    if (*rest == 'T' || *rest == 't' || *rest == ' ')
      rest++;
  }
  if (sscanf(rest, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) == 3)
    rest += n;
  char frac[64] = "";
  if (*rest == '.') {
    size_t k = strspn(rest + 1, "0123456789");
    if (k >= sizeof frac)
      return false;
    memcpy(frac, rest + 1, k);
    while (k > 0 && frac[k - 1] == '0')
      frac[--k] = '\0';
    rest += 1 + strspn(rest + 1, "0123456789");
  }
  if (!offset) {
    snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d.%s", y, mo, d, h, mi, sec, frac);
    return *rest == '\0';
  }
  int oh = 0, om = 0, sign = 1;
  if (*rest == 'Z' || *rest == 'z') {
    rest++;
  } else if ((*rest == '+' || *rest == '-') && sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &n) == 2) {
    sign = *rest == '-' ? -1 : 1;
    rest += 1 + n;
  } else {
    return false;
  }
  /* Days from the civil date (proleptic Gregorian), then seconds. */
  int yy = mo <= 2 ? y - 1 : y;
  long era = (yy >= 0 ? yy : yy - 399) / 400;
  long yoe = yy - era * 400;
  long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long long instant = days * 86400LL + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
  snprintf(out, size, "%lld.%s", instant, frac);
  return *rest == '\0';
}

static bool fail_why(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail_why(char *why, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, size, fmt, ap);
  va_end(ap);
  return false;
}

/* {"type": T, "value": V} with two strings is a scalar; a TOML table's values are
 * never JSON strings, so a table with keys "type" and "value" is not mistaken. */
static bool json_scalar(json_object *j, const char **type, const char **value) {
  json_object *t, *v;
  if (!json_object_is_type(j, json_type_object) || json_object_object_length(j) != 2 ||
      !json_object_object_get_ex(j, "type", &t) || !json_object_object_get_ex(j, "value", &v) ||
      !json_object_is_type(t, json_type_string) || !json_object_is_type(v, json_type_string))
    return false;
  *type = json_object_get_string(t);
  *value = json_object_get_string(v);
  return true;
}

static bool scalar_equal(const cd_toml_value *v, const char *type, json_object *jvalue,
                         char *why, size_t size) {
  static const char *const json_names[] = {
      [CD_TOML_STRING] = "string",          [CD_TOML_INTEGER] = "integer",
      [CD_TOML_FLOAT] = "float",            [CD_TOML_BOOL] = "bool",
      [CD_TOML_DATETIME] = "datetime",      [CD_TOML_DATETIME_LOCAL] = "datetime-local",
      [CD_TOML_DATE_LOCAL] = "date-local",  [CD_TOML_TIME_LOCAL] = "time-local",
  };
  cd_toml_type t = cd_toml_type_of(v);
  const char *want = json_object_get_string(jvalue);
  if (t == CD_TOML_TABLE || t == CD_TOML_ARRAY || strcmp(json_names[t], type) != 0)
    return fail_why(why, size, "type %s, expected %s", cd_toml_type_name(t), type);
  switch (t) {
  case CD_TOML_STRING: {
    size_t len;
    const char *s = cd_toml_string(v, &len);
    if (len != (size_t)json_object_get_string_len(jvalue) || memcmp(s, want, len) != 0)
      return fail_why(why, size, "string \"%s\", expected \"%s\"", s, want);
    return true;
  }
  case CD_TOML_INTEGER:
    if (cd_toml_integer(v) != strtoll(want, NULL, 10))
      return fail_why(why, size, "integer %lld, expected %s", (long long)cd_toml_integer(v),
                      want);
    return true;
  case CD_TOML_FLOAT: {
    double got = cd_toml_float(v), expected = strtod(want, NULL);
    bool same = isnan(expected) ? isnan(got) : got == expected && signbit(got) == signbit(expected);
    if (!same)
      return fail_why(why, size, "float %.17g, expected %s", got, want);
    return true;
  }
  case CD_TOML_BOOL:
    if (strcmp(cd_toml_bool(v) ? "true" : "false", want) != 0)
      return fail_why(why, size, "bool %d, expected %s", cd_toml_bool(v), want);
    return true;
  default: {
    char got_key[96], want_key[96];
    bool offset = t == CD_TOML_DATETIME;
    if (!datetime_key(cd_toml_datetime(v), offset, got_key, sizeof got_key) ||
        !datetime_key(want, offset, want_key, sizeof want_key) ||
        strcmp(got_key, want_key) != 0)
      return fail_why(why, size, "%s %s, expected %s", type, cd_toml_datetime(v), want);
    return true;
  }
  }
}

static bool tree_equal(const cd_toml_value *v, json_object *j, char *why, size_t size) {
  if (cd_toml_line(v) < 1 || cd_toml_col(v) < 1)
    return fail_why(why, size, "a value without a position");
  const char *type, *value;
  if (cd_toml_type_of(v) == CD_TOML_TABLE) {
    if (!json_object_is_type(j, json_type_object))
      return fail_why(why, size, "a table where the JSON has no object");
    size_t n = cd_toml_table_len(v);
    if (n != (size_t)json_object_object_length(j))
      return fail_why(why, size, "table of %zu keys, expected %d", n,
                      json_object_object_length(j));
    for (size_t i = 0; i < n; i++) {
      /* json-c cuts object keys at a NUL byte: compare them the same way. */
      const char *key = cd_toml_table_key(v, i);
      json_object *child;
      if (!json_object_object_get_ex(j, key, &child))
        return fail_why(why, size, "unexpected key '%s'", key);
      if (!tree_equal(cd_toml_table_value(v, i), child, why, size)) {
        char inner[1024];
        snprintf(inner, sizeof inner, "%s", why);
        return fail_why(why, size, "%s: %s", key, inner);
      }
    }
    return true;
  }
  if (cd_toml_type_of(v) == CD_TOML_ARRAY) {
    if (!json_object_is_type(j, json_type_array))
      return fail_why(why, size, "an array where the JSON has no array");
    size_t n = cd_toml_array_len(v);
    if (n != json_object_array_length(j))
      return fail_why(why, size, "array of %zu items, expected %zu", n,
                      json_object_array_length(j));
    for (size_t i = 0; i < n; i++)
      if (!tree_equal(cd_toml_array_get(v, i), json_object_array_get_idx(j, i), why, size))
        return false;
    return true;
  }
  json_object *jvalue;
  if (!json_scalar(j, &type, &value) || !json_object_object_get_ex(j, "value", &jvalue))
    return fail_why(why, size, "a %s where the JSON has no scalar",
                    cd_toml_type_name(cd_toml_type_of(v)));
  return scalar_equal(v, type, jvalue, why, size);
}

/* One case: true when it passes; WHY says why not. */
static bool run_case(const char *case_name, char *why, size_t size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", TOML_TEST_DIR, case_name);
  size_t len;
  _cleanup_free_ char *text = read_file(path, &len);
  if (!text)
    return fail_why(why, size, "cannot read %s", path);
  cordon_error err = {0};
  cd_toml_value *root = cd_toml_parse(text, len, case_name, &err);
  if (strncmp(case_name, "invalid/", 8) == 0) {
    cd_toml_free(root);
    if (root)
      return fail_why(why, size, "accepted");
    if (strncmp(err.message, case_name, strlen(case_name)) != 0)
      return fail_why(why, size, "refused without a position: %s", err.message);
    return true;
  }
  if (!root)
    return fail_why(why, size, "refused: %s", err.message);
  snprintf(path + strlen(path) - strlen(".toml"), sizeof path - strlen(path) + 5, ".json");
  json_object *expected = json_object_from_file(path);
  bool ok = expected ? tree_equal(root, expected, why, size)
                     : fail_why(why, size, "cannot read %s", path);
  json_object_put(expected);
  cd_toml_free(root);
  return ok;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void test_toml_1_0_cases(void **state) {
  _cleanup_fclose_ FILE *list = fopen(TOML_TEST_DIR "/files-toml-1.0.0", "r");
  assert_non_null(list);
  char line[1024];
  unsigned ran[2] = {0}, failed[2] = {0}; /* [0] valid, [1] invalid */
  while (fgets(line, sizeof line, list)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!ends_with(line, ".toml"))
      continue; /* the .json beside each valid case */
    bool invalid = strncmp(line, "invalid/", 8) == 0;
    if (!invalid && strncmp(line, "valid/", 6) != 0)
      continue;
    char why[1024] = "";
    ran[invalid]++;
    if (!run_case(line, why, sizeof why)) {
      failed[invalid]++;
      printf("FAIL %s: %s\n", line, why);
    }
  }
  printf("valid: %u/%u passed; invalid: %u/%u refused\n", ran[0] - failed[0], ran[0],
         ran[1] - failed[1], ran[1]);
  assert_true(ran[0] > 0 && ran[1] > 0);
  assert_int_equal(failed[0] + failed[1], 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_toml_1_0_cases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
