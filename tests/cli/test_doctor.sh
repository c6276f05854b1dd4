#!/usr/bin/env bash
# End-to-end tests of `cordon doctor`: the report's keys, and its values against
# what this script observes of the machine by other means.
. "$(dirname "$0")/tap.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
skip() { ok "$1 # SKIP $2"; }
# same NAME GOT WANT
same() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi
}

expect_status "doctor" 0 "$CORDON" doctor
text=$out
for label in "kernel" "user namespaces" "landlock" "seccomp" "sandbox" "read-only" \
  "workspace-write" "danger-full-access" "network offline" "network online"; do
  contains "text has '$label'" "$text" "$label "
done
contains "text: proxy is said plainly" "$text" "network proxy        no: not yet implemented"

expect_status "doctor --json" 0 "$CORDON" doctor --json
report=$out
for key in "['kernel']" "['user_namespaces']['available']" "['user_namespaces']['reason']" \
  "['landlock']['abi']" "['landlock']['enabled']" "['seccomp']['available']" \
  "['modes']['backend']" "['modes']['read-only']['runs']" "['modes']['workspace-write']['runs']" \
  "['modes']['danger-full-access']['runs']" "['modes']['network']['offline']['runs']" \
  "['modes']['network']['online']['runs']" "['modes']['network']['proxy']['note']"; do
  got=$(printf '%s' "$report" | python3 -c "import json,sys; d=json.load(sys.stdin); d$key; print('yes')" 2>&1)
  same "json has $key" "$got" yes
done
get() { printf '%s' "$report" | json "$1"; }

same "kernel is uname -r" "$(get "d['kernel']")" "$(uname -r)"

# Landlock: ask the kernel directly (landlock_create_ruleset with the VERSION flag).
# 444 on every architecture but alpha (syscalls added since Linux 5.1 share numbers).
abi=$(python3 -c '
import ctypes
r = ctypes.CDLL(None, use_errno=True).syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint(1))
print(max(r, 0))')
same "landlock abi matches the kernel" "$(get "d['landlock']['abi']")" "$abi"
same "landlock enabled iff abi > 0" "$(get "d['landlock']['enabled']")" "$([ "$abi" -gt 0 ] && echo True || echo False)"
# The LSM list, from securityfs; where it is not mounted, root can mount it in a
# private mount namespace, leaving the machine as it was.
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null ||
  unshare --mount sh -c 'mount -t securityfs securityfs /sys/kernel/security &&
    cat /sys/kernel/security/lsm' 2>/dev/null)
if [ -n "$lsm" ]; then
  listed=$(case ",$lsm," in *,landlock,*) echo yes ;; *) echo no ;; esac)
  same "landlock in the LSM list iff abi > 0" "$listed" "$([ "$abi" -gt 0 ] && echo yes || echo no)"
else
  skip "landlock in the LSM list iff abi > 0" "securityfs is not readable here"
fi

# User namespaces: try them the way cordon needs them (a user, then a mount namespace).
if command -v unshare >/dev/null; then
  userns=$(unshare --user --mount true 2>/dev/null && echo True || echo False)
  same "user namespaces as unshare(1) finds them" "$(get "d['user_namespaces']['available']")" "$userns"
else
  skip "user namespaces as unshare(1) finds them" "no unshare(1)"
fi

# seccomp: the kernel reports a Seccomp field per process and lists the errno action.
seccomp=False
if grep -q '^Seccomp:' /proc/self/status && grep -qw errno /proc/sys/kernel/seccomp/actions_avail 2>/dev/null; then
  seccomp=True
fi
same "seccomp as /proc says" "$(get "d['seccomp']['available']")" "$seccomp"

# Which modes run follows from those facts.
userns=$(get "d['user_namespaces']['available']")
if [ "$seccomp" = False ]; then backend=none
elif [ "$userns" = True ]; then backend=namespaces
elif [ "$abi" -gt 0 ]; then backend=landlock-seccomp
else backend=none; fi
same "backend follows" "$(get "d['modes']['backend']")" "$backend"
same "danger-full-access always runs" "$(get "d['modes']['danger-full-access']['runs']")" yes
same "proxy: not yet implemented" "$(get "d['modes']['network']['proxy']['runs']"): $(get "d['modes']['network']['proxy']['note']")" "no: not yet implemented"
if [ "$backend" = namespaces ]; then
  same "with namespaces, workspace-write runs" "$(get "d['modes']['workspace-write']['runs']")" yes
  same "with namespaces, offline runs" "$(get "d['modes']['network']['offline']['runs']")" yes
fi

# Without user namespaces: inside a user namespace whose max_user_namespaces is 0,
# cordon cannot make its own, and must say why and what still runs.
if unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_user_namespaces' 2>/dev/null; then
  expect_status "doctor without user namespaces" 0 unshare --user --map-root-user sh -c \
    'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" doctor --json' "$CORDON"
  report=$out
  same "no userns: unavailable" "$(get "d['user_namespaces']['available']")" False
  contains "no userns: the reason names the sysctl" "$(get "d['user_namespaces']['reason']")" "user.max_user_namespaces = 0"
  if [ "$abi" -gt 0 ] && [ "$seccomp" = True ]; then
    same "no userns: the fallback" "$(get "d['modes']['backend']")" landlock-seccomp
    same "no userns: workspace-write is limited" "$(get "d['modes']['workspace-write']['runs']")" limited
    contains "no userns: what is refused" "$(get "d['modes']['workspace-write']['note']")" "read-only carveout (e.g. .git) is inside a writable root"
    same "no userns: offline needs ABI 4" "$(get "d['modes']['network']['offline']['runs']")" \
      "$([ "$abi" -ge 4 ] && echo yes || echo no)"
  else
    same "no userns, no Landlock: danger-full-access only" "$(get "d['modes']['workspace-write']['runs']")" no
  fi
  expect_status "doctor text without user namespaces" 0 unshare --user --map-root-user sh -c \
    'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" doctor' "$CORDON"
  contains "no userns: text says why" "$out" "user namespaces      no: unshare(CLONE_NEWUSER)"
else
  skip "doctor without user namespaces" "cannot make a user namespace to restrict"
fi

expect_status "doctor --help" 0 "$CORDON" doctor --help
contains "help names --json" "$out" "--json"
expect_status "bad flag" 125 "$CORDON" doctor --bogus
contains "bad flag message" "$err" "doctor: bad option '--bogus'"
same "bad flag: one line" "$(printf '%s\n' "$err" | wc -l)" 1
expect_status "stray argument" 125 "$CORDON" doctor extra
contains "stray argument message" "$err" "unexpected argument 'extra'"

tap_done
