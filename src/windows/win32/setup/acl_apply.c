#include "acl_apply.h"

#include <aclapi.h>
#include <stdlib.h>

#include "common/error.h"
#include "windows/win32/common/sid.h"
#include "windows/win32/common/winutil.h"

int cd_acl_trustee_sid(const cd_win_ace *ace, PSID *sid, cordon_error *err) {
  if (ace->trustee == CD_WIN_TRUSTEE_GROUP)
    return cd_sid_lookup(CD_WIN_GROUP, sid, err);
  if (!ace->sid[0])
    return cd_error_set(err, 0, "an ACE for the %s capability has no SID",
                        cd_win_cap_name(ace->cap));
  return cd_sid_parse(ace->sid, sid, err);
}

#define INHERIT_BITS (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE)

bool cd_acl_has(PACL old, const cd_win_ace *ace, PSID sid) {
  if (!old)
    return false;
  BYTE want = ace->type == CD_WIN_ACE_DENY ? ACCESS_DENIED_ACE_TYPE : ACCESS_ALLOWED_ACE_TYPE;
  for (DWORD i = 0; i < old->AceCount; i++) {
    ACE_HEADER *h;
    if (!GetAce(old, i, (void **)&h))
      return false;
    /* An inherited ACE does not count: it vanishes when the parent changes. */
    if (h->AceType != want || (h->AceFlags & INHERITED_ACE))
      continue;
    /* Allowed and denied ACEs share one layout: header, mask, SID. */
    ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
    if ((h->AceFlags & INHERIT_BITS) == ace->inheritance &&
        (a->Mask & ace->mask) == ace->mask && EqualSid((PSID)&a->SidStart, sid))
      return true;
  }
  return false;
}

static bool is_deny(BYTE type) {
  return type == ACCESS_DENIED_ACE_TYPE || type == ACCESS_DENIED_OBJECT_ACE_TYPE ||
         type == ACCESS_DENIED_CALLBACK_ACE_TYPE;
}

int cd_acl_canonical(PACL acl, PACL *out, cordon_error *err) {
  *out = LocalAlloc(LMEM_FIXED, acl->AclSize);
  if (!*out)
    return cd_error_oom(err);
  if (!InitializeAcl(*out, acl->AclSize, acl->AclRevision))
    goto fail;
  /* Pass 0: explicit denies; 1: explicit allows (and the rest); 2: inherited. */
  for (int pass = 0; pass < 3; pass++)
    for (DWORD i = 0; i < acl->AceCount; i++) {
      ACE_HEADER *h;
      if (!GetAce(acl, i, (void **)&h))
        goto fail;
      bool inherited = h->AceFlags & INHERITED_ACE;
      int want = inherited ? 2 : is_deny(h->AceType) ? 0 : 1;
      if (want == pass && !AddAce(*out, acl->AclRevision, MAXDWORD, h, h->AceSize))
        goto fail;
    }
  return 0;
fail:;
  DWORD e = GetLastError();
  LocalFree(*out);
  *out = NULL;
  return cd_win_error(err, e, "order the ACL");
}

int cd_acl_merge(PACL old, const cd_win_ace *ace, PSID sid, PACL *out, cordon_error *err) {
  EXPLICIT_ACCESS_W ea = {0};
  ea.grfAccessPermissions = ace->mask;
  /* GRANT merges with the trustee's existing allow rights; DENY adds a deny ACE.
   * The result is then put in canonical order ourselves rather than trusting
   * SetEntriesInAcl to (Wine's, for one, puts new entries first): the access
   * check stops at the first ACE that decides, so a deny placed after an allow
   * would never be seen. */
  ea.grfAccessMode = ace->type == CD_WIN_ACE_DENY ? DENY_ACCESS : GRANT_ACCESS;
  ea.grfInheritance = ace->inheritance;
  ea.Trustee.TrusteeForm = TRUSTEE_IS_SID;
  ea.Trustee.TrusteeType = TRUSTEE_IS_GROUP;
  ea.Trustee.ptstrName = (LPWSTR)sid;
  PACL merged = NULL;
  DWORD e = SetEntriesInAclW(1, &ea, old, &merged);
  if (e != ERROR_SUCCESS)
    return cd_win_error(err, e, "build the ACL");
  int r = cd_acl_canonical(merged, out, err);
  LocalFree(merged);
  return r;
}

/* The plan's paths are canonical (links resolved), so a reparse point here was put
 * there after the plan was made, maybe by a sandboxed command: an ACE applied
 * through it would land on whatever it points to. Refuse instead. */
static int refuse_reparse(const wchar_t *path, const char *show, cordon_error *err) {
  DWORD attrs = GetFileAttributesW(path);
  if (attrs == INVALID_FILE_ATTRIBUTES)
    return cd_win_error(err, GetLastError(), "%s", show);
  if (attrs & FILE_ATTRIBUTE_REPARSE_POINT)
    return cd_error_set(err, 0, "%s is a link or junction now: not changing its ACL", show);
  return 0;
}

int cd_acl_apply_one(const cd_win_ace *ace, cordon_error *err) {
  wchar_t *path = cd_wide(ace->path);
  if (!path)
    return cd_error_oom(err);
  PSID sid = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  PACL old = NULL, merged = NULL;
  int r = -1;
  if (refuse_reparse(path, ace->path, err) < 0 || cd_acl_trustee_sid(ace, &sid, err) < 0)
    goto out;
  DWORD e = GetNamedSecurityInfoW(path, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                                  &old, NULL, &sd);
  if (e != ERROR_SUCCESS) {
    cd_win_error(err, e, "read the ACL of %s", ace->path);
    goto out;
  }
  if (cd_acl_has(old, ace, sid)) {
    r = 0;
    goto out;
  }
  if (cd_acl_merge(old, ace, sid, &merged, err) < 0)
    goto out;
  /* Neither PROTECTED nor UNPROTECTED: the object keeps inheriting (or not) as it
   * did; the system then propagates inheritable ACEs to the whole subtree, which
   * is why read grants on big trees go to the background helper. */
  e = SetNamedSecurityInfoW(path, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                            merged, NULL);
  if (e != ERROR_SUCCESS) {
    cd_win_error(err, e, "write the ACL of %s", ace->path);
    goto out;
  }
  r = 0;
out:
  LocalFree(merged);
  LocalFree(sd);
  LocalFree(sid);
  free(path);
  return r;
}

int cd_acl_apply_list(const cd_win_ace *aces, size_t n, cd_acl_which which,
                      cordon_error *err) {
  for (size_t i = 0; i < n; i++) {
    if ((which == CD_ACL_IMMEDIATE && aces[i].deferred) ||
        (which == CD_ACL_DEFERRED && !aces[i].deferred))
      continue;
    if (cd_acl_apply_one(&aces[i], err) < 0)
      return cd_error_prefix(err, "%s %s ACE (%s)",
                             aces[i].type == CD_WIN_ACE_DENY ? "deny" : "allow",
                             aces[i].trustee == CD_WIN_TRUSTEE_GROUP
                                 ? CD_WIN_GROUP
                                 : cd_win_cap_name(aces[i].cap),
                             cd_win_ace_why_name(aces[i].why));
  }
  return 0;
}
