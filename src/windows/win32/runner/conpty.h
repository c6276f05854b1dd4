/* A pseudoconsole (ConPTY) for commands that want a terminal. The API exists from
 * Windows 10 1809; it is looked up at run time so the runner still starts (and
 * serves pipe-mode commands) where it is missing, and a tty request there fails
 * with a clear message. */
#ifndef CD_RUNNER_CONPTY_H
#define CD_RUNNER_CONPTY_H

#include <windows.h>

#include "cordon.h"

typedef struct cd_rn_conpty {
  HPCON pc;
  HANDLE input;  /* we write keystrokes here (synchronous pipe) */
  HANDLE output; /* we read the rendered terminal stream here (synchronous pipe) */
} cd_rn_conpty;

/* A pseudoconsole of ROWS x COLS. The pseudoconsole's own ends of the two pipes
 * are closed here: it holds duplicates, so once it closes the output pipe reaches
 * end of file and no tail is lost or left hanging. */
int cd_rn_conpty_open(cd_rn_conpty *out, unsigned rows, unsigned cols, cordon_error *err);
int cd_rn_conpty_resize(cd_rn_conpty *p, unsigned rows, unsigned cols, cordon_error *err);
/* Close the input end (the terminal hung up its keyboard). */
void cd_rn_conpty_close_input(cd_rn_conpty *p);
/* Close the pseudoconsole; the output pipe then drains to end of file. The pipe
 * handles stay open (a reader or writer may still be using them): close them with
 * cd_rn_conpty_close_input and CloseHandle afterwards. */
void cd_rn_conpty_close(cd_rn_conpty *p);

#endif
