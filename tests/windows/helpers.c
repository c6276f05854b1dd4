#include "helpers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

cd_plan *plan_new(cd_mode mode, cd_network_mode net, const char *cwd) {
  cd_plan *plan = calloc(1, sizeof *plan);
  assert_non_null(plan);
  plan->mode = mode;
  plan->cwd = strdup(cwd);
  plan->network.mode = net;
  return plan;
}

static int by_path(const void *a, const void *b) {
  return strcmp(((const cd_plan_path *)a)->path, ((const cd_plan_path *)b)->path);
}

void plan_add(cd_plan *plan, const char *path, cd_plan_kind kind, bool is_dir) {
  plan->paths = realloc(plan->paths, (plan->n_paths + 1) * sizeof *plan->paths);
  assert_non_null(plan->paths);
  plan->paths[plan->n_paths++] =
      (cd_plan_path){.path = strdup(path), .kind = kind, .is_dir = is_dir};
  qsort(plan->paths, plan->n_paths, sizeof *plan->paths, by_path);
}

void plan_add_proxy_port(cd_plan *plan, uint16_t port) {
  cd_plan_network *n = &plan->network;
  n->proxy_ports = realloc(n->proxy_ports, (n->n_proxy_ports + 1) * sizeof *n->proxy_ports);
  assert_non_null(n->proxy_ports);
  n->proxy_ports[n->n_proxy_ports++] = port;
}

void caps_fixed(cd_win_cap_sids *caps, const char *root) {
  *caps = (cd_win_cap_sids){0};
  strcpy(caps->sid[CD_WIN_CAP_GENERIC], SID_GENERIC);
  strcpy(caps->sid[CD_WIN_CAP_READONLY], SID_READONLY);
  if (root) {
    strcpy(caps->sid[CD_WIN_CAP_WORKSPACE], SID_WORKSPACE);
    caps->workspace_root = strdup(root);
  }
}

static const char *type_name(cd_win_ace_type t) { return t == CD_WIN_ACE_ALLOW ? "allow" : "deny"; }

static void describe(const cd_win_ace *a, char *buf, size_t size) {
  snprintf(buf, size, "%s %s/%s mask 0x%08x inherit %u%s %s on %s", type_name(a->type),
           a->trustee == CD_WIN_TRUSTEE_CAP ? "cap" : "group", cd_win_cap_name(a->cap),
           (unsigned)a->mask, (unsigned)a->inheritance, a->deferred ? " deferred" : "",
           cd_win_ace_why_name(a->why), a->path);
}

void assert_aces(const cd_win_ace *aces, size_t n, const ace_want *want, size_t n_want) {
  char got[512], wanted[512];
  for (size_t i = 0; i < n || i < n_want; i++) {
    if (i >= n)
      fail_msg("ACE %zu missing", i);
    describe(&aces[i], got, sizeof got);
    if (i >= n_want)
      fail_msg("ACE %zu unexpected: %s", i, got);
    cd_win_ace w = {.path = (char *)want[i].path,
                    .type = want[i].type,
                    .trustee = want[i].trustee,
                    .cap = want[i].trustee == CD_WIN_TRUSTEE_CAP ? want[i].cap : aces[i].cap,
                    .mask = want[i].mask,
                    .inheritance = want[i].inheritance,
                    .deferred = want[i].deferred,
                    .why = want[i].why};
    describe(&w, wanted, sizeof wanted);
    if (strcmp(got, wanted) != 0)
      fail_msg("ACE %zu:\n  got  %s\n  want %s", i, got, wanted);
    /* The SID is the one of the role, the group carries none. */
    if (aces[i].trustee == CD_WIN_TRUSTEE_CAP) {
      const char *sid = aces[i].cap == CD_WIN_CAP_GENERIC     ? SID_GENERIC
                        : aces[i].cap == CD_WIN_CAP_WORKSPACE ? SID_WORKSPACE
                                                              : SID_READONLY;
      assert_string_equal(aces[i].sid, sid);
    } else {
      assert_string_equal(aces[i].sid, "");
    }
  }
}

size_t count_aces(const cd_win_ace *aces, size_t n, const char *path, cd_win_ace_type type) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    count += strcmp(aces[i].path, path) == 0 && aces[i].type == type;
  return count;
}

int counting_random(void *buf, size_t len, void *ctx, cordon_error *err) {
  unsigned char *next = ctx, *out = buf;
  for (size_t i = 0; i < len; i++)
    out[i] = (*next)++;
  return 0;
}

void tree_make(char out[4096]) {
  char tmpl[] = "/var/tmp/cordon-winlower-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  assert_non_null(realpath(tmpl, out));
}

const char *tree_at(const char *root, const char *rel) {
  static char bufs[8][4096];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, 4096, "%.2000s/%.2000s", root, rel);
  return b;
}

void tree_mkdirs(const char *root, const char *rel) {
  char path[4096];
  snprintf(path, sizeof path, "%s", tree_at(root, rel));
  for (char *c = path + strlen(root) + 1;; c++) {
    if (*c == '/' || *c == '\0') {
      char saved = *c;
      *c = '\0';
      assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
      *c = saved;
      if (!saved)
        break;
    }
  }
}

void tree_write(const char *root, const char *rel, const char *text) {
  FILE *f = fopen(tree_at(root, rel), "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

char *tree_read(const char *root, const char *rel) {
  FILE *f = fopen(tree_at(root, rel), "r");
  if (!f)
    return NULL;
  char *text = calloc(1, 65536);
  assert_non_null(text);
  size_t n = fread(text, 1, 65535, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

void tree_remove(const char *root) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  assert_int_equal(system(cmd), 0);
}
