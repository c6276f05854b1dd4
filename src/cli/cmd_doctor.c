/* cordon doctor: which sandbox mechanisms this machine offers, and what runs here. */
#include <json-c/json.h>
#include <stdio.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "linux/probe.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

enum { OPT_JSON = OPT_COMMAND_FIRST };

static const char help[] = "usage: cordon doctor [--json]\n\n"
                           "Report the kernel, user namespaces, Landlock ABI and seccomp, and\n"
                           "which modes and network settings will run on this machine.\n";

/* A string, or JSON null for "nothing to say". */
static json_object *string_or_null(const char *s) { return s ? json_object_new_string(s) : NULL; }

/* {KEY: AVAILABLE, "reason": REASON or null} */
static json_object *mechanism(const char *key, bool available, const char *reason) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, key, json_object_new_boolean(available));
  json_object_object_add(o, "reason", string_or_null(available ? NULL : reason));
  return o;
}

static void add_verdicts(json_object *o, const cd_probe_verdict *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    json_object *entry = json_object_new_object();
    json_object_object_add(entry, "runs", json_object_new_string(cd_probe_runs_name(v[i].runs)));
    json_object_object_add(entry, "note", string_or_null(v[i].note));
    json_object_object_add(o, v[i].name, entry);
  }
}

static int print_json(const cd_linux_probe *p, const cd_probe_verdicts *v) {
  json_object *o = json_object_new_object();
  if (!o)
    return -1;
  json_object_object_add(o, "kernel", json_object_new_string(p->kernel));
  json_object_object_add(o, "user_namespaces", mechanism("available", p->userns, p->userns_reason));
  json_object *landlock = mechanism("enabled", p->landlock_abi > 0, p->landlock_reason);
  json_object_object_add(landlock, "abi", json_object_new_int(p->landlock_abi));
  json_object_object_add(o, "landlock", landlock);
  json_object_object_add(o, "seccomp", mechanism("available", p->seccomp, p->seccomp_reason));
  json_object *modes = json_object_new_object();
  json_object *network = json_object_new_object();
  json_object_object_add(modes, "backend",
                         json_object_new_string(cd_probe_backend_name(v->backend)));
  add_verdicts(modes, v->modes, N_OF(v->modes));
  add_verdicts(network, v->network, N_OF(v->network));
  json_object_object_add(modes, "network", network);
  json_object_object_add(o, "modes", modes);
  const char *text = json_object_to_json_string_ext(
      o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  int r = text && puts(text) >= 0 ? 0 : -1;
  json_object_put(o);
  return r;
}

/* "name   yes" or "name   no: why", the values aligned. */
static void line(const char *name, const char *value, const char *note) {
  printf("%-20s %s%s%s\n", name, value, note ? ": " : "", note ? note : "");
}

static void print_verdicts(const char *prefix, const cd_probe_verdict *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char name[64];
    snprintf(name, sizeof name, "%s%s", prefix, v[i].name);
    line(name, cd_probe_runs_name(v[i].runs), v[i].note);
  }
}

static void print_text(const cd_linux_probe *p, const cd_probe_verdicts *v) {
  char abi[32];
  snprintf(abi, sizeof abi, "ABI %d", p->landlock_abi);
  line("kernel", p->kernel, NULL);
  line("user namespaces", p->userns ? "yes" : "no", p->userns ? NULL : p->userns_reason);
  line("landlock", abi, p->landlock_abi > 0 ? NULL : p->landlock_reason);
  line("seccomp", p->seccomp ? "yes" : "no", p->seccomp ? NULL : p->seccomp_reason);
  line("sandbox", cd_probe_backend_name(v->backend), NULL);
  putchar('\n');
  print_verdicts("", v->modes, N_OF(v->modes));
  print_verdicts("network ", v->network, N_OF(v->network));
}

int cd_cmd_doctor(int argc, char *argv[]) {
  static const struct option options[] = {
      {"json", no_argument, NULL, OPT_JSON}, {"help", no_argument, NULL, OPT_HELP}, {0}};
  bool json = false;
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
    if (opt == OPT_HELP) {
      fputs(help, stdout);
      return 0;
    }
    if (opt != OPT_JSON) {
      cd_cli_bad_option("doctor", argv);
      return CD_EXIT_ERROR;
    }
    json = true;
  }
  if (optind < argc) {
    cd_cli_error("doctor: unexpected argument '%s'", argv[optind]);
    return CD_EXIT_ERROR;
  }
  cd_linux_probe probe;
  cd_probe_verdicts verdicts;
  cd_linux_probe_run(&probe);
  cd_linux_probe_verdicts(&probe, &verdicts);
  if (!json) {
    print_text(&probe, &verdicts);
    return 0;
  }
  if (print_json(&probe, &verdicts) < 0) {
    cd_cli_error("doctor: cannot print the report");
    return CD_EXIT_ERROR;
  }
  return 0;
}
