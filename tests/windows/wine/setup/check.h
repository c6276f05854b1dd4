/* A minimal TAP-like harness for the setup tests under Wine: each CHECK prints
 * "ok" or "not ok" with what was checked; the process exits 1 on any failure,
 * 77 (meson's "skipped") with a reason via SKIP, 0 otherwise. */
#ifndef CD_WINE_SETUP_CHECK_H
#define CD_WINE_SETUP_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

static int check_failures, check_count;

#define CHECK(cond, ...)                                                              \
  do {                                                                                \
    check_count++;                                                                    \
    bool check_ok_ = (cond);                                                          \
    printf("%s %d - ", check_ok_ ? "ok" : "not ok", check_count);                     \
    printf(__VA_ARGS__);                                                              \
    printf("%s\n", check_ok_ ? "" : "  [" #cond "]");                                 \
    if (!check_ok_)                                                                   \
      check_failures++;                                                               \
  } while (0)

/* Skip the whole test: Wine does not provide what it needs. Never a fake pass. */
#define SKIP(...)                                                                     \
  do {                                                                                \
    printf("# SKIP ");                                                                \
    printf(__VA_ARGS__);                                                              \
    printf("\n");                                                                     \
    fflush(stdout);                                                                   \
    exit(77);                                                                         \
  } while (0)

static inline int check_done(void) {
  printf("%d passed, %d failed\n", check_count - check_failures, check_failures);
  return check_failures ? 1 : 0;
}

/* A fresh, empty directory under the temp dir, as a UTF-16 path (static). */
static inline const wchar_t *check_tempdir(const wchar_t *tag) {
  static wchar_t dir[MAX_PATH];
  wchar_t base[MAX_PATH];
  GetTempPathW(MAX_PATH, base);
  swprintf(dir, MAX_PATH, L"%lscordon-%ls-%lu-%lu", base, tag, GetCurrentProcessId(),
           GetTickCount());
  if (!CreateDirectoryW(dir, NULL)) {
    printf("Bail out! cannot create a temporary directory\n");
    exit(1);
  }
  return dir;
}

#endif
