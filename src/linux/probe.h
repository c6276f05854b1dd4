/* cordon doctor: what the running kernel offers the sandbox. */
#ifndef CD_LINUX_PROBE_H
#define CD_LINUX_PROBE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct cd_linux_probe {
  int placeholder;
} cd_linux_probe;

void cd_linux_probe_run(cd_linux_probe *probe);
int cd_linux_probe_print(const cd_linux_probe *probe, FILE *out, bool json);

#endif
