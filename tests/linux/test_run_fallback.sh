#!/usr/bin/env bash
# cordon run without user namespaces (NO_USERNS blocks them with a seccomp filter):
# Landlock + seccomp alone run the plans they can express exactly, and refuse the
# others (a .git to keep read-only, a secret to hide, --require-namespaces) with 125
# and one line that says how to enable user namespaces.
. "$(dirname "$0")/e2e.sh"

: "${NO_USERNS:?NO_USERNS must name the no_userns helper}"
nu=("$NO_USERNS")
"${nu[@]}" true || skip_all "no_userns cannot run here"
if "${nu[@]}" unshare -U true 2>/dev/null; then
  not_ok "control: no_userns blocks user namespaces" "unshare -U succeeded under $NO_USERNS"
else
  ok "control: no_userns blocks user namespaces"
fi
abi=$("$PY" -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); print(l.syscall(444, None, 0, 1))' 2>/dev/null)
[ "${abi:-0}" -ge 6 ] 2>/dev/null || skip_all "Landlock ABI ${abi:-?} < 6"

# A workspace without .git and a home without secrets: the plan Landlock can express.
ws=$E2E/ws
mkdir -p "$ws" "$E2E/extra" "$E2E/outdir"
echo "outside" >"$E2E/outdir/file"
e2e_as=("${nu[@]}")
probe=$MARK-probe

# no_userns loads a filter itself: cordon's own must come on top of it.
base=$("${nu[@]}" awk '/^Seccomp_filters:/ {print $2}' /proc/self/status)
expect_status "fallback: runs" 0 sb "$ws" -- awk '/^Seccomp_filters:/ {print $2}' /proc/self/status
[ -n "$base" ] && [ "${out:-0}" -gt "$base" ] 2>/dev/null && ok "fallback: cordon's seccomp filter is loaded ($out > $base)" ||
  not_ok "fallback: cordon's seccomp filter is loaded" "filters inside: '$out', under no_userns alone: '$base'"
try "fallback: workspace write" allowed "$ws" "echo in-fallback >f && mkdir -p a/b && echo deep >a/b/c"
has_content "fallback: the write is on the host" "$ws/f" "in-fallback"
has_content "fallback: the nested write is on the host" "$ws/a/b/c" "deep"
try "fallback: reads work" allowed "$ws" "cat /etc/hostname >/dev/null && ls / >/dev/null"
before=$(snap "$E2E/outdir")
home_before=$(snap "$HOME")
try "fallback: the workspace's parent: create refused" denied "$ws" "echo x >../$probe"
absent "fallback: no file in the parent" "$E2E/$probe"
try "fallback: a file outside: append refused" denied "$ws" "echo x >>../outdir/file"
try "fallback: a file outside: delete refused" denied "$ws" "rm -f ../outdir/file && test ! -e ../outdir/file"
try "fallback: home: create refused" denied "$ws" "echo x >\"\$HOME/$probe\""
try "fallback: home: append refused" denied "$ws" "echo x >>\"\$HOME/notes.txt\""
try "fallback: /var/tmp: create refused" denied "$ws" "echo x >/var/tmp/$probe"
absent "fallback: no file in /var/tmp" "/var/tmp/$probe"
try "fallback: /etc: create refused" denied "$ws" "echo x >/etc/$probe"
absent "fallback: no file in /etc" "/etc/$probe"
try "fallback: the host's /dev/shm: create refused" denied "$ws" "echo x >/dev/shm/$probe"
absent "fallback: no file in /dev/shm" "/dev/shm/$probe"
ln -s "$E2E/outdir/file" "$ws/out-link"
try "fallback: write through a symlink out refused" denied "$ws" "echo x >>out-link"
try "fallback: hardlink of an outside file refused" denied "$ws" "ln ../outdir/file hl && test -e hl"
try "fallback: rename an outside file in refused" denied "$ws" "mv ../outdir/file ./moved && test ! -e ../outdir/file"
same "fallback: the outside files unchanged" "$before" "$(snap "$E2E/outdir")"
same "fallback: home unchanged" "$home_before" "$(snap "$HOME")"
try "fallback: --writable extra root" allowed "$ws" "echo extra >$E2E/extra/f" --writable "$E2E/extra"
has_content "fallback: the extra root's write is on the host" "$E2E/extra/f" "extra"
try "fallback: read-only mode" denied "$ws" "echo x >ro-$probe" --mode read-only
absent "fallback: read-only mode wrote nothing" "$ws/ro-$probe"

# Processes: the host's are visible (no pid namespace) but cannot be signalled.
victim "$MARK-victim"
try "fallback: a host process cannot be signalled" denied "$ws" "kill -0 $victim"
try "fallback: a host process cannot be killed" denied "$ws" "kill -9 $victim"
alive "$victim" && ok "fallback: the host process is still alive" || not_ok "fallback: the host process is still alive"
try "fallback: no new user namespace" denied "$ws" "unshare -U true"

# Network (offline): no TCP, no UDP, no abstract unix socket to the host.
cat >"$E2E/listen.py" <<'PY'
import select, socket, sys
log = open(sys.argv[1], "a", buffering=1)
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(8)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
a = socket.socket(socket.AF_UNIX); a.bind("\0" + sys.argv[3]); a.listen(8)
open(sys.argv[2] + ".tmp", "w").write("%d %d\n" % (t.getsockname()[1], u.getsockname()[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
conns = []
while True:
    r, _, _ = select.select([t, u, a] + conns, [], [], 600)
    if not r:
        break
    for s in r:
        if s in (t, a):
            c, _ = s.accept(); conns.append(c); log.write("accept\n")
        elif s is u:
            log.write("udp %s\n" % s.recv(4096).decode(errors="replace"))
        else:
            d = s.recv(4096)
            if d:
                log.write("data %s\n" % d.decode(errors="replace"))
            else:
                conns.remove(s); s.close()
PY
"$PY" "$E2E/listen.py" "$E2E/listen.log" "$E2E/ports" "$MARK-abs" &
e2e_pids+=($!)
if wait_until 20 test -s "$E2E/ports"; then
  read -r tport uport <"$E2E/ports"
  : >>"$E2E/listen.log"
  try "fallback offline: TCP to the host's 127.0.0.1 refused" denied "$ws" \
    "$PY -c 'import socket; s = socket.create_connection((\"127.0.0.1\", $tport), timeout=5); s.sendall(b\"sandbox-tcp\")'"
  try "fallback offline: UDP refused" denied "$ws" \
    "$PY -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b\"sandbox-udp\", (\"127.0.0.1\", $uport))'"
  try "fallback offline: the host's abstract unix socket refused" denied "$ws" \
    "$PY -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect(\"\\0$MARK-abs\"); s.sendall(b\"sandbox-abs\")'"
  # Pathname sockets: no mount hides /run here, so no unix socket can be made at
  # all; socketpair, which reaches nothing outside, still works.
  "$PY" -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)' "$E2E/host.sock" &
  e2e_pids+=($!)
  wait_until 20 test -S "$E2E/host.sock"
  try "fallback: a host pathname unix socket refused" denied "$ws" \
    "$PY -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect(\"$E2E/host.sock\")'"
  # The places of host sockets are cut out of the readable root: their files are
  # unreadable here too (container runtimes put secrets in /run/secrets).
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "/run/$MARK" && echo "run-secret-$MARK" >"/run/$MARK/db"
    try "fallback: a file in /run unreadable" denied "$ws" "cat /run/$MARK/db"
    try "fallback: the rest of / readable" allowed "$ws" "cat /etc/hostname && ls /usr/bin >/dev/null"
    rm -rf "/run/${MARK:?}"
  else
    skip "fallback: a file in /run unreadable" "needs root to create one"
  fi
  try "fallback: socketpair works" allowed "$ws" "$PY -c 'import socket; a, b = socket.socketpair(); a.send(b\"x\"); assert b.recv(1) == b\"x\"'"
  try "fallback online: TCP to the host allowed (control)" allowed "$ws" \
    "$PY -c 'import socket; s = socket.create_connection((\"127.0.0.1\", $tport), timeout=5); s.sendall(b\"online-tcp\")'" --network online
  wait_until 20 grep -q "online-tcp" "$E2E/listen.log" && ok "fallback online: the listener got it (control)" ||
    not_ok "fallback online: the listener got it (control)" "$(cat "$E2E/listen.log")"
  lacks "fallback offline: the listeners got nothing" "$(cat "$E2E/listen.log")" "sandbox-"
  [ "$(grep -c '^accept$' "$E2E/listen.log")" = 1 ] && ok "fallback offline: only the control connected" ||
    not_ok "fallback offline: only the control connected" "$(cat "$E2E/listen.log")"
else
  not_ok "fallback: host listeners started"
fi

# Terminal injection.
cat >"$E2E/inject.py" <<'PY'
import errno, fcntl, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"Q"); print("TIOCSTI-OK")
except OSError as e:
    print("TIOCSTI-ERR", errno.errorcode.get(e.errno, e.errno))
PY
t_out=$(timeout -k 5 60 script -qec "$NO_USERNS $CORDON run --cwd $ws -- $PY $E2E/inject.py" /dev/null </dev/null 2>&1)
contains "fallback: TIOCSTI refused" "$t_out" "TIOCSTI-ERR"

# Status, signals, the caller's death.
expect_status "fallback: exit status" 42 sb "$ws" -- sh -c 'exit 42'
expect_status "fallback: killed by a signal" 143 sb "$ws" -- sh -c 'kill -TERM $$; sleep 10'
expect_status "fallback: not found" 127 sb "$ws" -- "no-such-command-$MARK"
rm -f "$ws/ready" "$ws/got"
env --default-signal timeout -k 5 120 "$NO_USERNS" "$CORDON" run --cwd "$ws" -- \
  sh -c "trap 'echo TERM >got; exit 3' TERM; echo >ready; while :; do sleep 0.1; done" </dev/null >/dev/null 2>&1 &
tpid=$!
e2e_pids+=("$tpid")
if wait_until 20 test -e "$ws/ready"; then
  kill -TERM "$(pgrep -P "$tpid" | head -1)"
  st=0
  wait "$tpid" || st=$?
  has_content "fallback: SIGTERM to cordon reaches the command" "$ws/got" "TERM"
  [ "$st" = 3 ] && ok "fallback: cordon exits with the command's status" || not_ok "fallback: cordon exits with the command's status" "exit $st"
else
  not_ok "fallback: SIGTERM to cordon reaches the command" "the command never started"
fi
"$NO_USERNS" "$CORDON" run --cwd "$ws" -- bash -c "exec -a $MARK-orphan sleep 300" </dev/null >/dev/null 2>&1 &
cpid=$!
e2e_pids+=("$cpid")
if wait_until 20 some_argv0 "$MARK-orphan"; then
  spid=$(pids_argv0 "$MARK-orphan")
  kill -9 "$cpid"
  wait "$cpid" 2>/dev/null
  wait_until 10 dead "$spid" && ok "fallback: kill -9 of cordon: the command dies" ||
    not_ok "fallback: kill -9 of cordon: the command dies" "$(ps -o pid,args -p "$spid" 2>&1)"
else
  not_ok "fallback: kill -9 of cordon: the command dies" "the command never started"
fi

# Refusals: 125, one line naming user namespaces and how to enable them, and the
# command never runs.
refused() {
  local name=$1 w=$2; shift 2
  rm -f "$w/ran"
  expect_status "$name: 125" 125 sb "$w" "$@" -- sh -c 'echo RAN; touch ran; cat "$HOME"/.ssh/* 2>/dev/null'
  one_line "$name: one line on stderr" "$err"
  contains "$name: names user namespaces" "$err" "user namespaces"
  absent "$name: the command did not run" "$w/ran"
  lacks "$name: no output from the command" "$out" "RAN"
}
refused "fallback: --require-namespaces" "$ws" --require-namespaces
mkdir -p "$E2E/repo/.git"
refused "fallback: a workspace with .git" "$E2E/repo"
contains "fallback: a workspace with .git: says how to enable them" "$err" "sysctl"
contains "fallback: a workspace with .git: names .git" "$err" ".git"
mkdir -p "$E2E/repo2"
git -C "$E2E/repo2" init -q
git -C "$E2E/repo2" commit -q --allow-empty -m first
git -C "$E2E/repo2" worktree add -q "$E2E/wt" 2>/dev/null
refused "fallback: a linked worktree (gitfile)" "$E2E/wt"
mkdir -p "$ws/docs"
refused "fallback: a read-only carveout" "$ws" --deny-write docs
mkdir -p "$HOME/.ssh"
echo "SECRET-$MARK" >"$HOME/.ssh/id_ed25519"
refused "fallback: a home with secrets" "$ws"
lacks "fallback: a home with secrets: nothing leaked" "$out$err" "SECRET-$MARK"
rm -rf "$HOME/.ssh"

kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
tap_done
