/* ACLs built in memory with the real Win32 calls (SetEntriesInAclW, GetAce), as
 * acl_apply.c and dacl.c build them: canonical order, masks, inheritance, the
 * already-present check, and the Everyone-writable test. Wine builds ACLs
 * faithfully; it does not enforce them on files (see docs/windows.md). */
#include <aclapi.h>
#include <sddl.h>
#include <string.h>

#include "acl_apply.h"
#include "check.h"
#include "dacl.h"
#include "everyone_writable.h"
#include "windows/win32/common/sid.h"

static PSID sid(const char *text) {
  PSID s = NULL;
  cordon_error err = {0};
  if (cd_sid_parse(text, &s, &err) < 0)
    printf("Bail out! %s\n", err.message);
  return s;
}

/* ACE I of ACL: type, flags, mask and SID. */
static bool ace_is(PACL acl, DWORD i, BYTE type, BYTE flags, DWORD mask, PSID who) {
  ACE_HEADER *h;
  if (!GetAce(acl, i, (void **)&h))
    return false;
  ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
  return h->AceType == type && h->AceFlags == flags && a->Mask == mask &&
         EqualSid((PSID)&a->SidStart, who);
}

/* ACL as "# i type flags mask sid" lines, to read a failure in the log. */
static void dump(const char *what, PACL acl) {
  for (DWORD i = 0; acl && i < acl->AceCount; i++) {
    ACE_HEADER *h;
    char *text = NULL;
    if (!GetAce(acl, i, (void **)&h))
      return;
    ConvertSidToStringSidA((PSID)&((ACCESS_ALLOWED_ACE *)h)->SidStart, &text);
    printf("# %s %lu: type %d flags 0x%x mask 0x%lx %s\n", what, i, h->AceType, h->AceFlags,
           ((ACCESS_ALLOWED_ACE *)h)->Mask, text ? text : "?");
    LocalFree(text);
  }
}

/* A DACL like a file's: an explicit allow for Users, an inherited allow for
 * SYSTEM (as SetNamedSecurityInfo would have propagated it). */
static PACL base_acl(PSID users, PSID system) {
  DWORD size = sizeof(ACL) + 2 * (sizeof(ACCESS_ALLOWED_ACE) + SECURITY_MAX_SID_SIZE);
  PACL acl = LocalAlloc(LMEM_FIXED, size);
  InitializeAcl(acl, size, ACL_REVISION);
  AddAccessAllowedAceEx(acl, ACL_REVISION, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE,
                        FILE_GENERIC_READ | FILE_GENERIC_EXECUTE, users);
  AddAccessAllowedAceEx(acl, ACL_REVISION, INHERITED_ACE, FILE_ALL_ACCESS, system);
  return acl;
}

static void test_merge_order(void) {
  PSID users = sid("S-1-5-32-545"), system = sid("S-1-5-18"),
       cap = sid("S-1-5-21-1000-2000-3000-4000"), cap2 = sid("S-1-5-21-1-2-3-4");
  PACL acl = base_acl(users, system), with_deny = NULL, with_allow = NULL;
  cordon_error err = {0};
  cd_win_ace deny = {.path = "x", .type = CD_WIN_ACE_DENY, .trustee = CD_WIN_TRUSTEE_CAP,
                     .sid = "S-1-5-21-1000-2000-3000-4000", .mask = CD_WIN_MASK_DENY_WRITE,
                     .inheritance = CD_WIN_INHERIT_DIR};
  cd_win_ace allow = {.path = "x", .type = CD_WIN_ACE_ALLOW, .trustee = CD_WIN_TRUSTEE_CAP,
                      .sid = "S-1-5-21-1-2-3-4", .mask = CD_WIN_MASK_WRITE,
                      .inheritance = CD_WIN_INHERIT_DIR};
  CHECK(!cd_acl_has(acl, &deny, cap), "the deny is not there before");
  CHECK(cd_acl_merge(acl, &deny, cap, &with_deny, &err) == 0, "deny merged: %s", err.message);
  CHECK(cd_acl_merge(with_deny, &allow, cap2, &with_allow, &err) == 0, "allow merged");
  dump("merged", with_allow);
  CHECK(with_allow && with_allow->AceCount == 4, "four ACEs (%d)",
        with_allow ? with_allow->AceCount : -1);
  if (with_allow && with_allow->AceCount == 4) {
    BYTE dir = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
    CHECK(ace_is(with_allow, 0, ACCESS_DENIED_ACE_TYPE, dir, CD_WIN_MASK_DENY_WRITE, cap),
          "explicit deny first, with its mask and inheritance");
    bool allows_next =
        (ace_is(with_allow, 1, ACCESS_ALLOWED_ACE_TYPE, dir, FILE_GENERIC_READ | FILE_GENERIC_EXECUTE,
                users) &&
         ace_is(with_allow, 2, ACCESS_ALLOWED_ACE_TYPE, dir, CD_WIN_MASK_WRITE, cap2)) ||
        (ace_is(with_allow, 2, ACCESS_ALLOWED_ACE_TYPE, dir, FILE_GENERIC_READ | FILE_GENERIC_EXECUTE,
                users) &&
         ace_is(with_allow, 1, ACCESS_ALLOWED_ACE_TYPE, dir, CD_WIN_MASK_WRITE, cap2));
    CHECK(allows_next, "explicit allows next, masks intact");
    CHECK(ace_is(with_allow, 3, ACCESS_ALLOWED_ACE_TYPE, INHERITED_ACE, FILE_ALL_ACCESS, system),
          "inherited ACE last");
  }
  CHECK(cd_acl_has(with_allow, &deny, cap) && cd_acl_has(with_allow, &allow, cap2),
        "both are found as present afterwards (a re-run applies nothing)");
  cd_win_ace narrower = allow;
  narrower.mask = CD_WIN_MASK_READ;
  CHECK(cd_acl_has(with_allow, &narrower, cap2), "a subset of a present mask is present");
  cd_win_ace other_inherit = allow;
  other_inherit.inheritance = 0;
  CHECK(!cd_acl_has(with_allow, &other_inherit, cap2), "other inheritance is not the same ACE");
  cd_win_ace inherited_only = {.type = CD_WIN_ACE_ALLOW, .mask = FILE_ALL_ACCESS,
                               .inheritance = 0};
  CHECK(!cd_acl_has(with_allow, &inherited_only, system), "an inherited ACE does not count");
  LocalFree(with_allow);
  LocalFree(with_deny);
  LocalFree(acl);
  LocalFree(cap2);
  LocalFree(cap);
  LocalFree(system);
  LocalFree(users);
}

static void test_dacl_build(void) {
  PSID system = sid("S-1-5-18"), admins = sid("S-1-5-32-544"), group = sid("S-1-5-32-546");
  cd_dacl_entry entries[] = {
      {system, false, GENERIC_ALL}, {admins, false, GENERIC_ALL}, {group, true, GENERIC_ALL}};
  PACL acl = NULL;
  cordon_error err = {0};
  CHECK(cd_dacl_build(entries, 3, &acl, &err) == 0 && acl && acl->AceCount == 3,
        "secrets-style DACL built");
  dump("built", acl);
  if (acl && acl->AceCount == 3) {
    ACE_HEADER *h;
    GetAce(acl, 0, (void **)&h);
    CHECK(h->AceType == ACCESS_DENIED_ACE_TYPE &&
              EqualSid((PSID)&((ACCESS_DENIED_ACE *)h)->SidStart, group),
          "the deny for the sandbox group comes first though given last");
    CHECK((h->AceFlags & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)) ==
              (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE),
          "and is inherited by files and subdirectories");
  }
  LocalFree(acl);
  LocalFree(group);
  LocalFree(admins);
  LocalFree(system);
}

static PACL acl_of(const char *sddl) {
  PSECURITY_DESCRIPTOR sd = NULL;
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd, NULL))
    return NULL;
  GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
  /* Leaks SD: it owns DACL, and the test is short. */
  return dacl;
}

static void test_everyone_writes(void) {
  cordon_error err = {0};
  bool w = false;
  CHECK(cd_dacl_everyone_writes(NULL, &w, &err) == 0 && w, "no DACL: everyone writes");
  CHECK(cd_dacl_everyone_writes(acl_of("D:(A;OICI;FA;;;WD)"), &w, &err) == 0 && w,
        "Everyone full control: writes");
  CHECK(cd_dacl_everyone_writes(acl_of("D:(A;;0x2;;;WD)"), &w, &err) == 0 && w,
        "Everyone add-file only: writes");
  CHECK(cd_dacl_everyone_writes(acl_of("D:(A;;GW;;;WD)"), &w, &err) == 0 && w,
        "Everyone generic write: writes");
  CHECK(cd_dacl_everyone_writes(acl_of("D:(A;OICI;FR;;;WD)(A;OICI;FA;;;BU)"), &w, &err) == 0 &&
            !w,
        "Everyone read, Users full: Everyone does not write");
  CHECK(cd_dacl_everyone_writes(acl_of("D:(D;;FA;;;WD)(A;;FA;;;WD)"), &w, &err) == 0 && !w,
        "denied before allowed: does not write");
  CHECK(cd_dacl_everyone_writes(acl_of("D:(A;OICIIO;FA;;;WD)"), &w, &err) == 0 && !w,
        "inherit-only ACE does not apply to the directory itself");
}

/* The walk itself, on Wine's filesystem: Wine gives every directory the same
 * synthesized DACL (Everyone may read, not write), so nothing may be reported,
 * and the walk must not fail on it. */
static void test_walk(void) {
  const wchar_t *tmp = check_tempdir(L"walk");
  wchar_t sub[MAX_PATH];
  swprintf(sub, MAX_PATH, L"%ls\\a", tmp);
  CreateDirectoryW(sub, NULL);
  swprintf(sub, MAX_PATH, L"%ls\\a\\b", tmp);
  CreateDirectoryW(sub, NULL);
  char root[MAX_PATH];
  WideCharToMultiByte(CP_UTF8, 0, tmp, -1, root, MAX_PATH, NULL, NULL);
  const char *roots[] = {root, "C:\\no-such-root"};
  cd_strv found = {0};
  cordon_error err = {0};
  CHECK(cd_find_everyone_writable(roots, 2, NULL, 0, 3, &found, &err) == 0 && found.len == 0,
        "walk: nothing Everyone-writable under a fresh tree, a missing root is skipped");
  cd_strv_free(&found);
}

int main(void) {
  test_walk();
  test_merge_order();
  test_dacl_build();
  test_everyone_writes();
  return check_done();
}
