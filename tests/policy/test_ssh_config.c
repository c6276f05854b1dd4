/* ssh-config scanner tests: each builds real config files in a fresh temporary home
 * and checks exactly which paths are collected, in order. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/ssh_config.h"

#define MiB (1024 * 1024)
#define KiB 1024

static char home[PATH_MAX]; /* canonical */

/* HOME/REL, in one of a ring of buffers so that a call can take several. */
static const char *H(const char *rel) {
  static char bufs[32][PATH_MAX];
  static int next;
  char *b = bufs[next++ % 32];
  snprintf(b, PATH_MAX, "%.1024s/%.1024s", home, rel);
  return b;
}

static void write_bytes(const char *rel, const char *data, size_t len) {
  FILE *f = fopen(H(rel), "w");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void write_file(const char *rel, const char *text) {
  write_bytes(rel, text, strlen(text));
}

static void make_dir(const char *rel) { assert_int_equal(mkdir(H(rel), 0755), 0); }

static int setup(void **state) {
  char tmpl[] = "/tmp/cordon-ssh-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  assert_non_null(realpath(tmpl, home));
  make_dir(".ssh");
  return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  return remove(path);
}

static int teardown(void **state) {
  assert_int_equal(nftw(home, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
  return 0;
}

/* Scan HOME/.ssh/config; returns what cd_ssh_config_collect returned. */
static int collect(cd_strv *out, cordon_error *err) {
  *out = (cd_strv){0};
  *err = (cordon_error){0};
  return cd_ssh_config_collect(H(".ssh/config"), home, out, err);
}

/* OUT holds exactly the NULL-terminated list of paths that follows, in order. */
static void assert_paths(cd_strv *out, ...) {
  va_list ap;
  va_start(ap, out);
  size_t i = 0;
  for (const char *want; (want = va_arg(ap, const char *)); i++) {
    if (i >= out->len)
      fail_msg("missing path %zu: %s", i, want);
    assert_string_equal(out->items[i], want);
  }
  va_end(ap);
  if (i != out->len)
    fail_msg("unexpected path %zu: %s", i, out->items[i]);
  cd_strv_free(out);
}

/* Scan HOME/.ssh/config, which must succeed, and check the paths as assert_paths. */
#define assert_collects(...)                                                         \
  do {                                                                               \
    cd_strv out_;                                                                    \
    cordon_error err_;                                                               \
    if (collect(&out_, &err_) != 0)                                                  \
      fail_msg("collect failed: %s", err_.message);                                  \
    assert_paths(&out_, __VA_ARGS__, NULL);                                          \
  } while (0)

/* Scan HOME/.ssh/config, which must fail with exactly MESSAGE. */
static void assert_collect_fails(const char *message) {
  cd_strv out;
  cordon_error err;
  assert_int_equal(collect(&out, &err), -1);
  assert_string_equal(err.message, message);
  cd_strv_free(&out);
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
  static char bufs[4][2 * PATH_MAX];
  static int next;
  char *b = bufs[next++ % 4];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b, sizeof bufs[0], fmt, ap);
  va_end(ap);
  return b;
}

static void test_missing_config(void **state) {
  cd_strv out;
  cordon_error err;
  assert_int_equal(collect(&out, &err), 0);
  assert_paths(&out, NULL);
  assert_int_equal(rmdir(H(".ssh")), 0);
  assert_int_equal(collect(&out, &err), 0);
  assert_paths(&out, NULL);
  assert_int_equal(mkdir(H(".ssh"), 0755), 0);
}

static void test_every_keyword_in_every_block(void **state) {
  write_file(".ssh/config", "IdentityFile ~/.ssh/id_default\n"
                            "Host example\n"
                            "  HostName example.com\n"
                            "  IdentityFile ~/.ssh/id_example\n"
                            "  IdentityFile2 ~/.ssh/id_old\n"
                            "  CertificateFile ~/.ssh/id_example-cert.pub\n"
                            "Match host *.corp exec \"true\"\n"
                            "  UserKnownHostsFile ~/.ssh/known_corp\n"
                            "  GlobalKnownHostsFile /etc/ssh/corp_known\n"
                            "  RevokedHostKeys ~/.ssh/revoked\n"
                            "  ControlPath ~/.ssh/sockets/corp\n"
                            "  IdentityAgent ~/.1password/agent.sock\n"
                            "  ProxyCommand ssh -W %h:%p bastion\n"
                            "  LocalForward 8080 localhost:80\n");
  assert_collects(H(".ssh/config"), H(".ssh/id_default"), H(".ssh/id_example"),
                  H(".ssh/id_old"), H(".ssh/id_example-cert.pub"), H(".ssh/known_corp"),
                  "/etc/ssh/corp_known", H(".ssh/revoked"), H(".ssh/sockets/corp"),
                  H(".1password/agent.sock"));
}

static void test_case_and_equals(void **state) {
  write_file(".ssh/config", "identityfile ~/.ssh/a\n"
                            "IDENTITYFILE=~/.ssh/b\n"
                            "  IdentityFile = ~/.ssh/c\n"
                            "\tcErTiFiCaTeFiLe =~/.ssh/d\n"
                            "ControlPath= ~/.ssh/e\n"
                            "IdentityFile==~/.ssh/f\n");
  /* ssh skips one '=' only: the second is part of the value. */
  assert_collects(H(".ssh/config"), H(".ssh/a"), H(".ssh/b"), H(".ssh/c"), H(".ssh/d"),
                  H(".ssh/e"), H("=~/.ssh/f"));
}

static void test_quoted_arguments(void **state) {
  write_file(".ssh/config", "IdentityFile \"~/.ssh/my key\"\n"
                            "IdentityFile '~/Keys/work key'\n"
                            "IdentityFile ~/.ssh/back\\ slash\n"
                            "IdentityFile ~/.ssh/mid\"dle quo\"te\n"
                            "IdentityFile \"~/.ssh/esc\\\"aped\"\n"
                            "\"IdentityFile\" ~/.ssh/quoted_keyword\n"
                            "UserKnownHostsFile \"~/.ssh/kh one\" ~/.ssh/kh2\n");
  assert_collects(H(".ssh/config"), H(".ssh/my key"), H("Keys/work key"),
                  H(".ssh/back slash"), H(".ssh/middle quote"), H(".ssh/esc\"aped"),
                  H(".ssh/quoted_keyword"), H(".ssh/kh one"), H(".ssh/kh2"));
}

static void test_unterminated_quote(void **state) {
  /* Only a directive that names files matters, and ssh skips a line whose keyword
   * is the one left open. */
  write_file(".ssh/config", "Host \"unterminated\n"
                            "\"IdentityFile ~/.ssh/skipped\n"
                            "IdentityFile ~/.ssh/ok\n"
                            "IdentityFile \"~/.ssh/unterminated\n");
  assert_collect_fails(format("%s:4: unterminated quote", H(".ssh/config")));
}

static void test_comments_and_blank_lines(void **state) {
  write_file(".ssh/config", "# IdentityFile ~/.ssh/commented\n"
                            "\n"
                            "   \t \n"
                            "  # indented comment\n"
                            "IdentityFile ~/.ssh/a # trailing comment ~/.ssh/not\n"
                            "IdentityFile \"#quoted\"\n"
                            "IdentityFile\n"
                            "IdentityFile \"\"\n"
                            "IdentityFile ~/.ssh/last");
  assert_collects(H(".ssh/config"), H(".ssh/a"), H("#quoted"), H(".ssh/last"));
}

static void test_crlf_lines(void **state) {
  write_file(".ssh/config", "Host x\r\n"
                            "\r\n"
                            "  IdentityFile ~/.ssh/crlf\r\n"
                            "  UserKnownHostsFile ~/.ssh/k1 ~/.ssh/k2 \t\r\n"
                            "  ControlPath none\r\n");
  assert_collects(H(".ssh/config"), H(".ssh/crlf"), H(".ssh/k1"), H(".ssh/k2"));
}

static void test_several_known_hosts_files(void **state) {
  write_file(".ssh/config",
             "UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/known_hosts2 /etc/ssh/extra\n"
             "GlobalKnownHostsFile /etc/ssh/g1\t/etc/ssh/g2\n"
             "UserKnownHostsFile ~/.ssh/known_hosts\n");
  assert_collects(H(".ssh/config"), H(".ssh/known_hosts"), H(".ssh/known_hosts2"),
                  "/etc/ssh/extra", "/etc/ssh/g1", "/etc/ssh/g2");
}

static void test_none_and_agent_variables(void **state) {
  write_file(".ssh/config", "UserKnownHostsFile none\n"
                            "GlobalKnownHostsFile none\n"
                            "ControlPath none\n"
                            "IdentityFile none\n"
                            "IdentityAgent none\n"
                            "IdentityAgent SSH_AUTH_SOCK\n"
                            "IdentityAgent $MY_AGENT_SOCK\n"
                            "IdentityAgent ${XDG_RUNTIME_DIR}/agent.sock\n"
                            "IdentityAgent $HOME\n");
  assert_collects(H(".ssh/config"), "$MY_AGENT_SOCK", "${XDG_RUNTIME_DIR}/agent.sock",
                  home);
}

static void test_expansion(void **state) {
  struct passwd *pw = getpwuid(getuid());
  assert_non_null(pw);
  char user_key[PATH_MAX];
  snprintf(user_key, sizeof user_key, "%s/.ssh/id", pw->pw_dir);
  char config[2 * PATH_MAX];
  snprintf(config, sizeof config,
           "IdentityFile ~\n"
           "IdentityFile %%d/.ssh/pct_d\n"
           "IdentityFile ${HOME}/.ssh/env_home\n"
           "IdentityFile ~/.ssh/100%%%%\n"
           "IdentityFile ~/.ssh/%%%%d\n"
           "IdentityFile /srv/%%d%%d\n"
           "IdentityFile keys/relative\n"
           "CertificateFile relative-cert\n"
           "IdentityFile ~%s/.ssh/id\n"
           "IdentityFile ~no-such-user-cordon/id\n",
           pw->pw_name);
  write_file(".ssh/config", config);
  assert_collects(H(".ssh/config"), home, H(".ssh/pct_d"), H(".ssh/env_home"),
                  H(".ssh/100%"), H(".ssh/%d"), format("/srv/%s%s", home, home),
                  H("keys/relative"), H("relative-cert"), user_key,
                  H("~no-such-user-cordon/id"));
}

static void test_runtime_tokens_kept(void **state) {
  write_file(".ssh/config", "ControlPath ~/.ssh/cm-%r@%h:%p\n"
                            "IdentityFile ~/.ssh/%C/id\n"
                            "IdentityFile /keys/%h/${KEY_NAME}\n"
                            "IdentityFile /keys/${A%d}\n"
                            "UserKnownHostsFile ${KNOWN}/hosts\n"
                            "IdentityFile ${HOME\n"
                            "IdentityFile ~/trailing%\n");
  assert_collects(H(".ssh/config"), H(".ssh/cm-%r@%h:%p"), H(".ssh/%C/id"),
                  "/keys/%h/${KEY_NAME}", "/keys/${A%d}", "${KNOWN}/hosts", "${HOME",
                  H("trailing%"));
}

static void test_include_glob_sorted(void **state) {
  make_dir(".ssh/conf.d");
  write_file(".ssh/conf.d/b.conf", "IdentityFile ~/.ssh/id_b\n");
  write_file(".ssh/conf.d/a.conf", "Host a\n  IdentityFile ~/.ssh/id_a\n");
  write_file(".ssh/conf.d/skip.txt", "IdentityFile ~/.ssh/id_skip\n");
  write_file(".ssh/config", "IdentityFile ~/.ssh/id_top\n"
                            "Include conf.d/*.conf\n"
                            "IdentityFile ~/.ssh/id_after\n");
  assert_collects(H(".ssh/config"), H(".ssh/id_top"), H(".ssh/conf.d/a.conf"),
                  H(".ssh/id_a"), H(".ssh/conf.d/b.conf"), H(".ssh/id_b"),
                  H(".ssh/id_after"));
}

static void test_include_relative_absolute_tilde(void **state) {
  make_dir("dotfiles");
  make_dir("etc");
  write_file(".ssh/one.conf", "IdentityFile ~/.ssh/id_one\n");
  write_file(".ssh/two.conf", "IdentityFile ~/.ssh/id_two\n");
  write_file("dotfiles/ssh.conf", "IdentityFile ~/.ssh/id_dot\n");
  write_file("etc/abs.conf", "IdentityFile /etc/abs_key\n");
  char config[2 * PATH_MAX];
  snprintf(config, sizeof config,
           "Include one.conf two.conf\n"
           "Include ~/dotfiles/ssh.conf\n"
           "Include=%s\n",
           H("etc/abs.conf"));
  write_file(".ssh/config", config);
  assert_collects(H(".ssh/config"), H(".ssh/one.conf"), H(".ssh/id_one"),
                  H(".ssh/two.conf"), H(".ssh/id_two"), H("dotfiles/ssh.conf"),
                  H(".ssh/id_dot"), H("etc/abs.conf"), "/etc/abs_key");
}

static void test_include_matching_nothing(void **state) {
  make_dir(".ssh/empty.d");
  write_file(".ssh/config", "Include ~/.ssh/nothing.d/*\n"
                            "Include empty.d/*\n"
                            "Include missing.conf\n"
                            "Include ${NOT_EXPANDED}/x.conf\n");
  assert_collects(H(".ssh/config"));
}

static void test_include_glob_budget(void **state) {
  /* Two links back to their own directory: each star doubles the directories a
   * pattern reaches, so 20 of them would read millions of entries. */
  make_dir("loops");
  assert_int_equal(symlink(".", H("loops/a")), 0);
  assert_int_equal(symlink(".", H("loops/b")), 0);
  char config[256] = "Include ~/loops";
  for (int i = 0; i < 20; i++)
    strcat(config, "/*");
  strcat(config, "\n");
  write_file(".ssh/config", config);
  assert_collect_fails(
      format("%s:1: Include reads more than 100000 directory entries", H(".ssh/config")));
}

static void test_include_directory_read_as_empty(void **state) {
  make_dir(".ssh/conf.d");
  write_file(".ssh/conf.d/a.conf", "IdentityFile ~/.ssh/id_a\n");
  write_file(".ssh/config", "Include conf.d\n");
  assert_collects(H(".ssh/config"), H(".ssh/conf.d"));
}

static void test_include_cycles_terminate(void **state) {
  write_file(".ssh/config", "Include config\n"
                            "Include a.conf\n"
                            "Include link.conf\n"
                            "IdentityFile ~/.ssh/id_top\n");
  write_file(".ssh/a.conf", "Include b.conf\nIdentityFile ~/.ssh/id_a\n");
  write_file(".ssh/b.conf", "Include a.conf\nInclude ~/.ssh/config\nIdentityFile ~/.ssh/id_b\n");
  assert_int_equal(symlink("config", H(".ssh/link.conf")), 0);
  assert_collects(H(".ssh/config"), H(".ssh/a.conf"), H(".ssh/b.conf"), H(".ssh/id_b"),
                  H(".ssh/id_a"), H(".ssh/link.conf"), H(".ssh/id_top"));
}

static void test_include_depth_limit(void **state) {
  /* config (level 0) -> d1 -> ... -> d16 is as deep as ssh goes. */
  write_file(".ssh/config", "Include d1\n");
  for (int i = 1; i < 16; i++)
    write_file(format(".ssh/d%d", i), format("Include d%d\n", i + 1));
  write_file(".ssh/d16", "IdentityFile ~/.ssh/deep\n");
  cd_strv out;
  cordon_error err;
  assert_int_equal(collect(&out, &err), 0);
  assert_int_equal(out.len, 18);
  assert_string_equal(out.items[16], H(".ssh/d16"));
  assert_string_equal(out.items[17], H(".ssh/deep"));
  cd_strv_free(&out);

  write_file(".ssh/d16", "Include d17\n");
  write_file(".ssh/d17", "IdentityFile ~/.ssh/too_deep\n");
  assert_collect_fails(format("%s: Included more than 16 levels deep", H(".ssh/d17")));
}

static void test_size_limits(void **state) {
  /* Exactly 1 MiB of comment lines is fine; one byte more is not. */
  char *text = malloc(MiB + 1);
  assert_non_null(text);
  memset(text, '#', MiB + 1);
  for (size_t i = 1023; i < MiB; i += 1024)
    text[i] = '\n';
  write_bytes(".ssh/config", text, MiB);
  assert_collects(H(".ssh/config"));
  write_bytes(".ssh/config", text, MiB + 1);
  assert_collect_fails(format("%s: ssh config larger than 1 MiB", H(".ssh/config")));

  cd_strv out = {0};
  cordon_error err = {0};
  assert_int_equal(cd_ssh_config_collect_text(text, MiB + 1, "inline", home, &out, &err), -1);
  assert_string_equal(err.message, "inline: ssh config larger than 1 MiB");

  /* A line of exactly 64 KiB is fine; one byte more is not. */
  memset(text, '#', 64 * KiB + 1);
  text[64 * KiB] = '\n';
  assert_int_equal(cd_ssh_config_collect_text(text, 64 * KiB + 1, "inline", home, &out, &err),
                   0);
  assert_paths(&out, NULL);
  text[64 * KiB] = '#';
  assert_int_equal(cd_ssh_config_collect_text(text, 64 * KiB + 1, "inline", home, &out, &err),
                   -1);
  assert_string_equal(err.message, "inline:1: line longer than 64 KiB");
  free(text);
  cd_strv_free(&out);
}

static void test_path_length_limit(void **state) {
  /* %d expands to HOME: enough of them make a path no file can have. */
  char text[PATH_MAX];
  int len = snprintf(text, sizeof text, "IdentityFile ~/.ssh/a\nIdentityFile ");
  while ((size_t)len * 2 < PATH_MAX)
    len += snprintf(text + len, sizeof text - (size_t)len, "%%d");
  text[len++] = '\n';
  cd_strv out = {0};
  cordon_error err = {0};
  assert_int_equal(cd_ssh_config_collect_text(text, (size_t)len, "inline", home, &out, &err),
                   -1);
  assert_string_equal(err.message,
                      format("inline:2: path longer than %d bytes", PATH_MAX));
  cd_strv_free(&out);
}

static void test_path_limit(void **state) {
  const size_t line_max = sizeof "IdentityFile /k/4097\n";
  char *text = malloc(5000 * line_max);
  assert_non_null(text);
  size_t len = 0;
  /* Repeats are not new paths. */
  for (int i = 0; i < 5000; i++)
    len += (size_t)sprintf(text + len, "IdentityFile /k/same\n");
  cd_strv out = {0};
  cordon_error err = {0};
  assert_int_equal(cd_ssh_config_collect_text(text, len, "inline", home, &out, &err), 0);
  assert_paths(&out, "/k/same", NULL);

  len = 0;
  for (int i = 1; i <= 4096; i++)
    len += (size_t)sprintf(text + len, "IdentityFile /k/%d\n", i);
  assert_int_equal(cd_ssh_config_collect_text(text, len, "inline", home, &out, &err), 0);
  assert_int_equal(out.len, 4096);
  cd_strv_free(&out);
  len += (size_t)sprintf(text + len, "IdentityFile /k/4097\n");
  assert_int_equal(cd_ssh_config_collect_text(text, len, "inline", home, &out, &err), -1);
  assert_string_equal(err.message, "inline:4097: ssh config names more than 4096 paths");
  cd_strv_free(&out);
  free(text);
}

static void test_fifo_refused_without_hanging(void **state) {
  /* Should open() wait for a writer, the alarm kills the test rather than hang. */
  alarm(10);
  assert_int_equal(mkfifo(H(".ssh/fifo"), 0600), 0);
  write_file(".ssh/config", "IdentityFile ~/.ssh/id\nInclude fifo\n");
  assert_collect_fails(format("%s: not a regular file", H(".ssh/fifo")));
  assert_int_equal(unlink(H(".ssh/config")), 0);
  assert_int_equal(mkfifo(H(".ssh/config"), 0600), 0);
  assert_collect_fails(format("%s: not a regular file", H(".ssh/config")));
  alarm(0);
}

static void test_nul_byte_refused(void **state) {
  static const char text[] = "IdentityFile ~/.ssh/a\nIdentityFile ~/.ssh/b\0junk\n";
  write_bytes(".ssh/config", text, sizeof text - 1);
  assert_collect_fails(format("%s:2: NUL byte in line", H(".ssh/config")));
}

static void test_collect_text(void **state) {
  write_file(".ssh/x.conf", "IdentityFile ~/.ssh/id_x\n");
  static const char good[] = "Include x.conf\nIdentityFile id\n";
  static const char bad[] = "IdentityFile ~/.ssh/id\nIdentityFile 'open\n";
  cd_strv out = {0};
  cordon_error err = {0};
  /* Relative Includes are under HOME/.ssh whatever NAME says; NAME is not added. */
  assert_int_equal(cd_ssh_config_collect_text(good, sizeof good - 1, "/elsewhere/inline",
                                              home, &out, &err),
                   0);
  assert_paths(&out, H(".ssh/x.conf"), H(".ssh/id_x"), H("id"), NULL);
  assert_int_equal(cd_ssh_config_collect_text(bad, sizeof bad - 1, "/elsewhere/inline",
                                              home, &out, &err),
                   -1);
  assert_string_equal(err.message, "/elsewhere/inline:2: unterminated quote");
  cd_strv_free(&out);
  assert_int_equal(cd_ssh_config_collect_text(good, 0, "inline", "relative", &out, &err), -1);
  assert_string_equal(err.message, "home directory 'relative' is not absolute");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_missing_config, setup, teardown),
      cmocka_unit_test_setup_teardown(test_every_keyword_in_every_block, setup, teardown),
      cmocka_unit_test_setup_teardown(test_case_and_equals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_quoted_arguments, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unterminated_quote, setup, teardown),
      cmocka_unit_test_setup_teardown(test_comments_and_blank_lines, setup, teardown),
      cmocka_unit_test_setup_teardown(test_crlf_lines, setup, teardown),
      cmocka_unit_test_setup_teardown(test_several_known_hosts_files, setup, teardown),
      cmocka_unit_test_setup_teardown(test_none_and_agent_variables, setup, teardown),
      cmocka_unit_test_setup_teardown(test_expansion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_runtime_tokens_kept, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_glob_sorted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_relative_absolute_tilde, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_matching_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_glob_budget, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_directory_read_as_empty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_cycles_terminate, setup, teardown),
      cmocka_unit_test_setup_teardown(test_include_depth_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_size_limits, setup, teardown),
      cmocka_unit_test_setup_teardown(test_path_length_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_path_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fifo_refused_without_hanging, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nul_byte_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_collect_text, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
