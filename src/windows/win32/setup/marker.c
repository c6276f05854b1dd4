#include "marker.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"

int cd_marker_format(const cd_setup_marker *marker, char *buf, size_t size) {
  /* Written only as 0 or 1: a marker always says how it was installed. */
  int n = snprintf(buf, size,
                   CD_MARKER_MAGIC "\nversion=%" PRIu32 "\ntime=%" PRId64 "\nlocal_binding=%d\n",
                   marker->version, marker->time,
                   marker->local_binding == CD_MARKER_LB_YES ? 1 : 0);
  return n < 0 || (size_t)n >= size ? -1 : n;
}

/* A decimal number without sign or leading zeros, at most MAX. Strict on purpose:
 * a marker is only ever written by cd_marker_format, so anything looser means the
 * file was damaged or written by something else. */
static int parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out) {
  if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
    return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    unsigned digit = (unsigned)(s[i] - '0');
    if (v > (max - digit) / 10)
      return -1;
    v = v * 10 + digit;
  }
  *out = v;
  return 0;
}

static bool is_key_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

int cd_marker_parse(const char *text, size_t len, cd_setup_marker *marker,
                    cordon_error *err) {
  bool have_version = false, have_time = false;
  marker->local_binding = CD_MARKER_LB_UNKNOWN;
  size_t line_no = 0;
  for (size_t pos = 0; pos < len;) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    if (!nl)
      return cd_error_set(err, 0, "line %lu: not terminated by a newline", (unsigned long)(line_no + 1));
    size_t n = (size_t)(nl - line);
    pos += n + 1;
    line_no++;
    if (n > 0 && line[n - 1] == '\r') /* tolerate an editor's CRLF */
      n--;
    if (line_no == 1) {
      if (n != strlen(CD_MARKER_MAGIC) || memcmp(line, CD_MARKER_MAGIC, n) != 0)
        return cd_error_set(err, 0, "line 1: not a cordon setup marker");
      continue;
    }
    size_t k = 0;
    while (k < n && is_key_char(line[k]))
      k++;
    if (k == 0 || k == n || line[k] != '=')
      return cd_error_set(err, 0, "line %lu: expected key=value", (unsigned long)line_no);
    const char *value = line + k + 1;
    size_t vlen = n - k - 1;
    uint64_t v;
    if (k == 7 && memcmp(line, "version", 7) == 0) {
      if (have_version)
        return cd_error_set(err, 0, "line %lu: version given twice", (unsigned long)line_no);
      if (parse_decimal(value, vlen, UINT32_MAX, &v) < 0 || v == 0)
        return cd_error_set(err, 0, "line %lu: bad version", (unsigned long)line_no);
      marker->version = (uint32_t)v;
      have_version = true;
    } else if (k == 4 && memcmp(line, "time", 4) == 0) {
      if (have_time)
        return cd_error_set(err, 0, "line %lu: time given twice", (unsigned long)line_no);
      if (parse_decimal(value, vlen, INT64_MAX, &v) < 0)
        return cd_error_set(err, 0, "line %lu: bad time", (unsigned long)line_no);
      marker->time = (int64_t)v;
      have_time = true;
    } else if (k == 13 && memcmp(line, "local_binding", 13) == 0) {
      if (marker->local_binding != CD_MARKER_LB_UNKNOWN)
        return cd_error_set(err, 0, "line %lu: local_binding given twice",
                            (unsigned long)line_no);
      if (vlen != 1 || (value[0] != '0' && value[0] != '1'))
        return cd_error_set(err, 0, "line %lu: bad local_binding", (unsigned long)line_no);
      marker->local_binding = value[0] == '1' ? CD_MARKER_LB_YES : CD_MARKER_LB_NO;
    }
    /* Any other key: written by a newer cordon, ignored here. */
  }
  if (line_no == 0)
    return cd_error_set(err, 0, "empty file");
  if (!have_version || !have_time)
    return cd_error_set(err, 0, "no %s line", have_version ? "time" : "version");
  return 0;
}

cd_setup_state cd_setup_decide(const cd_setup_facts *facts, char *why, size_t size) {
  const cd_setup_marker *m = facts->marker;
  if (facts->stopped_after && (!m || m->version < facts->current_version)) {
    snprintf(why, size, "a previous setup stopped after: %s; re-run `cordon setup` elevated "
                        "to finish it", facts->stopped_after);
    return CD_SETUP_NEEDS_SETUP;
  }
  if (!m) {
    snprintf(why, size, "setup has not run for this cordon home: run `cordon setup` "
                        "(it asks for elevation)");
    return CD_SETUP_NEEDS_SETUP;
  }
  /* Older: the rules on this machine predate what this build enforces (a new
   * firewall rule or WFP filter, say), so running now would silently enforce less. */
  if (m->version < facts->current_version) {
    snprintf(why, size,
             "setup version %" PRIu32 " is older than %" PRIu32
             ": re-run `cordon setup` elevated",
             m->version, facts->current_version);
    return CD_SETUP_NEEDS_SETUP;
  }
  /* The offline user's firewall rules are machine-wide, allow_local_binding is per
   * run: a run whose policy differs from what is installed must not start. Fail
   * closed both ways and when the marker does not say: never run with wider
   * loopback than the policy says, and never guess which rules are in place. */
  if (!facts->local_binding_any &&
      (m->local_binding == CD_MARKER_LB_UNKNOWN ||
       (m->local_binding == CD_MARKER_LB_YES) != facts->allow_local_binding)) {
    const char *installed = m->local_binding == CD_MARKER_LB_YES ? "with"
                            : m->local_binding == CD_MARKER_LB_NO ? "without"
                                                                   : "with or without (unknown)";
    snprintf(why, size,
             "the offline user's firewall rules were installed %s --allow-local-binding, but "
             "this run's policy %s local binding: re-run `cordon setup` elevated %s "
             "--allow-local-binding",
             installed, facts->allow_local_binding ? "allows" : "does not allow",
             facts->allow_local_binding ? "with" : "without");
    return CD_SETUP_NEEDS_SETUP;
  }
  /* Newer is accepted: a newer cordon installed beside this one set the machine
   * up. Asking for this build's (older) setup would make the two builds undo each
   * other's rules at every run, each behind a UAC prompt; the newer rules are the
   * ones their version was made for. */
  /* The passwords are copied in by the elevated setup only (the machine's copy
   * is readable by administrators alone), so their loss needs it again. */
  if (!facts->have_secrets) {
    snprintf(why, size, "the sandbox users' passwords are missing from secrets\\: "
                        "re-run `cordon setup` elevated");
    return CD_SETUP_NEEDS_SETUP;
  }
  if (!facts->have_runner) {
    snprintf(why, size, "this build's runner copy is missing: `cordon setup --refresh` "
                        "installs it without elevation");
    return CD_SETUP_NEEDS_REFRESH;
  }
  snprintf(why, size, "setup version %" PRIu32 " is in place", m->version);
  return CD_SETUP_OK;
}

const char *cd_setup_state_name(cd_setup_state state) {
  switch (state) {
  case CD_SETUP_OK:
    return "ok";
  case CD_SETUP_NEEDS_REFRESH:
    return "needs refresh";
  case CD_SETUP_NEEDS_SETUP:
    return "needs setup";
  }
  return "?";
}
