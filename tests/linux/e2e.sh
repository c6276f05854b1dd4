# Shared helpers of the end-to-end tests of `cordon run` (tests/linux/test_run_*.sh).
# Source it. CORDON is the binary, NO_USERNS the helper that runs a command where
# user namespaces are unavailable. Every test drives the real binary in a real
# sandbox and then looks at the host side: what must not have changed has not.
#
# Host-side probes live under /var/tmp (the sandbox's /tmp is private, so a probe
# there would prove nothing). Every wait is bounded; every process started here is
# killed by id on exit.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/tap.sh"

export LC_ALL=C
# Diagnostics may span lines (file listings, logs): every line gets its "# ", or the
# TAP reader takes it for output it does not know.
not_ok() {
  tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
  echo "not ok $tap_n - $1"
  shift
  local line
  for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}
# The directory every test works in: the workspace's parent, the fake HOME, ...
E2E=$(mktemp -d /var/tmp/cordon-e2e.XXXXXXXX)
chmod 755 "$E2E"
# A string no other process on the machine has in its command line.
MARK=cordon-e2e-$$-$RANDOM$RANDOM
e2e_pids=()

# Is pid $1 still a child of this shell (and not a recycled pid)?
our_child() { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f2)" = "$$" ]; }

tap_cleanup() {
  local p
  for p in "${e2e_pids[@]}"; do our_child "$p" && kill -9 "$p" 2>/dev/null; done
  for p in "${e2e_pids[@]}"; do wait "$p" 2>/dev/null; done
  e2e_pids=()
  rm -rf "$tap_tmp" "$E2E" 2>/dev/null
  # Probes a broken sandbox would have let through (their names hold the marker).
  local d
  case "${MARK:-}" in cordon-e2e-?*) ;; *) return 0 ;; esac
  for d in /etc /var/tmp /dev/shm /tmp /usr/local /opt /root /var/lib /run /srv; do
    rm -rf "$d/$MARK"* 2>/dev/null
  done
  rmdir /sys/fs/cgroup/"$MARK"* 2>/dev/null
  return 0
}
trap 'tap_cleanup' EXIT
trap 'exit 130' INT TERM HUP

# Skip the whole script (TAP plan 1..0).
skip_all() {
  echo "1..0 # SKIP $1"
  trap - EXIT
  tap_cleanup
  exit 0
}

# skip NAME REASON: a check that cannot run here.
skip() { ok "$1 # SKIP $2"; }

# The environment every sandbox starts from: a fake HOME with no secrets (tests add
# them), no config file, no proxy, no agent variables. CORDON_HOME outside HOME.
e2e_env() {
  export HOME=$E2E/home XDG_CONFIG_HOME=$E2E/home/.config XDG_STATE_HOME=$E2E/home/.local/state
  export CORDON_HOME=$E2E/state
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  unset TMPDIR HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy NO_PROXY no_proxy
  unset GIT_CONFIG_COUNT GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE SSH_AUTH_SOCK SSH_AGENT_PID
  unset DISPLAY WAYLAND_DISPLAY XAUTHORITY DBUS_SESSION_BUS_ADDRESS
  export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.invalid
  export GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.invalid
  # git never looks for a repository above the test's directory.
  export GIT_CEILING_DIRECTORIES=$E2E
  mkdir -p "$HOME/.config"
  echo "plain home file" >"$HOME/notes.txt"
}
e2e_env
# Relative paths of the test itself land in its own directory, never in the tree.
cd "$E2E" || exit 1

# A prefix for every sandbox run (the unprivileged tests set it to setpriv ...).
e2e_as=()
# sb WS [FLAGS...] -- CMD...: cordon run in WS, bounded. WS must be a directory made
# by the test: nothing here may ever run in the source tree.
sb() {
  local ws=$1; shift
  case "$ws" in
    "$E2E"/?*|/tmp/cordon-e2e-ws.?*) ;;
    *) echo "e2e: refusing workspace '$ws' outside the test's directories" >&2; return 124 ;;
  esac
  [ -d "$ws" ] || { echo "e2e: workspace '$ws' is gone" >&2; return 124; }
  "${e2e_as[@]}" timeout -k 5 "${E2E_TIMEOUT:-120}" "$CORDON" run --cwd "$ws" "$@"
}

# The shell snippet wrapper: runs SNIPPET and prints E2E-ALLOWED or E2E-DENIED, so a
# check of "denied" cannot pass because cordon itself failed to start the command.
e2e_wrap() { printf 'if { %s\n} >/dev/null 2>&1; then echo E2E-ALLOWED; else echo E2E-DENIED; fi' "$1"; }

# try NAME WANT WS SNIPPET [FLAGS...]: run the shell SNIPPET in the sandbox, check it
# ran (exit 0) and was allowed or denied as WANT says (allowed|denied).
try() {
  local name=$1 want=$2 ws=$3 snippet=$4; shift 4
  local got=0
  sb "$ws" "$@" -- sh -c "$(e2e_wrap "$snippet")" >"$tap_tmp/out" 2>"$tap_tmp/err" </dev/null || got=$?
  out=$(cat "$tap_tmp/out"); err=$(cat "$tap_tmp/err")
  local token=E2E-DENIED
  [ "$want" = allowed ] && token=E2E-ALLOWED
  if [ "$got" = 0 ] && [ "$out" = "$token" ]; then ok "$name"; else
    not_ok "$name" "wanted $want: $snippet" "cordon exit $got" "stdout: ${out:0:400}" "stderr: ${err:0:400}"
  fi
}

# leaks NAME SECRET WS [FLAGS...] -- CMD...: run CMD in the sandbox and check that
# nothing it printed (stdout or stderr) holds SECRET.
leaks() {
  local name=$1 secret=$2 ws=$3; shift 3
  sb "$ws" "$@" >"$tap_tmp/leak" 2>&1 </dev/null
  lacks "$name" "$(cat -v "$tap_tmp/leak")" "$secret"
}

# A description of PATH (a file or a tree) that changes when anything in it does:
# type, mode, links, size, mtime, ctime, inode, owner, symlink target, content hash.
snap() {
  if [ ! -e "$1" ] && [ ! -L "$1" ]; then echo "ABSENT $1"; return; fi
  find "$1" -printf '%y %m %n %s %T@ %C@ %i %U:%G %p -> %l\n' 2>&1 | sort
  find "$1" -type f -exec sha256sum {} + 2>&1 | sort
}
# same NAME BEFORE AFTER: two snapshots are equal.
same() {
  if [ "$2" = "$3" ]; then ok "$1"; else
    not_ok "$1" "changed on the host:" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20)"
  fi
}
# absent NAME PATH: PATH does not exist on the host.
absent() {
  if [ -e "$2" ] || [ -L "$2" ]; then not_ok "$1" "'$2' exists on the host: $(ls -la "$2" 2>&1 | head -3)"
  else ok "$1"; fi
}
# has_content NAME FILE TEXT: FILE exists on the host and holds exactly TEXT.
has_content() {
  local got
  if ! got=$(cat "$2" 2>&1); then not_ok "$1" "'$2' is missing on the host: $got"
  elif [ "$got" = "$3" ]; then ok "$1"
  else not_ok "$1" "'$2' holds '${got:0:200}', expected '$3'"; fi
}
# one_line NAME TEXT: TEXT is exactly one non-empty line.
one_line() {
  if [ -n "$2" ] && [ "$(printf '%s\n' "$2" | wc -l)" = 1 ]; then ok "$1"; else
    not_ok "$1" "expected one line on stderr, got:" "${2:0:600}"; fi
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s, for at most SECONDS.
wait_until() {
  local limit=$(( $1 * 10 )) i=0; shift
  while ! "$@"; do
    i=$((i + 1))
    [ "$i" -ge "$limit" ] && return 1
    sleep 0.1
  done
}
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }
# pids of processes whose argv[0] is $1 (set with `exec -a`; a marker made of
# letters, digits and dashes). cordon's own command line may hold the marker too,
# but never at its start.
pids_argv0() { pgrep -f -- "^$1( |\$)" || true; }
none_argv0() { [ -z "$(pids_argv0 "$1")" ]; }
some_argv0() { [ -n "$(pids_argv0 "$1")" ]; }

# victim MARKER: a host `sleep 300` whose argv[0] is MARKER; sets $victim to its pid.
victim() {
  (exec -a "$1" sleep 300) &
  victim=$!
  e2e_pids+=("$victim")
  wait_until 5 grep -q -- "$1" "/proc/$victim/cmdline" 2>/dev/null
}

# A python3 that works for any user (pyenv shims under /root do not).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
