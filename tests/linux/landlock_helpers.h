/* Shared by the Landlock tests (test_landlock_lower.c, test_landlock_enforce.c):
 * plans written by hand, lowering that must succeed, rule lookups, and the tree
 * the enforcement tests work in. They fail the current cmocka test on error. */
#ifndef CORDON_TESTS_LANDLOCK_HELPERS_H
#define CORDON_TESTS_LANDLOCK_HELPERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/landlock.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The tree the enforcement tests work in; relative plan paths are below it. */
extern char root[PATH_MAX];

/* ROOT/REL, or REL itself when it is absolute (from one of a few static buffers). */
char *at(const char *rel);

typedef struct entry {
  cd_plan_kind kind;
  const char *path; /* absolute, or relative to ROOT */
  bool file;
} entry;

/* A workspace-write plan of ENTRIES (terminated by a NULL path), sorted like the
 * resolver sorts. */
cd_plan *plan_new(cd_network_mode net, const entry *entries);

/* Make PLAN's network the proxy at PORTS. */
void set_proxy(cd_plan *plan, const uint16_t *ports, size_t n, bool local_binding);

/* Lower PLAN into *RS, which must work. */
void lower_ok(const cd_plan *plan, int abi, bool namespaced, cd_landlock_ruleset *rs);

/* The rule of RS for PATH, or NULL. */
const cd_landlock_path_rule *rule_for(const cd_landlock_ruleset *rs, const char *path);

/* The tree the enforcement tests work in, as cmocka setup and teardown: ROOT, a
 * fresh directory holding ro/, rw/ (with sub/), rw2/ and out/, small files in
 * them and copies of /bin/true as ro/true, rw/true and out/true. */
int tree_create(void **state);
int tree_remove(void **state);

/* A file in the host's /dev/shm, named after the tree so tree_remove finds it. */
const char *shm_path(void);

#endif
