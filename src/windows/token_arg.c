/* The token spec as one command-line word, for the runner (cd_win_token_encode). */
#include "windows/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* Every flag the lowering may set; anything else is refused. */
#define KNOWN_FLAGS (CD_WIN_DISABLE_MAX_PRIVILEGE | CD_WIN_LUA_TOKEN | CD_WIN_WRITE_RESTRICTED)

static int append(char *out, size_t *len, const char *s, cordon_error *err) {
  size_t n = strlen(s);
  if (*len + n + 1 > CD_WIN_TOKEN_ARG_MAX)
    return cd_error_set(err, 0, "token spec: longer than %d bytes", CD_WIN_TOKEN_ARG_MAX);
  memcpy(out + *len, s, n + 1);
  *len += n;
  return 0;
}

int cd_win_token_encode(const cd_win_token *t, const char *user,
                        char out[CD_WIN_TOKEN_ARG_MAX], cordon_error *err) {
  size_t len = 0;
  char item[16 + CD_WIN_SID_MAX];
  snprintf(item, sizeof item, "%x", (unsigned)t->flags);
  out[0] = '\0';
  if (append(out, &len, item, err) < 0)
    return -1;
  for (size_t i = 0; i < t->n_sids && i < CD_WIN_TOKEN_SIDS_MAX; i++) {
    const cd_win_token_sid *s = &t->sids[i];
    switch (s->kind) {
    case CD_WIN_TOKEN_LOGON: snprintf(item, sizeof item, ",logon"); break;
    case CD_WIN_TOKEN_EVERYONE: snprintf(item, sizeof item, ",everyone"); break;
    case CD_WIN_TOKEN_CAP:
      snprintf(item, sizeof item, ",%s:%s", cd_win_cap_name(s->cap), s->sid);
      break;
    case CD_WIN_TOKEN_SANDBOX_USER:
      snprintf(item, sizeof item, ",user:%s", user ? user : "");
      break;
    }
    if (append(out, &len, item, err) < 0)
      return -1;
  }
  /* One set of rules: what is sent is exactly what the runner will accept. */
  cd_win_token check;
  const char *check_user;
  return cd_win_token_decode(out, &check, &check_user, err);
}

/* The identities a runner may name: the sandbox users and nothing else. */
static const char *sandbox_user(const char *name) {
  if (strcmp(name, CD_WIN_USER_OFFLINE) == 0)
    return CD_WIN_USER_OFFLINE;
  if (strcmp(name, CD_WIN_USER_ONLINE) == 0)
    return CD_WIN_USER_ONLINE;
  return NULL;
}

static int decode_sid(char *item, cd_win_token *out, const char **user, cordon_error *err) {
  cd_win_token_sid *s = &out->sids[out->n_sids];
  *s = (cd_win_token_sid){0};
  char *colon = strchr(item, ':');
  if (colon)
    *colon++ = '\0';
  if (strcmp(item, "logon") == 0 && !colon) {
    s->kind = CD_WIN_TOKEN_LOGON;
  } else if (strcmp(item, "everyone") == 0 && !colon) {
    s->kind = CD_WIN_TOKEN_EVERYONE;
    snprintf(s->sid, sizeof s->sid, "%s", CD_WIN_SID_EVERYONE);
  } else if (strcmp(item, "user") == 0 && colon) {
    /* Only a sandbox user: token.c then checks it is the runner's own user. */
    if (*user || !(*user = sandbox_user(colon)))
      return cd_error_set(err, 0, "token spec: user \"%s\" is not a sandbox user "
                                       "(or named twice)", colon);
    s->kind = CD_WIN_TOKEN_SANDBOX_USER;
  } else {
    cd_win_cap cap = 0;
    while (cap < CD_WIN_CAP_COUNT && strcmp(item, cd_win_cap_name(cap)) != 0)
      cap++;
    /* A capability SID must have the form cordon generates: a well-known SID
     * (Users, Authenticated Users, ...) as a restricting SID would open every
     * object that grants it write access. */
    if (cap == CD_WIN_CAP_COUNT || !colon || !cd_win_cap_sid_valid(colon))
      return cd_error_set(err, 0, "token spec: bad entry \"%s%s%s\"", item,
                          colon ? ":" : "", colon ? colon : "");
    s->kind = CD_WIN_TOKEN_CAP;
    s->cap = cap;
    snprintf(s->sid, sizeof s->sid, "%s", colon);
  }
  out->n_sids++;
  return 0;
}

int cd_win_token_decode(const char *arg, cd_win_token *out, const char **user,
                        cordon_error *err) {
  *out = (cd_win_token){0};
  *user = NULL;
  if (strlen(arg) >= CD_WIN_TOKEN_ARG_MAX)
    return cd_error_set(err, 0, "token spec: longer than %d bytes", CD_WIN_TOKEN_ARG_MAX);
  char buf[CD_WIN_TOKEN_ARG_MAX];
  snprintf(buf, sizeof buf, "%s", arg);
  char *item = buf, *next = strchr(item, ',');
  if (next)
    *next++ = '\0';
  char *end = NULL;
  unsigned long flags = strtoul(item, &end, 16);
  /* DISABLE_MAX_PRIVILEGE is required: backup, restore and take-ownership
   * privileges would each bypass every ACL the sandbox relies on. */
  if (!*item || *end || (flags & ~(unsigned long)KNOWN_FLAGS) ||
      !(flags & CD_WIN_DISABLE_MAX_PRIVILEGE))
    return cd_error_set(err, 0, "token spec: bad flags in \"%s\"", arg);
  out->flags = (uint32_t)flags;
  while ((item = next)) {
    if ((next = strchr(item, ',')))
      *next++ = '\0';
    if (out->n_sids == CD_WIN_TOKEN_SIDS_MAX)
      return cd_error_set(err, 0, "token spec: more than %d restricting SIDs",
                          CD_WIN_TOKEN_SIDS_MAX);
    if (decode_sid(item, out, user, err) < 0)
      return -1;
  }
  /* No restricting SID would leave the token unrestricted: refuse, never widen. */
  if (out->n_sids == 0)
    return cd_error_set(err, 0, "token spec: no restricting SID in \"%s\"", arg);
  return 0;
}
