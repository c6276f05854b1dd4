/* One function per `cordon COMMAND`; each returns the process exit status. */
#ifndef CD_CLI_COMMANDS_H
#define CD_CLI_COMMANDS_H

int cd_cmd_explain(int argc, char *argv[]);
int cd_cmd_run(int argc, char *argv[]);
int cd_cmd_doctor(int argc, char *argv[]);

#endif
