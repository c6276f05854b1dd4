/* cordon doctor: which sandbox mechanisms this machine offers, and what runs here. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "linux/probe.h"

enum { OPT_JSON = OPT_COMMAND_FIRST };

static const char help[] = "usage: cordon doctor [--json]\n\n"
                           "Report the kernel, user namespaces, Landlock ABI and seccomp, and\n"
                           "which modes and network settings will run on this machine.\n";

int cd_cmd_doctor(int argc, char *argv[]) {
  static const struct option options[] = {{"json", no_argument, NULL, OPT_JSON},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {0}};
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
  cd_linux_probe_run(&probe);
  return cd_linux_probe_print(&probe, stdout, json) < 0 ? CD_EXIT_ERROR : 0;
}
