/* seccomp_gen OUTPUT.c: compile every seccomp filter cordon can load, at build
 * time (why: see seccomp_apply.c).
 *
 * For each entry of cd_seccomp_programs ([restricted network][no_unix_sockets]),
 * lower the rule table for those options, build it with libseccomp and export the
 * BPF program; write them out as static const struct sock_filter arrays, each
 * under the rules it holds, and the table that points at them. */
#include <errno.h>
#include <stdio.h>

#include "common/error.h"
#include "linux/seccomp_build.h"

static const char *const names[2][2] = {
    {"online", "online_no_unix_sockets"},
    {"restricted_network", "restricted_network_no_unix_sockets"},
};

static int write_program(FILE *out, const char *name, const cd_seccomp_options *options,
                         cordon_error *err) {
  cd_seccomp_filter filter;
  cd_seccomp_lower(options, &filter);
  _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
  _cleanup_free_ struct sock_filter *insns = NULL;
  size_t len;
  if (cd_seccomp_build(&filter, &ctx, err) < 0 || cd_seccomp_export(ctx, &insns, &len, err) < 0)
    return cd_error_prefix(err, "%s", name);
  if (len > BPF_MAXINSNS)
    return cd_error_set(err, 0, "%s: %zu instructions, more than the kernel's %d", name, len,
                        BPF_MAXINSNS);
  fprintf(out, "\n/* %s: every other ABI denied, then\n", name);
  for (size_t i = 0; i < filter.n_rules; i++) {
    char text[256];
    cd_seccomp_rule_format(filter.rules[i], text, sizeof text);
    fprintf(out, " *   %s\n", text);
  }
  fprintf(out, " */\nstatic const struct sock_filter %s[] = {\n", name);
  for (size_t i = 0; i < len; i++)
    fprintf(out, "    {0x%04x, %u, %u, 0x%08x},\n", insns[i].code, insns[i].jt, insns[i].jf,
            insns[i].k);
  fprintf(out, "};\n");
  return 0;
}

static int generate(FILE *out, cordon_error *err) {
  const struct scmp_version *v = seccomp_version();
  fprintf(out,
          "/* Generated at build time by src/linux/seccomp_gen.c: the rule table of\n"
          " * src/linux/seccomp.c compiled to BPF by libseccomp %u.%u.%u, for each entry of\n"
          " * cd_seccomp_programs. Do not edit. */\n"
          "#include \"linux/seccomp.h\"\n",
          v->major, v->minor, v->micro);
  for (int restricted = 0; restricted < 2; restricted++) {
    for (int no_unix = 0; no_unix < 2; no_unix++) {
      cd_seccomp_options options = {.network = restricted ? CD_NET_OFFLINE : CD_NET_ONLINE,
                                    .no_unix_sockets = no_unix};
      if (write_program(out, names[restricted][no_unix], &options, err) < 0)
        return -1;
    }
  }
  fprintf(out, "\nconst cd_seccomp_program cd_seccomp_programs[2][2] = {\n");
  for (int restricted = 0; restricted < 2; restricted++)
    for (int no_unix = 0; no_unix < 2; no_unix++)
      fprintf(out, "    [%d][%d] = {%s, sizeof %s / sizeof %s[0]},\n", restricted, no_unix,
              names[restricted][no_unix], names[restricted][no_unix], names[restricted][no_unix]);
  fprintf(out, "};\n");
  return 0;
}

int main(int argc, char *argv[]) {
  if (argc != 2) {
    fprintf(stderr, "usage: seccomp_gen OUTPUT.c\n");
    return 2;
  }
  cordon_error err = {0};
  FILE *out = fopen(argv[1], "w");
  if (!out) {
    perror(argv[1]);
    return 1;
  }
  int rc = generate(out, &err);
  if (ferror(out) && rc == 0)
    rc = cd_error_set(&err, 0, "%s: write error", argv[1]);
  if (fclose(out) != 0 && rc == 0)
    rc = cd_error_set(&err, errno, "%s", argv[1]);
  if (rc < 0) {
    fprintf(stderr, "seccomp_gen: %s\n", err.message);
    remove(argv[1]); /* no half-written source for the next build to compile */
    return 1;
  }
  return 0;
}
