#include "progress.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"

const char *cd_step_name(cd_setup_step step) {
  static const char *const names[] = {
      [CD_STEP_USERS] = "users",       [CD_STEP_SECRETS] = "secrets",
      [CD_STEP_PROFILES] = "profiles", [CD_STEP_FIREWALL] = "firewall",
      [CD_STEP_WFP] = "wfp",           [CD_STEP_VERIFY] = "verify",
      [CD_STEP_HOME] = "home",
  };
  return step < CD_STEP_COUNT ? names[step] : "?";
}

int cd_progress_format(unsigned done, char *buf, size_t size) {
  int pos = snprintf(buf, size, CD_PROGRESS_MAGIC "\n");
  for (int s = 0; s < CD_STEP_COUNT && pos >= 0 && (size_t)pos < size; s++)
    if (done & (1u << s))
      pos += snprintf(buf + pos, size - (size_t)pos, "done %s\n", cd_step_name(s));
  return pos < 0 || (size_t)pos >= size ? -1 : pos;
}

int cd_progress_parse(const char *text, size_t len, unsigned *done, cordon_error *err) {
  *done = 0;
  unsigned long line_no = 0;
  for (size_t pos = 0; pos < len;) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    if (!nl)
      return cd_error_set(err, 0, "line %lu: not terminated", line_no + 1);
    size_t n = (size_t)(nl - line);
    pos += n + 1;
    if (++line_no == 1) {
      if (n != strlen(CD_PROGRESS_MAGIC) || memcmp(line, CD_PROGRESS_MAGIC, n) != 0)
        return cd_error_set(err, 0, "line 1: not a cordon setup progress file");
      continue;
    }
    int s = 0;
    for (; s < CD_STEP_COUNT; s++) {
      const char *name = cd_step_name(s);
      if (n == 5 + strlen(name) && memcmp(line, "done ", 5) == 0 &&
          memcmp(line + 5, name, n - 5) == 0)
        break;
    }
    if (s == CD_STEP_COUNT)
      return cd_error_set(err, 0, "line %lu: unknown step", line_no);
    *done |= 1u << s;
  }
  return line_no ? 0 : cd_error_set(err, 0, "empty file");
}

void cd_progress_describe(unsigned done, char *buf, size_t size) {
  size_t pos = 0;
  buf[0] = '\0';
  for (int s = 0; s < CD_STEP_COUNT; s++)
    if ((done & (1u << s)) && pos < size)
      pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", pos ? ", " : "", cd_step_name(s));
  if (!pos)
    snprintf(buf, size, "nothing");
}
