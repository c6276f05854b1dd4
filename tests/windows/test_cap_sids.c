/* The capability SID store: created once, reloaded from disk, never regenerated
 * behind the user's back, refused with FILE:LINE when damaged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "helpers.h"

static char root[4096];

static int setup(void **state) {
  tree_make(root);
  return 0;
}

static int teardown(void **state) {
  tree_remove(root);
  return 0;
}

static void get_ok(const char *workspace, cd_win_cap_sids *caps) {
  cordon_error err = {0};
  if (cd_win_cap_sids_get(tree_at(root, "home"), workspace, cd_win_random_os, NULL, caps, &err) < 0)
    fail_msg("%s", err.message);
}

static void get_fails(const char *workspace, const char *needle) {
  cd_win_cap_sids caps;
  cordon_error err = {0};
  assert_int_equal(
      cd_win_cap_sids_get(tree_at(root, "home"), workspace, cd_win_random_os, NULL, &caps, &err),
      -1);
  if (!strstr(err.message, needle))
    fail_msg("error '%s' does not contain '%s'", err.message, needle);
  assert_null(strchr(err.message, '\n'));
  assert_null(caps.workspace_root);
}

static void test_created_once(void **state) {
  cd_win_cap_sids a, b;
  get_ok(NULL, &a); /* creates home/ and the file */
  char *text = tree_read(root, "home/cap_sids");
  assert_non_null(text);
  assert_memory_equal(text, "cordon-cap-sids 1\ngeneric S-1-5-21-", 35);
  assert_true(cd_win_cap_sid_valid(a.sid[CD_WIN_CAP_GENERIC]));
  assert_true(cd_win_cap_sid_valid(a.sid[CD_WIN_CAP_READONLY]));
  assert_string_not_equal(a.sid[CD_WIN_CAP_GENERIC], a.sid[CD_WIN_CAP_READONLY]);
  assert_string_equal(a.sid[CD_WIN_CAP_WORKSPACE], "");
  assert_null(a.workspace_root);
  get_ok(NULL, &b); /* loaded, not regenerated */
  assert_string_equal(a.sid[CD_WIN_CAP_GENERIC], b.sid[CD_WIN_CAP_GENERIC]);
  assert_string_equal(a.sid[CD_WIN_CAP_READONLY], b.sid[CD_WIN_CAP_READONLY]);
  char *again = tree_read(root, "home/cap_sids");
  assert_string_equal(text, again);
  free(text);
  free(again);
}

static void test_workspaces(void **state) {
  cd_win_cap_sids a, a2, b;
  get_ok("/src/a", &a);
  get_ok("/src/b", &b);
  get_ok("/src/a", &a2); /* reloaded from disk */
  /* Two workspaces, two SIDs; the same workspace, the same SID. */
  assert_string_not_equal(a.sid[CD_WIN_CAP_WORKSPACE], b.sid[CD_WIN_CAP_WORKSPACE]);
  assert_string_equal(a.sid[CD_WIN_CAP_WORKSPACE], a2.sid[CD_WIN_CAP_WORKSPACE]);
  assert_string_not_equal(a.sid[CD_WIN_CAP_WORKSPACE], a.sid[CD_WIN_CAP_GENERIC]);
  assert_string_equal(a.sid[CD_WIN_CAP_GENERIC], b.sid[CD_WIN_CAP_GENERIC]);
  assert_string_equal(a2.workspace_root, "/src/a");
  /* One line per workspace: the second lookup appended nothing. */
  char *text = tree_read(root, "home/cap_sids");
  char line[256];
  snprintf(line, sizeof line, "workspace %s /src/a\n", a.sid[CD_WIN_CAP_WORKSPACE]);
  char *first = strstr(text, line);
  assert_non_null(first);
  assert_null(strstr(first + strlen(line), "/src/a"));
  free(text);
  cd_win_cap_sids_clear(&a);
  cd_win_cap_sids_clear(&a2);
  cd_win_cap_sids_clear(&b);
}

static void test_path_with_spaces(void **state) {
  cd_win_cap_sids a, a2;
  get_ok("C:\\Users\\Jane Doe\\src\\my project", &a);
  get_ok("C:\\Users\\Jane Doe\\src\\my project", &a2);
  assert_string_equal(a.sid[CD_WIN_CAP_WORKSPACE], a2.sid[CD_WIN_CAP_WORKSPACE]);
  cd_win_cap_sids_clear(&a);
  cd_win_cap_sids_clear(&a2);
}

static void test_first_line_wins(void **state) {
  /* Two runs appended the same new workspace at once: both use the first line. */
  tree_mkdirs(root, "home");
  tree_write(root, "home/cap_sids",
             "cordon-cap-sids 1\ngeneric S-1-5-21-1-2-3-1\nreadonly S-1-5-21-1-2-3-2\n"
             "workspace S-1-5-21-1-2-3-3 /w\nworkspace S-1-5-21-1-2-3-4 /w\n");
  cd_win_cap_sids a;
  get_ok("/w", &a);
  assert_string_equal(a.sid[CD_WIN_CAP_WORKSPACE], "S-1-5-21-1-2-3-3");
  cd_win_cap_sids_clear(&a);
}

/* A damaged store: an error naming FILE:LINE, and the file left as it was. */
static void corrupt(const char *text, const char *needle) {
  tree_mkdirs(root, "home");
  tree_write(root, "home/cap_sids", text);
  char want[4200];
  snprintf(want, sizeof want, "%s:%s", tree_at(root, "home/cap_sids"), needle);
  get_fails("/w", want);
  char *after = tree_read(root, "home/cap_sids");
  assert_string_equal(after, text);
  free(after);
}

#define HEAD "cordon-cap-sids 1\ngeneric S-1-5-21-1-2-3-1\nreadonly S-1-5-21-1-2-3-2\n"

static void test_corrupt(void **state) {
  corrupt("", "1: missing the version line");
  corrupt("cordon-cap-sids 2\n", "1: version '2' is not supported");
  corrupt("hello\n", "1: not a cap_sids file");
  corrupt("cordon-cap-sids 1\ngeneric S-1-5-21-1-2-3-1\n", "3: missing the readonly line");
  corrupt("cordon-cap-sids 1\ngeneric S-1-1-0\nreadonly S-1-5-21-1-2-3-2\n",
          "2: 'S-1-1-0' is not a cordon capability SID");
  corrupt("cordon-cap-sids 1\nreadonly S-1-5-21-1-2-3-2\n", "2: expected 'generic SID'");
  corrupt(HEAD "workspace S-1-5-21-1-2-3-1 /w\n",
          "4: SID S-1-5-21-1-2-3-1 is already used on line 2");
  corrupt(HEAD "workspace S-1-5-21-1-2-3-5 /w", "4: truncated line");
  corrupt(HEAD "workspace S-1-5-21-1-2-3-5\n", "4: expected 'workspace SID PATH'");
  corrupt(HEAD "workspace S-1-5-21-1-2-3-5 /w\r\n", "4: carriage return");
  corrupt(HEAD "\n", "4: expected 'workspace SID'");
  corrupt("cordon-cap-sids 1\ngeneric S-1-5-21-1-2-3-1 extra\nreadonly S-1-5-21-1-2-3-2\n",
          "2: unexpected text after the SID");
}

static void test_corrupt_never_regenerated(void **state) {
  corrupt(HEAD "workspace junk /w\n", "4: 'junk' is not a cordon capability SID");
  /* The message says what to do. */
  tree_write(root, "home/cap_sids", HEAD "workspace junk /w\n");
  get_fails(NULL, "fix or delete the file; it is never regenerated");
}

static void test_store_inside_workspace_refused(void **state) {
  cd_win_cap_sids caps;
  cordon_error err = {0};
  assert_int_equal(cd_win_cap_sids_get(tree_at(root, "ws/.cordon"), tree_at(root, "ws"),
                                       cd_win_random_os, NULL, &caps, &err),
                   -1);
  assert_non_null(strstr(err.message, "inside the workspace"));
  assert_null(tree_read(root, "ws/.cordon/cap_sids"));
}

static void test_line_break_in_root_refused(void **state) {
  get_fails("/w\nworkspace S-1-5-21-1-2-3-9 /x", "a line break in the path cannot be stored");
}

static int failing_random(void *buf, size_t len, void *ctx, cordon_error *err) {
  return cd_error_set(err, 0, "no entropy");
}

static void test_random_failure(void **state) {
  cd_win_cap_sids caps;
  cordon_error err = {0};
  assert_int_equal(
      cd_win_cap_sids_get(tree_at(root, "home"), NULL, failing_random, NULL, &caps, &err), -1);
  assert_string_equal(err.message, "generating a capability SID: no entropy");
  assert_null(tree_read(root, "home/cap_sids"));
}

static void test_generate(void **state) {
  unsigned char next = 1;
  char sid[CD_WIN_SID_MAX];
  cordon_error err = {0};
  assert_int_equal(cd_win_cap_sid_generate(counting_random, &next, sid, &err), 0);
  /* Bytes 01 02 03 04 | 05.. little-endian: 0x04030201 = 67305985, ... */
  assert_string_equal(sid, "S-1-5-21-67305985-134678021-202050057-269422093");
  assert_true(cd_win_cap_sid_valid(sid));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_created_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_workspaces, setup, teardown),
      cmocka_unit_test_setup_teardown(test_path_with_spaces, setup, teardown),
      cmocka_unit_test_setup_teardown(test_first_line_wins, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_never_regenerated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_inside_workspace_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_line_break_in_root_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_random_failure, setup, teardown),
      cmocka_unit_test(test_generate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
