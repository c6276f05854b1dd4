#include "secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "dacl.h"
#include "dpapi_machine.h"
#include "files.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"
#include "windows/ops.h"

#define VAULT_KEY L"SOFTWARE\\cordon\\SandboxSecrets"
#define VAULT_SHOW "HKLM\\SOFTWARE\\cordon\\SandboxSecrets"

void cd_secret_free(char *password) {
  if (password) {
    SecureZeroMemory(password, strlen(password));
    free(password);
  }
}

int cd_secrets_dir_prepare(const wchar_t *dir, PSID user, cordon_error *err) {
  PSID system = NULL, admins = NULL, group = NULL;
  int r = -1;
  if (cd_dir_ensure(dir, err) < 0 || cd_sid_system(&system, err) < 0 ||
      cd_sid_administrators(&admins, err) < 0 || cd_sid_lookup(CD_WIN_GROUP, &group, err) < 0)
    goto out;
  /* Protected, so nothing granted on cordon home or above (a backup tool's ACE, a
   * broad "Users: read" someone added) reaches the blobs; the deny for the sandbox
   * group holds even if someone later adds an allow for a group it belongs to. */
  cd_dacl_entry entries[] = {
      {group, true, GENERIC_ALL},
      {system, false, GENERIC_ALL},
      {admins, false, GENERIC_ALL},
      {user, false, GENERIC_ALL},
  };
  r = cd_dacl_protect(dir, entries, user ? 4 : 3, NULL, err);
out:
  LocalFree(group);
  LocalFree(admins);
  LocalFree(system);
  return r;
}

static wchar_t *secret_path(const wchar_t *dir, const char *account) {
  wchar_t name[96];
  if (swprintf(name, sizeof name / sizeof name[0], L"%hs.dpapi", account) < 0)
    return NULL;
  return cd_wjoin(dir, name);
}

/* Decrypt BLOB into a NUL-terminated password. */
static int open_blob(const BYTE *blob, size_t len, char **password, cordon_error *err) {
  BYTE *plain = NULL;
  size_t plain_len = 0;
  if (cd_dpapi_unprotect(blob, len, &plain, &plain_len, err) < 0)
    return -1;
  char *p = malloc(plain_len + 1);
  if (p) {
    memcpy(p, plain, plain_len);
    p[plain_len] = '\0';
  }
  SecureZeroMemory(plain, plain_len);
  free(plain);
  if (!p)
    return cd_error_oom(err);
  if (strlen(p) != plain_len || plain_len == 0) {
    cd_secret_free(p);
    return cd_error_set(err, 0, "the decrypted password is malformed");
  }
  *password = p;
  return 0;
}

int cd_secret_save(const wchar_t *dir, const char *account, const char *password,
                   cordon_error *err) {
  BYTE *blob = NULL;
  size_t len = 0;
  if (cd_dpapi_protect(password, strlen(password), &blob, &len, err) < 0)
    return cd_error_prefix(err, "store the password of %s", account);
  wchar_t *path = secret_path(dir, account);
  int r = path ? cd_file_write_atomic(path, blob, len, err) : cd_error_oom(err);
  free(path);
  free(blob);
  return r;
}

int cd_secret_load(const wchar_t *dir, const char *account, char **password,
                   cordon_error *err) {
  *password = NULL;
  wchar_t *path = secret_path(dir, account);
  if (!path)
    return cd_error_oom(err);
  char *blob = NULL;
  size_t len = 0;
  int r = cd_file_read(path, &blob, &len, err);
  free(path);
  if (r == 0 && blob)
    r = open_blob((const BYTE *)blob, len, password, err);
  free(blob);
  return r < 0 ? cd_error_prefix(err, "the stored password of %s", account) : 0;
}

/* The machine copy's key, created if missing, with a protected DACL for SYSTEM and
 * Administrators only (HKLM\SOFTWARE would otherwise let every user read it). */
static int vault_create(REGSAM access, HKEY *key, cordon_error *err) {
  LSTATUS e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, VAULT_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                      access | WRITE_DAC, NULL, key, NULL);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, (DWORD)e, "create " VAULT_SHOW);
  PSID system = NULL, admins = NULL;
  PACL acl = NULL;
  int r = -1;
  SECURITY_DESCRIPTOR sd;
  if (cd_sid_system(&system, err) < 0 || cd_sid_administrators(&admins, err) < 0)
    goto out;
  cd_dacl_entry entries[] = {{system, false, KEY_ALL_ACCESS}, {admins, false, KEY_ALL_ACCESS}};
  if (cd_dacl_build(entries, 2, &acl, err) < 0)
    goto out;
  if (!InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) ||
      !SetSecurityDescriptorDacl(&sd, TRUE, acl, FALSE) ||
      !SetSecurityDescriptorControl(&sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED)) {
    cd_win_error(err, GetLastError(), "build the registry key's DACL");
    goto out;
  }
  e = RegSetKeySecurity(*key, DACL_SECURITY_INFORMATION, &sd);
  if (e != ERROR_SUCCESS) {
    cd_win_error(err, (DWORD)e, "set the DACL of " VAULT_SHOW);
    goto out;
  }
  r = 0;
out:
  LocalFree(acl);
  LocalFree(admins);
  LocalFree(system);
  if (r < 0)
    RegCloseKey(*key);
  return r;
}

int cd_vault_save(const char *account, const char *password, cordon_error *err) {
  BYTE *blob = NULL;
  size_t len = 0;
  HKEY key;
  wchar_t *name = cd_wide(account);
  if (!name)
    return cd_error_oom(err);
  int r = -1;
  if (cd_dpapi_protect(password, strlen(password), &blob, &len, err) < 0 ||
      vault_create(KEY_SET_VALUE, &key, err) < 0)
    goto out;
  LSTATUS e = RegSetValueExW(key, name, 0, REG_BINARY, blob, (DWORD)len);
  RegCloseKey(key);
  r = e == ERROR_SUCCESS ? 0 : cd_win_error(err, (DWORD)e, "write the machine's copy");
out:
  free(blob);
  free(name);
  return r < 0 ? cd_error_prefix(err, "keep the password of %s", account) : 0;
}

int cd_vault_load(const char *account, char **password, cordon_error *err) {
  *password = NULL;
  HKEY key;
  LSTATUS e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, VAULT_KEY, 0, KEY_QUERY_VALUE, &key);
  if (e == ERROR_FILE_NOT_FOUND) /* no key yet: the first setup on this machine */
    return 0;
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, (DWORD)e, "open " VAULT_SHOW);
  wchar_t *name = cd_wide(account);
  BYTE blob[4096];
  DWORD len = sizeof blob, type = 0;
  e = name ? RegQueryValueExW(key, name, NULL, &type, blob, &len) : ERROR_OUTOFMEMORY;
  RegCloseKey(key);
  free(name);
  if (e == ERROR_FILE_NOT_FOUND)
    return 0;
  if (e != ERROR_SUCCESS || type != REG_BINARY)
    return cd_win_error(err, e ? (DWORD)e : ERROR_INVALID_DATA,
                        "read the machine's copy of %s's password", account);
  return open_blob(blob, len, password, err);
}
