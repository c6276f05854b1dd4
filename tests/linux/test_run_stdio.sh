#!/usr/bin/env bash
# cordon run, stdio and environment: stdin arrives, stdout and stderr stay separate
# and byte-exact, a terminal stays a terminal; the agent and display variables are
# removed unless kept, the others pass, and git gets safe.directory.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws/sub"

# stdin, stdout, stderr.
got=$(printf 'line one\nline two\n' | sb "$ws" -- cat)
[ "$got" = $'line one\nline two' ] && ok "stdin piped in arrives" || not_ok "stdin piped in arrives" "got '$got'"
head -c 1048576 /dev/urandom >"$E2E/blob"
want=$(sha256sum <"$E2E/blob")
got=$(sb "$ws" -- cat <"$E2E/blob" | sha256sum)
[ "$got" = "$want" ] && ok "1 MiB of binary stdin comes back byte-exact" || not_ok "1 MiB of binary stdin comes back byte-exact" "$got"
expect_status "stdout and stderr" 0 sb "$ws" -- sh -c 'echo to-out; echo to-err >&2; echo more-out'
[ "$out" = $'to-out\nmore-out' ] && ok "stdout holds only stdout" || not_ok "stdout holds only stdout" "$out"
[ "$err" = "to-err" ] && ok "stderr holds only stderr" || not_ok "stderr holds only stderr" "$err"
expect_status "stdin at EOF" 0 sb "$ws" -- cat </dev/null
[ -z "$out" ] && ok "stdin at EOF: no output" || not_ok "stdin at EOF: no output" "$out"
got=$(sb "$ws" -- yes | head -n 2; echo "status ${PIPESTATUS[0]}")
[ "$got" = $'y\ny\nstatus 141' ] && ok "a closed stdout: the command gets SIGPIPE (141)" ||
  not_ok "a closed stdout: the command gets SIGPIPE (141)" "$got"
expect_status "no terminal when piped" 0 sb "$ws" -- sh -c 'test -t 0 || test -t 1 || echo NOT-A-TTY'
[ "$out" = NOT-A-TTY ] && ok "pipes stay pipes" || not_ok "pipes stay pipes" "$out"
got=$(sb "$ws" -- sh -c 'echo to-err >&2' 2>&1 >/dev/null)
[ "$got" = to-err ] && ok "stderr redirected alone" || not_ok "stderr redirected alone" "$got"
got=$(sb "$ws" -- sh -c 'ls -l /proc/self/fd/ | grep -c -- "->"')
[ "$got" -le 4 ] 2>/dev/null && ok "only stdio (and ls's own fd) are open in the command" ||
  not_ok "only stdio (and ls's own fd) are open in the command" "$got fds: $(sb "$ws" -- ls -l /proc/self/fd/ 3</dev/null)"
# An inherited descriptor to a host directory is not passed on.
got=$(sb "$ws" -- sh -c 'test -e /proc/self/fd/7 && echo FD7-OPEN || echo FD7-CLOSED' 7<"$HOME")
[ "$got" = FD7-CLOSED ] && ok "an inherited fd (7, a host directory) is closed" || not_ok "an inherited fd (7, a host directory) is closed" "$got"
# Nor does pid 1 keep it where the command could reopen it (/proc/1/fd), and pid 1's
# /proc entries are closed to the command.
got=$(sb "$ws" -- sh -c 'ls /proc/1/fd/7 >/dev/null 2>&1 && echo PID1-FD7 || echo PID1-CLOSED; cat /proc/1/environ >/dev/null 2>&1 && echo ENVIRON-READ || echo ENVIRON-CLOSED' 7<"$HOME")
contains "pid 1 holds no inherited descriptor" "$got" "PID1-CLOSED"
contains "pid 1's environment is closed to the command" "$got" "ENVIRON-CLOSED"

# A terminal stays a terminal (script gives cordon a pty).
term_out=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- sh -c 'test -t 0 && test -t 1 && test -t 2 && echo TTY-YES'" /dev/null </dev/null 2>&1)
contains "under script: stdin, stdout, stderr are terminals" "$term_out" "TTY-YES"
term_out=$(printf 'typed-%s\n' "$MARK" | timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- sh -c 'read x; echo got:\$x'" /dev/null 2>&1)
contains "under script: terminal input reaches the command" "$term_out" "got:typed-$MARK"
term_out=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- sh -c 'exit 7'" /dev/null </dev/null 2>&1; echo "status $?")
contains "under script: the exit status passes" "$term_out" "status 7"
term_out=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- sh -c 'stty -a >/dev/null && echo STTY-OK'" /dev/null </dev/null 2>&1)
contains "under script: termios works (stty)" "$term_out" "STTY-OK"

# Environment.
export SSH_AUTH_SOCK=$E2E/agent.sock SSH_AGENT_PID=4242 DISPLAY=:42 WAYLAND_DISPLAY=wayland-42
export XAUTHORITY=$HOME/.Xauthority DBUS_SESSION_BUS_ADDRESS=unix:path=$E2E/bus
export E2E_KEEP="a value with spaces = and 'quotes'" E2E_MULTI=$'first\nsecond' LANG=C.UTF-8
removed=(SSH_AUTH_SOCK SSH_AGENT_PID DISPLAY WAYLAND_DISPLAY XAUTHORITY DBUS_SESSION_BUS_ADDRESS)
expect_status "env runs" 0 sb "$ws" -- "$PY" -c 'import os; print("\n".join(sorted(os.environ)))'
envs=$out
for v in "${removed[@]}"; do
  if grep -qx "$v" <<<"$envs"; then not_ok "$v removed" "present inside"; else ok "$v removed"; fi
done
expect_status "other variables" 0 sb "$ws" -- "$PY" -c 'import os; print(os.environ.get("E2E_KEEP")); print(os.environ.get("E2E_MULTI").replace("\n", "<NL>")); print(os.environ["HOME"]); print(os.environ["PATH"]); print(os.environ["LANG"])'
[ "$out" = "$(printf '%s\n' "$E2E_KEEP" "first<NL>second" "$HOME" "$PATH" C.UTF-8)" ] &&
  ok "other variables pass unchanged (spaces, quotes, newlines, HOME, PATH, LANG)" ||
  not_ok "other variables pass unchanged (spaces, quotes, newlines, HOME, PATH, LANG)" "$out"
expect_status "--keep-env SSH_AUTH_SOCK" 0 sb "$ws" --keep-env SSH_AUTH_SOCK -- sh -c 'echo "$SSH_AUTH_SOCK|${DISPLAY-unset}"'
[ "$out" = "$SSH_AUTH_SOCK|unset" ] && ok "--keep-env keeps that one only" || not_ok "--keep-env keeps that one only" "$out"
expect_status "--keep-env twice" 0 sb "$ws" --keep-env DISPLAY --keep-env DBUS_SESSION_BUS_ADDRESS -- \
  sh -c 'echo "$DISPLAY|$DBUS_SESSION_BUS_ADDRESS|${WAYLAND_DISPLAY-unset}"'
[ "$out" = ":42|unix:path=$E2E/bus|unset" ] && ok "--keep-env twice keeps both" || not_ok "--keep-env twice keeps both" "$out"
unset "${removed[@]}" E2E_KEEP E2E_MULTI

# git: safe.directory for the worktree root through GIT_CONFIG_*.
git -C "$ws" init -q
expect_status "GIT_CONFIG_* set" 0 sb "$ws" -- sh -c 'echo "$GIT_CONFIG_COUNT|$GIT_CONFIG_KEY_0|$GIT_CONFIG_VALUE_0"'
[ "$out" = "1|safe.directory|$ws" ] && ok "GIT_CONFIG_* carry safe.directory = the workspace" ||
  not_ok "GIT_CONFIG_* carry safe.directory = the workspace" "$out"
expect_status "git sees safe.directory" 0 sb "$ws" -- git config --get-all safe.directory
[ "$out" = "$ws" ] && ok "git config reads safe.directory" || not_ok "git config reads safe.directory" "$out"
expect_status "from a subdirectory" 0 sb "$ws/sub" -- sh -c 'echo "$GIT_CONFIG_VALUE_0"'
[ "$out" = "$ws" ] && ok "safe.directory is the worktree root from a subdirectory" ||
  not_ok "safe.directory is the worktree root from a subdirectory" "$out"
GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=Preset \
  expect_status "caller's GIT_CONFIG_* kept" 0 sb "$ws" -- sh -c 'echo "$GIT_CONFIG_COUNT|$(git config user.name)|$(git config --get-all safe.directory)"'
[ "$out" = "2|Preset|$ws" ] && ok "the caller's GIT_CONFIG entries are kept, safe.directory appended" ||
  not_ok "the caller's GIT_CONFIG entries are kept, safe.directory appended" "$out"
mkdir -p "$E2E/nogit"
expect_status "no repository" 0 sb "$E2E/nogit" -- sh -c 'echo "${GIT_CONFIG_COUNT-unset}"'
[ "$out" = unset ] && ok "no repository: no GIT_CONFIG_COUNT" || not_ok "no repository: no GIT_CONFIG_COUNT" "$out"

tap_done
