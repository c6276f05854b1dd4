#include "policy/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/error.h"

char *cd_path_join(const char *dir, const char *name) {
  char *out;
  size_t n = strlen(dir);
  const char *sep = (n > 0 && dir[n - 1] == '/') ? "" : "/";
  if (asprintf(&out, "%s%s%s", dir, sep, name) < 0)
    return NULL;
  return out;
}

void cd_path_normalize_lexically(char *path) {
  bool absolute = path[0] == '/';
  char *out = path, *in = path;
  while (*in) {
    while (*in == '/')
      in++;
    size_t len = strcspn(in, "/");
    if (len == 0)
      break;
    if (len == 1 && in[0] == '.') {
      in += len;
      continue;
    }
    if (len == 2 && in[0] == '.' && in[1] == '.') {
      char *slash = out > path ? memrchr(path, '/', (size_t)(out - path)) : NULL;
      out = slash ? slash : path;
      in += len;
      continue;
    }
    if (out > path || absolute)
      *out++ = '/';
    memmove(out, in, len);
    out += len;
    in += len;
  }
  if (out == path && absolute)
    *out++ = '/';
  *out = '\0';
}

int cd_path_canonicalize(const char *path, char **out, bool *exists, cordon_error *err) {
  if (path[0] != '/')
    return cd_error_set(err, 0, "'%s' is not an absolute path", path);
  if (strlen(path) >= PATH_MAX)
    return cd_error_set(err, ENAMETOOLONG, "'%.64s...'", path);

  _cleanup_free_ char *prefix = strdup(path);
  if (!prefix)
    return cd_error_oom(err);

  /* Find the longest prefix that exists, by cutting components off the end. */
  char *resolved = NULL;
  size_t cut = strlen(prefix);
  for (;;) {
    resolved = realpath(prefix, NULL);
    if (resolved)
      break;
    if (errno == ELOOP)
      return cd_error_set(err, ELOOP, "resolving '%s'", path);
    if (errno == ENOTDIR)
      return cd_error_set(err, ENOTDIR, "resolving '%s'", path);
    if (errno != ENOENT)
      return cd_error_set(err, errno, "resolving '%s'", path);
    /* A name that lstat finds but realpath does not is a dangling symlink:
     * creating a carveout there would follow it somewhere else. */
    struct stat st;
    if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode))
      return cd_error_set(err, 0, "'%s' is a dangling symlink", prefix);
    char *slash = strrchr(prefix, '/');
    if (!slash)
      return cd_error_set(err, ENOENT, "resolving '%s'", path);
    *slash = '\0';
    cut = (size_t)(slash - prefix);
    if (cut == 0) {
      resolved = strdup("/");
      if (!resolved)
        return cd_error_oom(err);
      break;
    }
  }
  _cleanup_free_ char *base = resolved;

  /* Append the missing tail, component by component. */
  const char *tail = path + cut;
  size_t cap = strlen(base) + strlen(tail) + 2;
  _cleanup_free_ char *result = malloc(cap);
  if (!result)
    return cd_error_oom(err);
  strcpy(result, base);
  bool missing = false;
  while (*tail) {
    while (*tail == '/')
      tail++;
    size_t len = strcspn(tail, "/");
    if (len == 0)
      break;
    if (len == 1 && tail[0] == '.') {
      tail += len;
      continue;
    }
    if (len == 2 && tail[0] == '.' && tail[1] == '.')
      return cd_error_set(err, 0, "'%s': '..' after a component that does not exist", path);
    missing = true;
    size_t rlen = strlen(result);
    if (rlen > 1)
      result[rlen++] = '/';
    memcpy(result + rlen, tail, len);
    result[rlen + len] = '\0';
    tail += len;
  }
  if (strlen(result) >= PATH_MAX)
    return cd_error_set(err, ENAMETOOLONG, "'%.64s...'", path);
  *exists = !missing;
  *out = CD_TAKE(result);
  return 0;
}
