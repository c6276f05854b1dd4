/* From the protocol's argv and environment (UTF-8) to what CreateProcessW takes:
 * one command line that CommandLineToArgvW and the C runtimes split back into the
 * same argv, and a sorted UTF-16 environment block. */
#ifndef CD_RUNNER_CMDLINE_H
#define CD_RUNNER_CMDLINE_H

#include <stdint.h>
#include <wchar.h>

#include "cordon.h"

/* A new command line (free). argv[0] is quoted by the program-name rules (no
 * escapes, so it may not contain '"'); the others by the C runtime's rules. */
int cd_rn_cmdline(char *const *argv, uint32_t argc, wchar_t **out, cordon_error *err);

/* A new environment block (free): "NAME=value\0...\0\0", sorted by name without
 * regard to case as CreateProcess expects. An empty ENV gives an empty block, not
 * the runner's own environment. */
int cd_rn_envblock(char *const *env, uint32_t envc, wchar_t **out, cordon_error *err);

#endif
