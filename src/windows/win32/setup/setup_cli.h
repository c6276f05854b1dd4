/* `cordon setup` as a command: cordon-setup.exe's main, and the entry point a
 * Windows cordon.exe calls for `cordon setup ARGS` (ARGV[0] is the command name,
 * arguments are UTF-8). Returns the exit status. */
#ifndef CD_WIN_SETUP_SETUP_CLI_H
#define CD_WIN_SETUP_SETUP_CLI_H

/* Exit statuses besides 0 (done, or "ok" for --check). */
#define CD_SETUP_EXIT_NEEDS_SETUP 2   /* --check / --refresh: the elevated setup is needed */
#define CD_SETUP_EXIT_NEEDS_REFRESH 3 /* --check: `--refresh` is needed */
#define CD_SETUP_EXIT_ERROR 125       /* any failure, with one line on stderr */

int cd_setup_main(int argc, char *argv[]);

#endif
