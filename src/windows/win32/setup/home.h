/* cordon home on Windows: where it is, and its state files.
 *
 *   <home>\setup_marker        marker.h: written last by a setup that verified
 *   <home>\setup_progress      progress.h: only while a setup is unfinished
 *   <home>\setup_last_error    the elevated setup's failure, for the unelevated
 *                              process that started it (UAC gives it no console)
 *   <home>\secrets\            secrets.h
 *   <home>\cap_sids            cap_sids.h (the lowering's store)
 *   <home>\.sandbox-bin\       runner/sandbox_bin.h
 *   <home>\read_acl_queue\     read_acl_helper.h */
#ifndef CD_WIN_SETUP_HOME_H
#define CD_WIN_SETUP_HOME_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "cordon.h"
#include "marker.h"

#define CD_HOME_MARKER L"setup_marker"
#define CD_HOME_PROGRESS L"setup_progress"
#define CD_HOME_LAST_ERROR L"setup_last_error"

/* FLAG (UTF-8, may be NULL), else %CORDON_HOME%, else %LOCALAPPDATA%\cordon; made
 * absolute. Newly allocated. */
wchar_t *cd_home_resolve(const char *flag, cordon_error *err);
/* Create HOME if missing (its parent must exist). */
int cd_home_ensure(const wchar_t *home, cordon_error *err);

/* *PRESENT false when there is no marker. A marker that does not parse is an
 * error naming the file. */
int cd_home_marker_load(const wchar_t *home, cd_setup_marker *marker, bool *present,
                        cordon_error *err);
int cd_home_marker_store(const wchar_t *home, uint32_t version, bool allow_local_binding,
                         cordon_error *err);
int cd_home_marker_remove(const wchar_t *home, cordon_error *err);

int cd_home_progress_load(const wchar_t *home, unsigned *done, bool *present,
                          cordon_error *err);
int cd_home_progress_store(const wchar_t *home, unsigned done, cordon_error *err);

/* A small text file of HOME (NAME), replaced or removed (TEXT NULL). */
int cd_home_note(const wchar_t *home, const wchar_t *name, const char *text, cordon_error *err);

/* The facts cd_setup_decide needs, read from HOME. RUNNER_COPY: the path this
 * build's runner copy has (may not exist). STOPPED is filled by a left-over
 * progress file and pointed to by FACTS. */
int cd_home_facts(const wchar_t *home, const wchar_t *runner_copy, cd_setup_marker *marker,
                  char *stopped, size_t stopped_size, cd_setup_facts *facts, cordon_error *err);

#endif
