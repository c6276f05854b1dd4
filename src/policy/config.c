/* The config file: TOML with named profiles.
 *
 *   default_profile = "work"
 *
 *   [profiles.work]
 *   mode = "workspace-write"          # read-only | workspace-write | danger-full-access
 *   network = "proxy"                 # offline | proxy | online
 *   proxy_ports = [3128]
 *   allow_local_binding = false
 *   writable_roots = ["~/.cache/pip"]
 *   protected_names = [".env"]        # more protected children of writable roots
 *   keep_env = ["SSH_AUTH_SOCK"]      # variables kept that are removed by default
 *
 *   [profiles.work.filesystem]
 *   "./docs" = "read"
 *
 * Without --profile, the profile named by default_profile is used, else the one
 * named "default", else none. Every error reads FILE:LINE:COL: message. */
#include "policy/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policy/paths.h"
#include "policy/resolve.h"
#include "policy/toml.h"

/* A config is a few hundred bytes; anything this large is a mistake or an attack. */
#define CONFIG_MAX_BYTES (1024 * 1024)

typedef struct config_ctx {
  const char *name;
  cd_policy *policy;
  cordon_error *err;
} config_ctx;

static int fail_at(const config_ctx *c, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(const config_ctx *c, unsigned line, unsigned col, const char *fmt, ...) {
  char msg[CORDON_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cd_error_set(c->err, 0, "%s:%u:%u: %s", c->name, line, col, msg);
}

static int fail_value(const config_ctx *c, const cd_toml_value *v, const char *what) {
  return fail_at(c, cd_toml_line(v), cd_toml_col(v), "%s", what);
}

/* A string value without NUL bytes (a path or name cut at a NUL would name
 * something else than what the file says). */
static const char *get_string(const config_ctx *c, const cd_toml_value *v, const char *key) {
  if (cd_toml_type_of(v) != CD_TOML_STRING) {
    fail_at(c, cd_toml_line(v), cd_toml_col(v), "'%s' must be a string, not %s", key,
            cd_toml_type_name(cd_toml_type_of(v)));
    return NULL;
  }
  size_t len;
  const char *s = cd_toml_string(v, &len);
  if (strlen(s) != len) {
    fail_at(c, cd_toml_line(v), cd_toml_col(v), "'%s' contains a NUL byte", key);
    return NULL;
  }
  return s;
}

static int check_array(const config_ctx *c, const cd_toml_value *v, const char *key) {
  if (cd_toml_type_of(v) != CD_TOML_ARRAY)
    return fail_at(c, cd_toml_line(v), cd_toml_col(v), "'%s' must be an array, not %s", key,
                   cd_toml_type_name(cd_toml_type_of(v)));
  return 0;
}

static char *position(const config_ctx *c, const cd_toml_value *v) {
  char *s;
  if (asprintf(&s, "%s:%u:%u", c->name, cd_toml_line(v), cd_toml_col(v)) < 0)
    return NULL;
  return s;
}

static int add_path(const config_ctx *c, const cd_toml_value *at, const char *path,
                    cd_access access) {
  _cleanup_free_ char *source = position(c, at);
  if (!source)
    return cd_error_oom(c->err);
  return cd_policy_add_entry(c->policy, path, access, CD_LAYER_CONFIG, source, c->err);
}

static int apply_filesystem(const config_ctx *c, const cd_toml_value *table) {
  if (cd_toml_type_of(table) != CD_TOML_TABLE)
    return fail_value(c, table, "'filesystem' must be a table of path = \"read\"|\"write\"|\"none\"");
  for (size_t i = 0; i < cd_toml_table_len(table); i++) {
    const char *path = cd_toml_table_key(table, i);
    const cd_toml_value *v = cd_toml_table_value(table, i);
    /* A path cut at an escaped NUL would name another path than the file does. */
    if (strlen(path) != cd_toml_table_key_len(table, i))
      return fail_at(c, cd_toml_table_key_line(table, i), cd_toml_table_key_col(table, i),
                     "a filesystem path contains a NUL byte");
    const char *name = get_string(c, v, path);
    if (!name)
      return -1;
    cd_access access;
    if (cd_access_parse(name, &access) < 0)
      return fail_value(c, v, "access must be \"read\", \"write\" or \"none\"");
    if (add_path(c, v, path, access) < 0)
      return -1;
  }
  return 0;
}

static int apply_writable_roots(const config_ctx *c, const cd_toml_value *v) {
  if (check_array(c, v, "writable_roots") < 0)
    return -1;
  for (size_t i = 0; i < cd_toml_array_len(v); i++) {
    const cd_toml_value *item = cd_toml_array_get(v, i);
    const char *path = get_string(c, item, "writable_roots");
    if (!path || add_path(c, item, path, CD_ACCESS_WRITE) < 0)
      return -1;
  }
  return 0;
}

static int apply_proxy_ports(const config_ctx *c, const cd_toml_value *v) {
  if (check_array(c, v, "proxy_ports") < 0)
    return -1;
  for (size_t i = 0; i < cd_toml_array_len(v); i++) {
    const cd_toml_value *item = cd_toml_array_get(v, i);
    if (cd_toml_type_of(item) != CD_TOML_INTEGER)
      return fail_value(c, item, "'proxy_ports' must hold integers");
    int64_t port = cd_toml_integer(item);
    if (port < 1 || port > 65535)
      return fail_value(c, item, "proxy port not in 1..65535");
    if (cd_policy_add_proxy_port(c->policy, (long)port, c->name, c->err) < 0)
      return -1;
  }
  return 0;
}

/* protected_names are single names looked up in every writable root. */
static bool is_plain_name(const char *s) {
  return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int apply_names(const config_ctx *c, const cd_toml_value *v, const char *key,
                       cd_strv *out, bool names_only) {
  if (check_array(c, v, key) < 0)
    return -1;
  for (size_t i = 0; i < cd_toml_array_len(v); i++) {
    const cd_toml_value *item = cd_toml_array_get(v, i);
    const char *s = get_string(c, item, key);
    if (!s)
      return -1;
    if (names_only && !is_plain_name(s))
      return fail_value(c, item, "a protected name is one path component, like \".env\"");
    if (!names_only && (!*s || strchr(s, '=')))
      return fail_value(c, item, "not an environment variable name");
    if (!cd_strv_contains(out, s) && cd_strv_push(out, s) < 0)
      return cd_error_oom(c->err);
  }
  return 0;
}

static int apply_profile(const config_ctx *c, const cd_toml_value *profile) {
  cd_policy *p = c->policy;
  for (size_t i = 0; i < cd_toml_table_len(profile); i++) {
    const char *key = cd_toml_table_key(profile, i);
    const cd_toml_value *v = cd_toml_table_value(profile, i);
    const char *s;
    int r;
    if (strcmp(key, "mode") == 0) {
      if (!(s = get_string(c, v, key)))
        return -1;
      r = cd_mode_parse(s, &p->mode) < 0
              ? fail_value(c, v, "mode must be read-only, workspace-write or danger-full-access")
              : 0;
    } else if (strcmp(key, "network") == 0) {
      if (!(s = get_string(c, v, key)))
        return -1;
      r = cd_network_parse(s, &p->network) < 0
              ? fail_value(c, v, "network must be offline, proxy or online")
              : 0;
      p->network_set = true;
    } else if (strcmp(key, "allow_local_binding") == 0) {
      if (cd_toml_type_of(v) != CD_TOML_BOOL)
        return fail_value(c, v, "'allow_local_binding' must be true or false");
      p->allow_local_binding = cd_toml_bool(v);
      r = 0;
    } else if (strcmp(key, "proxy_ports") == 0) {
      r = apply_proxy_ports(c, v);
    } else if (strcmp(key, "writable_roots") == 0) {
      r = apply_writable_roots(c, v);
    } else if (strcmp(key, "filesystem") == 0) {
      r = apply_filesystem(c, v);
    } else if (strcmp(key, "protected_names") == 0) {
      r = apply_names(c, v, key, &p->protected_names, true);
    } else if (strcmp(key, "keep_env") == 0) {
      r = apply_names(c, v, key, &p->keep_env, false);
    } else {
      return fail_at(c, cd_toml_table_key_line(profile, i), cd_toml_table_key_col(profile, i),
                     "unknown key '%s'", key);
    }
    if (r < 0)
      return -1;
  }
  return 0;
}

int cd_config_apply_text(cd_policy *policy, const char *text, size_t len, const char *name,
                         const char *profile, cordon_error *err) {
  config_ctx c = {.name = name, .policy = policy, .err = err};
  cd_toml_value *root = cd_toml_parse(text, len, name, err);
  if (!root)
    return -1;
  const cd_toml_value *profiles = NULL;
  const char *chosen = profile;
  const cd_toml_value *default_at = NULL;
  int r = 0;
  for (size_t i = 0; r == 0 && i < cd_toml_table_len(root); i++) {
    const char *key = cd_toml_table_key(root, i);
    const cd_toml_value *v = cd_toml_table_value(root, i);
    if (strcmp(key, "profiles") == 0) {
      profiles = v;
      if (cd_toml_type_of(v) != CD_TOML_TABLE)
        r = fail_value(&c, v, "'profiles' must be a table of [profiles.NAME] tables");
    } else if (strcmp(key, "default_profile") == 0) {
      default_at = v;
      const char *s = get_string(&c, v, key);
      if (!s)
        r = -1;
      else if (!chosen)
        chosen = s;
    } else {
      r = fail_at(&c, cd_toml_table_key_line(root, i), cd_toml_table_key_col(root, i),
                  "unknown key '%s' (policy keys go in a [profiles.NAME] table)", key);
    }
  }
  const cd_toml_value *selected = NULL;
  if (r == 0 && chosen) {
    selected = profiles ? cd_toml_table_get(profiles, chosen) : NULL;
    if (!selected && profile)
      r = cd_error_set(err, 0, "%s: no profile '%s'", name, profile);
    else if (!selected)
      r = fail_value(&c, default_at, "default_profile names no [profiles.NAME] table");
  } else if (r == 0 && profiles) {
    selected = cd_toml_table_get(profiles, "default");
  }
  if (r == 0 && selected) {
    if (cd_toml_type_of(selected) != CD_TOML_TABLE)
      r = fail_value(&c, selected, "a profile must be a table");
    else
      r = apply_profile(&c, selected);
  }
  cd_toml_free(root);
  return r;
}

/* Read at most CONFIG_MAX_BYTES. The file is opened non-blocking and must be
 * regular, so a FIFO named as the config cannot hang cordon. */
static int read_config(const char *path, char **text, size_t *len, cordon_error *err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return cd_error_set(err, errno, "%s", path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return cd_error_set(err, errno, "%s", path);
  if (!S_ISREG(st.st_mode))
    return cd_error_set(err, 0, "%s: not a regular file", path);
  if (st.st_size > CONFIG_MAX_BYTES)
    return cd_error_set(err, 0, "%s: larger than %d bytes", path, CONFIG_MAX_BYTES);
  _cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
  if (!buf)
    return cd_error_oom(err);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return cd_error_set(err, errno, "reading %s", path);
    if (n == 0)
      break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  *text = CD_TAKE(buf);
  *len = got;
  return 0;
}

int cd_config_load(cd_policy *policy, const char *file, const char *profile,
                   char *const envp[], cordon_error *err) {
  extern char **environ;
  if (!envp)
    envp = environ;
  _cleanup_free_ char *default_path = NULL;
  if (!file) {
    const char *xdg = cd_env_get(envp, "XDG_CONFIG_HOME");
    const char *home = cd_env_get(envp, "HOME");
    if (xdg && xdg[0] == '/')
      default_path = cd_path_join(xdg, "cordon/config.toml");
    else if (home && home[0] == '/')
      default_path = cd_path_join(home, ".config/cordon/config.toml");
    if (!default_path || access(default_path, F_OK) < 0) {
      if (profile)
        return cd_error_set(err, 0, "--profile %s: no config file (%s)", profile,
                            default_path ? default_path : "no home directory");
      return 0; /* no config: the built-in defaults */
    }
    file = default_path;
  }
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (read_config(file, &text, &len, err) < 0)
    return -1;
  return cd_config_apply_text(policy, text, len, file, profile, err);
}

int cordon_policy_load_config(cordon_policy *policy, const char *file, const char *profile,
                              cordon_error *err) {
  return cd_config_load(policy, file, profile, NULL, err);
}
