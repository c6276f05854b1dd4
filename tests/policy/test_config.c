/* Config loader tests: TOML text -> policy, and every error with its position. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/config.h"

static int load(cd_policy *p, const char *text, const char *profile, cordon_error *err) {
  cd_policy_init(p);
  return cd_config_apply_text(p, text, strlen(text), "cfg.toml", profile, err);
}

static void expect_error(const char *text, const char *profile, const char *needle) {
  cd_policy p;
  cordon_error err = {0};
  int r = load(&p, text, profile, &err);
  cd_policy_clear(&p);
  if (r == 0)
    fail_msg("config accepted, expected an error containing '%s'", needle);
  if (!strstr(err.message, needle))
    fail_msg("error '%s' does not contain '%s'", err.message, needle);
}

static const char full[] = "default_profile = \"work\"\n"
                           "[profiles.work]\n"
                           "mode = \"read-only\"\n"
                           "network = \"proxy\"\n"
                           "proxy_ports = [3128, 8080, 3128]\n"
                           "allow_local_binding = true\n"
                           "writable_roots = [\"~/cache\", \"/var/tmp/x\"]\n"
                           "protected_names = [\".env\"]\n"
                           "keep_env = [\"SSH_AUTH_SOCK\"]\n"
                           "[profiles.work.filesystem]\n"
                           "\"./docs\" = \"read\"\n"
                           "\":home/.cache\" = \"none\"\n"
                           "[profiles.other]\n"
                           "mode = \"danger-full-access\"\n";

static void test_full_profile(void **state) {
  cd_policy p;
  cordon_error err = {0};
  assert_int_equal(load(&p, full, NULL, &err), 0);
  assert_int_equal(p.mode, CD_MODE_READ_ONLY);
  assert_int_equal(p.network, CD_NET_PROXY);
  assert_true(p.network_set);
  assert_int_equal(p.n_proxy_ports, 2);
  assert_int_equal(p.proxy_ports[0], 3128);
  assert_int_equal(p.proxy_ports[1], 8080);
  assert_true(p.allow_local_binding);
  assert_int_equal(p.n_entries, 4);
  assert_string_equal(p.entries[0].path, "~/cache");
  assert_int_equal(p.entries[0].access, CD_ACCESS_WRITE);
  assert_int_equal(p.entries[0].layer, CD_LAYER_CONFIG);
  assert_string_equal(p.entries[0].source, "cfg.toml:7:19");
  assert_string_equal(p.entries[2].path, "./docs");
  assert_int_equal(p.entries[2].access, CD_ACCESS_READ);
  assert_string_equal(p.entries[3].path, ":home/.cache");
  assert_int_equal(p.entries[3].access, CD_ACCESS_NONE);
  assert_true(cd_strv_contains(&p.protected_names, ".env"));
  assert_true(cd_strv_contains(&p.keep_env, "SSH_AUTH_SOCK"));
  cd_policy_clear(&p);
}

static void test_profile_selection(void **state) {
  cd_policy p;
  cordon_error err = {0};
  assert_int_equal(load(&p, full, "other", &err), 0); /* --profile beats default_profile */
  assert_int_equal(p.mode, CD_MODE_DANGER_FULL_ACCESS);
  assert_int_equal(p.n_entries, 0);
  cd_policy_clear(&p);
  const char *implicit = "[profiles.default]\nmode = \"read-only\"\n[profiles.x]\n";
  assert_int_equal(load(&p, implicit, NULL, &err), 0);
  assert_int_equal(p.mode, CD_MODE_READ_ONLY);
  cd_policy_clear(&p);
  /* No default: the built-in policy. */
  assert_int_equal(load(&p, "[profiles.x]\nmode = \"read-only\"\n", NULL, &err), 0);
  assert_int_equal(p.mode, CD_MODE_WORKSPACE_WRITE);
  assert_false(p.network_set);
  cd_policy_clear(&p);
  assert_int_equal(load(&p, "", NULL, &err), 0);
  cd_policy_clear(&p);
}

static void test_errors_name_the_position(void **state) {
  expect_error(full, "nope", "cfg.toml: no profile 'nope'");
  expect_error("default_profile = \"gone\"\n", NULL, "cfg.toml:1:19: default_profile names no");
  expect_error("mode = \"read-only\"\n", NULL, "cfg.toml:1:1: unknown key 'mode'");
  expect_error("[profiles.a]\nmode = \"read-only\"\nnetwrok = \"online\"\n", "a",
               "cfg.toml:3:1: unknown key 'netwrok'");
  expect_error("[profiles.a]\nmode = \"sideways\"\n", "a", "cfg.toml:2:8: mode must be");
  expect_error("[profiles.a]\nmode = 3\n", "a", "cfg.toml:2:8: 'mode' must be a string, not integer");
  expect_error("[profiles.a]\nnetwork = \"wifi\"\n", "a", "cfg.toml:2:11: network must be");
  expect_error("[profiles.a]\nproxy_ports = [0]\n", "a", "cfg.toml:2:16: proxy port not in 1..65535");
  expect_error("[profiles.a]\nproxy_ports = [\"80\"]\n", "a", "must hold integers");
  expect_error("[profiles.a]\nproxy_ports = 80\n", "a", "'proxy_ports' must be an array");
  expect_error("[profiles.a]\nallow_local_binding = \"yes\"\n", "a", "must be true or false");
  expect_error("[profiles.a]\nwritable_roots = [1]\n", "a", "'writable_roots' must be a string");
  expect_error("[profiles.a]\nprotected_names = [\"a/b\"]\n", "a", "one path component");
  expect_error("[profiles.a]\nprotected_names = [\"..\"]\n", "a", "one path component");
  expect_error("[profiles.a]\nkeep_env = [\"A=B\"]\n", "a", "not an environment variable name");
  expect_error("[profiles.a.filesystem]\n\"./x\" = \"rw\"\n", "a",
               "cfg.toml:2:9: access must be");
  expect_error("[profiles.a]\nfilesystem = 1\n", "a", "'filesystem' must be a table");
  expect_error("[profiles.a.filesystem]\n\"./a\\u0000b\" = \"read\"\n", "a",
               "cfg.toml:2:1: a filesystem path contains a NUL byte");
  expect_error("profiles = 1\n", NULL, "'profiles' must be a table");
  expect_error("[profiles]\na = 1\n", "a", "a profile must be a table");
  /* A path with a NUL byte would name something else than what the file says. */
  expect_error("[profiles.a]\nwritable_roots = [\"/tmp\\u0000/etc\"]\n", "a", "contains a NUL byte");
  /* Errors from the TOML parser carry the position too. */
  expect_error("[profiles.a]\nmode = \"read-only\n", "a", "cfg.toml:2:");
}

static void test_hostile_bytes(void **state) {
  cd_policy p;
  cordon_error err = {0};
  const char nul[] = "[profiles.a]\nmode = \"read\0-only\"\n";
  cd_policy_init(&p);
  assert_int_equal(cd_config_apply_text(&p, nul, sizeof nul - 1, "cfg.toml", "a", &err), -1);
  assert_non_null(strstr(err.message, "cfg.toml:2:"));
  cd_policy_clear(&p);
  const char utf8[] = "[profiles.a]\nmode = \"\xff\xfe\"\n";
  assert_int_equal(load(&p, utf8, "a", &err), -1);
  assert_non_null(strstr(err.message, "cfg.toml:2:"));
  cd_policy_clear(&p);
}

static void test_load_file(void **state) {
  char dir[] = "/tmp/cordon-config-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64], env_xdg[96];
  snprintf(path, sizeof path, "%s/cordon", dir);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/cordon/config.toml", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("[profiles.default]\nmode = \"read-only\"\n", f);
  fclose(f);
  snprintf(env_xdg, sizeof env_xdg, "XDG_CONFIG_HOME=%s", dir);
  char *envp[] = {env_xdg, NULL};
  cd_policy p;
  cd_policy_init(&p);
  cordon_error err = {0};
  assert_int_equal(cd_config_load(&p, NULL, NULL, envp, &err), 0);
  assert_int_equal(p.mode, CD_MODE_READ_ONLY);
  cd_policy_clear(&p);
  /* A missing explicit file is an error; a missing default file is not. */
  assert_int_equal(cd_config_load(&p, "/nonexistent/cordon.toml", NULL, envp, &err), -1);
  assert_non_null(strstr(err.message, "No such file"));
  char *empty_env[] = {"XDG_CONFIG_HOME=/nonexistent", NULL};
  assert_int_equal(cd_config_load(&p, NULL, NULL, empty_env, &err), 0);
  assert_int_equal(cd_config_load(&p, NULL, "work", empty_env, &err), -1);
  assert_non_null(strstr(err.message, "--profile work"));
  /* Too large. */
  f = fopen(path, "w");
  assert_non_null(f);
  for (int i = 0; i < 120000; i++)
    fputs("# padding\n", f);
  fclose(f);
  assert_int_equal(cd_config_load(&p, path, NULL, envp, &err), -1);
  assert_non_null(strstr(err.message, "larger than"));
  cd_policy_clear(&p);
  unlink(path);
  snprintf(path, sizeof path, "%s/cordon", dir);
  rmdir(path);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_profile),
      cmocka_unit_test(test_profile_selection),
      cmocka_unit_test(test_errors_name_the_position),
      cmocka_unit_test(test_hostile_bytes),
      cmocka_unit_test(test_load_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
