/* The TOML parser's cursor, its errors, and its scalars: strings (basic, literal,
 * multi-line), integers, floats, booleans and the four date/time kinds. Each
 * scalar is checked against the TOML 1.0 grammar exactly; the document around
 * them is toml.c. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/toml_internal.h"

void toml_advance(toml_parser *p) {
  unsigned char c = (unsigned char)p->text[p->pos++];
  if (c == '\n') {
    p->line++;
    p->col = 1;
  } else if ((c & 0xC0) != 0x80) { /* a continuation byte is part of the same character */
    p->col++;
  }
}

void toml_advance_n(toml_parser *p, size_t n) {
  while (n--)
    toml_advance(p);
}

static int vfail(toml_parser *p, unsigned line, unsigned col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vfail(toml_parser *p, unsigned line, unsigned col, const char *fmt, va_list ap) {
  char msg[CORDON_ERROR_MAX];
  vsnprintf(msg, sizeof msg, fmt, ap);
  return cd_error_set(p->err, 0, "%s:%u:%u: %s", p->name, line, col, msg);
}

int toml_fail_at(toml_parser *p, unsigned line, unsigned col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(p, line, col, fmt, ap);
  va_end(ap);
  return -1;
}

int toml_fail(toml_parser *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(p, p->line, p->col, fmt, ap);
  va_end(ap);
  return -1;
}

/* The code point at the cursor; the text is valid UTF-8 (checked up front). */
static uint32_t code_point(const toml_parser *p) {
  const unsigned char *s = (const unsigned char *)p->text + p->pos;
  if (s[0] < 0x80)
    return s[0];
  if (s[0] < 0xE0)
    return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
  if (s[0] < 0xF0)
    return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
  return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
         (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

const char *toml_describe(const toml_parser *p, char buf[16]) {
  int c = toml_peek(p, 0);
  if (c < 0)
    return "the end of the file";
  if (c == '\n' || (c == '\r' && toml_peek(p, 1) == '\n'))
    return "the end of the line";
  if (c > 0x20 && c < 0x7F)
    snprintf(buf, 16, "'%c'", c);
  else
    snprintf(buf, 16, "U+%04X", (unsigned)code_point(p));
  return buf;
}

static int buf_put(toml_parser *p, toml_buf *b, const char *s, size_t n) {
  if (b->cap - b->len <= n) {
    size_t cap = b->cap ? b->cap : 32;
    while (cap - b->len <= n)
      cap *= 2;
    char *grown = realloc(b->s, cap);
    if (!grown)
      return cd_error_oom(p->err);
    b->s = grown;
    b->cap = cap;
  }
  if (n)
    memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
  return 0;
}

cd_toml_value *toml_value_new(toml_parser *p, cd_toml_type type, unsigned line,
                              unsigned col) {
  cd_toml_value *v = calloc(1, sizeof *v);
  if (!v) {
    cd_error_oom(p->err);
    return NULL;
  }
  v->type = type;
  v->line = line;
  v->col = col;
  return v;
}

/* Control characters are never allowed raw in strings or comments; tab is not
 * one of them here. */
static bool is_control(int c) {
  return (c < 0x20 && c != '\t') || c == 0x7F;
}

static int hex_digit(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int put_utf8(toml_parser *p, toml_buf *b, uint32_t cp) {
  char out[4];
  size_t n;
  if (cp < 0x80) {
    out[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  return buf_put(p, b, out, n);
}

/* One escape sequence, the cursor on its backslash. */
static int parse_escape(toml_parser *p, toml_buf *b) {
  unsigned line = p->line, col = p->col;
  static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
  int c = toml_peek(p, 1);
  const char *simple = c > 0 ? strchr(from, c) : NULL;
  if (simple) {
    toml_advance_n(p, 2);
    return buf_put(p, b, &to[simple - from], 1);
  }
  if (c != 'u' && c != 'U') {
    char buf[16];
    toml_advance(p);
    return toml_fail_at(p, line, col, "invalid escape: a backslash followed by %s",
                        toml_describe(p, buf));
  }
  size_t digits = c == 'u' ? 4 : 8;
  toml_advance_n(p, 2);
  uint32_t cp = 0;
  for (size_t i = 0; i < digits; i++) {
    int h = hex_digit(toml_peek(p, 0));
    if (h < 0)
      return toml_fail_at(p, line, col, "\\%c needs %zu hexadecimal digits", c, digits);
    cp = cp << 4 | (uint32_t)h;
    toml_advance(p);
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return toml_fail_at(p, line, col, "escape \\%c%0*X is not a Unicode scalar value", c,
                        (int)digits, (unsigned)cp);
  return put_utf8(p, b, cp);
}

/* In a multi-line basic string, a backslash that ends its line trims it and every
 * space, tab and newline after it. True when the cursor was on one (now skipped). */
static bool line_ending_backslash(toml_parser *p) {
  size_t i = 1;
  while (toml_peek(p, i) == ' ' || toml_peek(p, i) == '\t')
    i++;
  if (toml_peek(p, i) != '\n' && !(toml_peek(p, i) == '\r' && toml_peek(p, i + 1) == '\n'))
    return false;
  toml_advance(p);
  for (;;) {
    int c = toml_peek(p, 0);
    if (c == ' ' || c == '\t' || c == '\n')
      toml_advance(p);
    else if (c == '\r' && toml_peek(p, 1) == '\n')
      toml_advance_n(p, 2);
    else
      return true;
  }
}

/* The body of a string after its opening delimiter, up to and over the closing one. */
static int string_body(toml_parser *p, toml_buf *b, char quote, bool multiline) {
  bool escapes = quote == '"';
  for (;;) {
    int c = toml_peek(p, 0);
    if (c < 0)
      return toml_fail(p, "unterminated string: the file ends before the closing %c", quote);
    if (c == quote) {
      if (!multiline) {
        toml_advance(p);
        return 0;
      }
      size_t run = 1;
      while (toml_peek(p, run) == quote)
        run++;
      if (run < 3) { /* one or two quotes inside the string */
        if (buf_put(p, b, p->text + p->pos, run) < 0)
          return -1;
        toml_advance_n(p, run);
        continue;
      }
      /* Up to two quotes may precede the closing three: """"" is "" then """. A
       * sixth quote is left for the caller, which refuses it. */
      if (run > 5)
        run = 5;
      if (buf_put(p, b, p->text + p->pos, run - 3) < 0)
        return -1;
      toml_advance_n(p, run);
      return 0;
    }
    if (c == '\\' && escapes) {
      if (multiline && line_ending_backslash(p))
        continue;
      if (parse_escape(p, b) < 0)
        return -1;
      continue;
    }
    size_t newline = c == '\n' ? 1 : c == '\r' && toml_peek(p, 1) == '\n' ? 2 : 0;
    if (newline && !multiline)
      return toml_fail(p, "unterminated string: a newline before the closing %c", quote);
    if (newline) { /* kept as written, LF or CRLF */
      if (buf_put(p, b, p->text + p->pos, newline) < 0)
        return -1;
      toml_advance_n(p, newline);
      continue;
    }
    if (is_control(c))
      return toml_fail(p, "control character U+%04X in a string (write it as an escape%s)",
                       (unsigned)c, escapes ? "" : ", in a \"basic\" string");
    /* A run of ordinary bytes, copied at once. */
    size_t n = 1;
    for (int d; (d = toml_peek(p, n)) >= 0 && d != quote && !(d == '\\' && escapes) &&
                !is_control(d);)
      n++;
    if (buf_put(p, b, p->text + p->pos, n) < 0)
      return -1;
    toml_advance_n(p, n);
  }
}

int toml_parse_string(toml_parser *p, bool multiline_ok, toml_buf *b) {
  char quote = p->text[p->pos];
  bool multiline =
      multiline_ok && toml_peek(p, 1) == quote && toml_peek(p, 2) == quote;
  if (multiline) {
    toml_advance_n(p, 3);
    /* A newline right after the opening delimiter is not part of the string. */
    if (toml_peek(p, 0) == '\n')
      toml_advance(p);
    else if (toml_peek(p, 0) == '\r' && toml_peek(p, 1) == '\n')
      toml_advance_n(p, 2);
  } else {
    toml_advance(p);
  }
  if (string_body(p, b, quote, multiline) < 0)
    return -1;
  return buf_put(p, b, "", 0); /* allocated even when empty */
}

static cd_toml_value *string_value(toml_parser *p) {
  cd_toml_value *v = toml_value_new(p, CD_TOML_STRING, p->line, p->col);
  if (!v)
    return NULL;
  toml_buf b = {0};
  if (toml_parse_string(p, true, &b) < 0) {
    free(b.s);
    free(v);
    return NULL;
  }
  v->u.str.s = b.s;
  v->u.str.len = b.len;
  return v;
}

static bool is_digit(int c) {
  return c >= '0' && c <= '9';
}

/* The value of digit C in RADIX, or -1. */
static int digit_value(int c, int radix) {
  int d = hex_digit(c);
  return d < radix ? d : -1;
}

/* Digits of RADIX from T[*I], '_' only between two digits. Returns how many digits. */
static size_t digit_run(const char *t, size_t n, size_t *i, int radix) {
  size_t count = 0;
  while (*i < n) {
    if (digit_value(t[*i], radix) >= 0) {
      count++;
      (*i)++;
    } else if (t[*i] == '_' && count && *i + 1 < n && digit_value(t[*i + 1], radix) >= 0) {
      (*i)++;
    } else {
      break;
    }
  }
  return count;
}

/* What a number, boolean, inf or nan is made of: the token ends at anything else. */
static bool is_token_char(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '+' || c == '-' || c == '.';
}

/* T[0..N) without underscores, as an integer of RADIX; N has been checked. */
static bool integer_value(const char *t, size_t n, int radix, bool negative, int64_t *out) {
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  uint64_t value = 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i] == '_')
      continue;
    uint64_t d = (uint64_t)digit_value(t[i], radix);
    if (value > (limit - d) / (uint64_t)radix)
      return false;
    value = value * (uint64_t)radix + d;
  }
  /* Two's complement: -(2^63) has no positive counterpart. */
  *out = negative ? (int64_t)(0 - value) : (int64_t)value;
  return true;
}

static cd_toml_value *float_value(toml_parser *p, const char *t, size_t n, unsigned line,
                                  unsigned col) {
  _cleanup_free_ char *plain = malloc(n + 1);
  if (!plain) {
    cd_error_oom(p->err);
    return NULL;
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (t[i] != '_')
      plain[m++] = t[i];
  plain[m] = '\0';
  errno = 0;
  double d = strtod_l(plain, NULL, p->c_locale);
  if (errno == ERANGE && isinf(d)) {
    toml_fail_at(p, line, col, "float out of range");
    return NULL;
  }
  cd_toml_value *v = toml_value_new(p, CD_TOML_FLOAT, line, col);
  if (v)
    v->u.fl = d;
  return v;
}

/* An integer, a float, or a boolean: one token checked against the grammar. The
 * token is ASCII, so an offset in it is also a column offset. */
static cd_toml_value *number_value(toml_parser *p) {
  unsigned line = p->line, col = p->col;
  const char *t = p->text + p->pos;
  size_t n = 0;
  while (n < p->len - p->pos && is_token_char(t[n]))
    n++;
  cd_toml_value *v = NULL;
  bool sign = t[0] == '+' || t[0] == '-', negative = t[0] == '-';
  size_t i = sign;
  if ((n == 4 && !memcmp(t, "true", 4)) || (n == 5 && !memcmp(t, "false", 5))) {
    if ((v = toml_value_new(p, CD_TOML_BOOL, line, col)))
      v->u.boolean = n == 4;
  } else if (n - i == 3 && (!memcmp(t + i, "inf", 3) || !memcmp(t + i, "nan", 3))) {
    if ((v = toml_value_new(p, CD_TOML_FLOAT, line, col)))
      v->u.fl = t[i] == 'i' ? (negative ? -INFINITY : INFINITY) : (negative ? -NAN : NAN);
  } else if (n - i > 2 && t[i] == '0' && strchr("xob", t[i + 1])) {
    int radix = t[i + 1] == 'x' ? 16 : t[i + 1] == 'o' ? 8 : 2;
    if (sign) {
      toml_fail(p, "a hexadecimal, octal or binary integer takes no sign");
      return NULL;
    }
    i += 2;
    if (digit_run(t, n, &i, radix) == 0 || i != n)
      goto invalid;
    int64_t value;
    if (!integer_value(t + 2, n - 2, radix, false, &value)) {
      toml_fail(p, "integer out of range (64-bit)");
      return NULL;
    }
    if ((v = toml_value_new(p, CD_TOML_INTEGER, line, col)))
      v->u.integer = value;
  } else {
    size_t start = i, count = digit_run(t, n, &i, 10);
    if (count == 0)
      goto invalid;
    if (t[start] == '0' && count > 1) {
      toml_fail_at(p, line, col + (unsigned)start, "leading zeros are not allowed");
      return NULL;
    }
    bool is_float = false;
    if (i < n && t[i] == '.') {
      i++;
      if (digit_run(t, n, &i, 10) == 0)
        goto invalid;
      is_float = true;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
      i++;
      if (i < n && (t[i] == '+' || t[i] == '-'))
        i++;
      if (digit_run(t, n, &i, 10) == 0)
        goto invalid;
      is_float = true;
    }
    if (i != n)
      goto invalid;
    int64_t value;
    if (is_float) {
      v = float_value(p, t, n, line, col);
    } else if (!integer_value(t + start, n - start, 10, negative, &value)) {
      toml_fail(p, "integer out of range (64-bit)");
      return NULL;
    } else if ((v = toml_value_new(p, CD_TOML_INTEGER, line, col))) {
      v->u.integer = value;
    }
  }
  if (v)
    toml_advance_n(p, n);
  return v;
invalid:
  /* Point at the first character that does not fit, or at the token's end. */
  toml_fail_at(p, line, col + (unsigned)i, "invalid %s",
               is_digit(t[0]) || sign ? "number" : "value");
  return NULL;
}

/* N digits at offset OFF from the cursor; their value, or -1. */
static int digits_at(const toml_parser *p, size_t off, size_t n) {
  int value = 0;
  for (size_t i = 0; i < n; i++) {
    int c = toml_peek(p, off + i);
    if (!is_digit(c))
      return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

static bool looks_like_date(const toml_parser *p) {
  return digits_at(p, 0, 4) >= 0 && toml_peek(p, 4) == '-';
}

static bool looks_like_time(const toml_parser *p, size_t off) {
  return digits_at(p, off, 2) >= 0 && toml_peek(p, off + 2) == ':';
}

static int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : days[month - 1];
}

/* Fails at offset OFF from the cursor (dates and times are ASCII). */
static int fail_off(toml_parser *p, size_t off, const char *what) {
  return toml_fail_at(p, p->line, p->col + (unsigned)off, "%s", what);
}

/* HH:MM:SS[.fraction] at offset OFF; *END gets the offset after it. */
static int scan_time(toml_parser *p, size_t off, size_t *end) {
  int hour = digits_at(p, off, 2), minute = digits_at(p, off + 3, 2);
  int second = digits_at(p, off + 6, 2);
  if (hour < 0 || toml_peek(p, off + 2) != ':' || minute < 0 ||
      toml_peek(p, off + 5) != ':' || second < 0)
    return fail_off(p, off, "invalid time: expected HH:MM:SS");
  if (hour > 23)
    return fail_off(p, off, "invalid time: hour out of range 00-23");
  if (minute > 59)
    return fail_off(p, off + 3, "invalid time: minute out of range 00-59");
  if (second > 60) /* 60: a leap second */
    return fail_off(p, off + 6, "invalid time: second out of range 00-60");
  off += 8;
  if (toml_peek(p, off) == '.') {
    size_t digits = 0;
    while (is_digit(toml_peek(p, off + 1 + digits)))
      digits++;
    if (digits == 0)
      return fail_off(p, off + 1, "invalid time: a digit must follow the '.'");
    off += 1 + digits;
  }
  *end = off;
  return 0;
}

/* A date and what may follow it: a time, then an offset. *SEP gets the offset of
 * the date/time separator (0 if none), *END the length. */
static int scan_date(toml_parser *p, cd_toml_type *type, size_t *sep, size_t *end) {
  int year = digits_at(p, 0, 4), month = digits_at(p, 5, 2), day = digits_at(p, 8, 2);
  if (month < 0 || toml_peek(p, 7) != '-' || day < 0)
    return fail_off(p, 0, "invalid date: expected YYYY-MM-DD");
  if (month < 1 || month > 12)
    return fail_off(p, 5, "invalid date: month out of range 01-12");
  if (day < 1 || day > days_in_month(year, month))
    return fail_off(p, 8, "invalid date: no such day in that month");
  *type = CD_TOML_DATE_LOCAL;
  *sep = 0;
  *end = 10;
  int c = toml_peek(p, 10);
  if (c != 'T' && c != 't' && !(c == ' ' && looks_like_time(p, 11)))
    return 0;
  *type = CD_TOML_DATETIME_LOCAL;
  *sep = 10;
  if (scan_time(p, 11, end) < 0)
    return -1;
  c = toml_peek(p, *end);
  if (c == 'Z' || c == 'z') {
    *type = CD_TOML_DATETIME;
    *end += 1;
  } else if (c == '+' || c == '-') {
    int hours = digits_at(p, *end + 1, 2), minutes = digits_at(p, *end + 4, 2);
    if (hours < 0 || toml_peek(p, *end + 3) != ':' || minutes < 0)
      return fail_off(p, *end, "invalid time offset: expected +HH:MM or -HH:MM");
    if (hours > 23 || minutes > 59)
      return fail_off(p, *end, "invalid time offset: out of range");
    *type = CD_TOML_DATETIME;
    *end += 6;
  }
  return 0;
}

/* An offset date-time, local date-time, local date or local time. */
static cd_toml_value *datetime_value(toml_parser *p) {
  cd_toml_type type = CD_TOML_TIME_LOCAL;
  size_t sep = 0, end;
  int r = looks_like_date(p) ? scan_date(p, &type, &sep, &end) : scan_time(p, 0, &end);
  if (r < 0)
    return NULL;
  if (is_token_char(toml_peek(p, end)) || toml_peek(p, end) == ':') {
    fail_off(p, end, "invalid date or time");
    return NULL;
  }
  cd_toml_value *v = toml_value_new(p, type, p->line, p->col);
  if (!v)
    return NULL;
  if (!(v->u.str.s = strndup(p->text + p->pos, end))) {
    free(v);
    cd_error_oom(p->err);
    return NULL;
  }
  v->u.str.len = end;
  if (sep)
    v->u.str.s[sep] = 'T';
  if (v->u.str.s[end - 1] == 'z')
    v->u.str.s[end - 1] = 'Z';
  toml_advance_n(p, end);
  return v;
}

cd_toml_value *toml_parse_scalar(toml_parser *p) {
  int c = toml_peek(p, 0);
  if (c == '"' || c == '\'')
    return string_value(p);
  if (looks_like_date(p) || looks_like_time(p, 0))
    return datetime_value(p);
  if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n' || c == 't' || c == 'f')
    return number_value(p);
  char buf[16];
  toml_fail(p, "expected a value, found %s", toml_describe(p, buf));
  return NULL;
}
