/* cordon: run the commands of AI coding agents in an OS-enforced sandbox. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cordon.h"

static const struct {
  const char *name;
  int (*run)(int argc, char *argv[]);
  const char *summary;
} commands[] = {
    {"run", cd_cmd_run, "run a command in the sandbox"},
    {"explain", cd_cmd_explain, "print the plan a policy resolves to"},
    {"doctor", cd_cmd_doctor, "tell which sandbox mechanisms this machine offers"},
};

static void usage(FILE *out) {
  fputs("usage: cordon COMMAND [FLAGS] [-- CMD [ARGS...]]\n\ncommands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fputs("\n`cordon COMMAND --help` tells more. Exit status: the command's, 128+N for\n"
        "signal N, 126/127 not executable/not found, 125 for a cordon error.\n",
        out);
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    usage(stderr);
    return CD_EXIT_ERROR;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(name, "--version") == 0) {
    printf("cordon %s\n", cordon_version());
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(name, commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  cd_cli_error("unknown command '%s' (see cordon --help)", name);
  return CD_EXIT_ERROR;
}
