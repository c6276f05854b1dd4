#!/usr/bin/env bash
# cordon run, exit status and signals: the command's status; 128+N when it is killed
# by signal N; 126/127 for not executable / not found; 125 with one line on stderr
# for a cordon error (and then the command never runs). SIGTERM, SIGINT and SIGHUP
# sent to cordon reach the command.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws/adir"
printf '#!/bin/sh\necho never\n' >"$ws/not-exec.sh"
chmod 644 "$ws/not-exec.sh"

# The command's own status.
for code in 0 1 2 42 124 125 126 127 255; do
  expect_status "exit $code passes through" "$code" sb "$ws" -- sh -c "exit $code"
done
expect_status "true" 0 sb "$ws" -- true
expect_status "false" 1 sb "$ws" -- false

# Killed by a signal: 128+N.
for sig in TERM:15 KILL:9 USR1:10 HUP:1 INT:2; do
  expect_status "killed by SIG${sig%:*}: $((128 + ${sig#*:}))" "$((128 + ${sig#*:}))" \
    sb "$ws" -- env --default-signal sh -c "kill -${sig%:*} \$\$; sleep 10"
done
expect_status "killed by SIGSEGV: 139" 139 sb "$ws" -- "$PY" -c "import os, resource; resource.setrlimit(resource.RLIMIT_CORE, (0, 0)); os.kill(os.getpid(), 11)"

# Not executable, not found.
expect_status "not executable: 126" 126 sb "$ws" -- ./not-exec.sh
lacks "not executable: it did not run" "$out" "never"
expect_status "a directory: 126" 126 sb "$ws" -- ./adir
expect_status "not found in PATH: 127" 127 sb "$ws" -- "no-such-command-$MARK"
contains "not found: says so" "$err" "no-such-command-$MARK"
expect_status "not found by path: 127" 127 sb "$ws" -- ./missing-$MARK
expect_status "not found by absolute path: 127" 127 sb "$ws" -- "/nonexistent/$MARK"

# cordon's own errors: 125, one line, and the command never runs.
ran=$ws/ran
cordon_error() {
  local name=$1; shift
  rm -f "$ran"
  expect_status "$name: 125" 125 timeout -k 5 60 "$CORDON" "$@"
  one_line "$name: one line on stderr" "$err"
  absent "$name: the command did not run" "$ran"
}
cordon_error "bad flag" run --cwd "$ws" --no-such-flag -- touch "$ran"
cordon_error "bad flag after a good one" run --cwd "$ws" --network online --bogus=1 -- touch "$ran"
cordon_error "missing --cwd directory" run --cwd "$E2E/no-such-dir" -- touch "$ran"
cordon_error "--cwd is a file" run --cwd "$ws/not-exec.sh" -- touch "$ran"
cordon_error "--network proxy" run --cwd "$ws" --network proxy --proxy-port 3128 -- touch "$ran"
cordon_error "--network proxy without ports" run --cwd "$ws" --network proxy -- touch "$ran"
cordon_error "bad --mode" run --cwd "$ws" --mode sideways -- touch "$ran"
cordon_error "bad --network" run --cwd "$ws" --network wifi -- touch "$ran"
cordon_error "missing flag argument" run --cwd "$ws" --writable
cordon_error "no command" run --cwd "$ws"
cordon_error "no command after --" run --cwd "$ws" --
cordon_error "a bad config file" run --cwd "$ws" --config "$E2E/no-such.toml" -- touch "$ran"
ln -s "$ws/adir" "$ws/.codex"
cordon_error "a protected name that is a symlink" run --cwd "$ws" -- touch "$ran"
rm -f "$ws/.codex"
expect_status "run --help: 0" 0 "$CORDON" run --help
contains "run --help names --require-namespaces" "$out" "--require-namespaces"

# Signals sent to cordon reach the command: a trap writes a marker in the workspace
# and exits 3. (env --default-signal: a background job of this shell starts with
# SIGINT ignored, and a shell cannot trap a signal ignored at its start.)
for sig in TERM INT HUP QUIT; do
  rm -f "$ws/ready-$sig" "$ws/got-$sig"
  env --default-signal timeout -k 5 120 "$CORDON" run --cwd "$ws" -- \
    sh -c "trap 'echo $sig >got-$sig; exit 3' $sig; echo >ready-$sig; while :; do sleep 0.1; done" \
    </dev/null >/dev/null 2>&1 &
  tpid=$!
  e2e_pids+=("$tpid")
  if ! wait_until 20 test -e "$ws/ready-$sig"; then
    not_ok "SIG$sig reaches the command" "the command never started"
    continue
  fi
  # The signal goes to cordon itself, not to timeout.
  cpid=$(pgrep -P "$tpid" -x cordon | head -1)
  kill -"$sig" "$cpid"
  st=0
  wait "$tpid" || st=$?
  has_content "SIG$sig reaches the command (its trap ran)" "$ws/got-$sig" "$sig"
  [ "$st" = 3 ] && ok "SIG$sig: cordon exits with the command's status 3" ||
    not_ok "SIG$sig: cordon exits with the command's status 3" "exit $st"
done

# An untrapped SIGTERM to cordon: the command dies of it, cordon exits 143.
rm -f "$ws/ready-plain"
env --default-signal timeout -k 5 120 "$CORDON" run --cwd "$ws" -- sh -c "echo >ready-plain; exec sleep 300" </dev/null >/dev/null 2>&1 &
tpid=$!
e2e_pids+=("$tpid")
if wait_until 20 test -e "$ws/ready-plain"; then
  kill -TERM "$(pgrep -P "$tpid" -x cordon | head -1)"
  st=0
  wait "$tpid" || st=$?
  [ "$st" = 143 ] && ok "SIGTERM to cordon, untrapped: 143" || not_ok "SIGTERM to cordon, untrapped: 143" "exit $st"
else
  not_ok "SIGTERM to cordon, untrapped: 143" "the command never started"
fi

# The signal reaches the command's whole pipeline (its process group): the outer
# shell survives it (trap :) and waits, so the stage's trap can finish.
rm -f "$ws/ready-pipe" "$ws/got-pipe"
env --default-signal timeout -k 5 120 "$CORDON" run --cwd "$ws" -- \
  sh -c "trap : TERM; sh -c 'trap \"echo pipe >got-pipe; exit 0\" TERM; echo >ready-pipe; while :; do sleep 0.1; done' | cat" \
  </dev/null >/dev/null 2>&1 &
tpid=$!
e2e_pids+=("$tpid")
if wait_until 20 test -e "$ws/ready-pipe"; then
  kill -TERM "$(pgrep -P "$tpid" -x cordon | head -1)"
  wait "$tpid"
  has_content "SIGTERM reaches a pipeline's first stage" "$ws/got-pipe" "pipe"
else
  not_ok "SIGTERM reaches a pipeline's first stage" "the command never started"
fi

# Job control: SIGTSTP to cordon (what Ctrl-Z sends to the foreground group) must
# stop the command too, or the shell reports "Stopped" while the command runs on.
state_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }
is_stopped() { [ "$(state_of "$1")" = T ]; }
is_running() { local s; s=$(state_of "$1"); [ -n "$s" ] && [ "$s" != T ]; }
env --default-signal timeout -k 5 120 "$CORDON" run --cwd "$ws" -- bash -c "exec -a $MARK-tstp sleep 300" </dev/null >/dev/null 2>&1 &
tpid=$!
e2e_pids+=("$tpid")
if wait_until 20 some_argv0 "$MARK-tstp"; then
  spid=$(pids_argv0 "$MARK-tstp")
  cpid=$(pgrep -P "$tpid" -x cordon | head -1)
  kill -TSTP "$cpid"
  wait_until 10 is_stopped "$spid" && ok "SIGTSTP to cordon stops the command" ||
    not_ok "SIGTSTP to cordon stops the command" "cordon: $(state_of "$cpid"), command: $(state_of "$spid")"
  kill -CONT "$cpid"
  wait_until 10 is_running "$spid" && ok "SIGCONT to cordon resumes the command" ||
    not_ok "SIGCONT to cordon resumes the command" "cordon: $(state_of "$cpid"), command: $(state_of "$spid")"
  kill -CONT "$spid" 2>/dev/null
  kill -TERM "$cpid"
  st=0
  wait "$tpid" || st=$?
  [ "$st" = 143 ] && ok "after stop and resume, SIGTERM still ends it: 143" || not_ok "after stop and resume, SIGTERM still ends it: 143" "exit $st"
else
  not_ok "SIGTSTP to cordon stops the command" "the command never started"
fi

tap_done
