#!/usr/bin/env bash
# cordon run, processes: host processes can be neither seen nor killed; the sandbox
# dies with its caller and leaves nothing behind; no terminal injection (TIOCSTI);
# no capabilities, no new namespaces, no mounts inside.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws"

# A host process with a unique argv[0].
victim "$MARK-victim"
vpid=$victim
alive "$vpid" && ok "host victim started" || not_ok "host victim started" "pid $vpid"
try "host pid not in the sandbox's /proc" denied "$ws" "test -e /proc/$vpid"
try "kill -0 of the host pid fails" denied "$ws" "kill -0 $vpid"
try "kill -9 of the host pid fails" denied "$ws" "kill -9 $vpid"
expect_status "scan of the sandbox's /proc" 0 sb "$ws" -- "$PY" -c "
import os
for p in os.listdir('/proc'):
    if p.isdigit():
        try:
            print(open('/proc/%s/cmdline' % p, 'rb').read().split(b'\0')[0].decode())
        except OSError:
            pass
"
lacks "scan: the victim is not visible" "$out" "$MARK-victim"
contains "scan: the command itself is visible" "$out" "python3"
try "the command's pid is the sandbox's own (small)" allowed "$ws" "test \$\$ -lt 50"
alive "$vpid" && ok "host victim still alive" || not_ok "host victim still alive" "pid $vpid is gone"

# SysV IPC of the host is not visible (ipc namespace).
if shmid=$(ipcmk -M 4096 2>/dev/null | grep -o '[0-9]*$'); then
  try "host SysV shm not visible" denied "$ws" "grep -q '^ *[0-9]* *$shmid ' /proc/sysvipc/shm"
  grep -q " $shmid " /proc/sysvipc/shm && ok "host SysV shm visible on the host (control)" ||
    not_ok "host SysV shm visible on the host (control)" "$(cat /proc/sysvipc/shm)"
  ipcrm -m "$shmid"
else
  skip "host SysV shm not visible" "ipcmk unavailable"
fi

# Privileges inside: none.
try "no effective capabilities" allowed "$ws" "grep -q '^CapEff:[[:space:]]*0000000000000000\$' /proc/self/status"
try "empty bounding set" allowed "$ws" "grep -q '^CapBnd:[[:space:]]*0000000000000000\$' /proc/self/status"
try "no_new_privs set" allowed "$ws" "grep -q '^NoNewPrivs:[[:space:]]*1\$' /proc/self/status"
try "a seccomp filter is loaded" allowed "$ws" "grep -q '^Seccomp:[[:space:]]*2\$' /proc/self/status"
try "no new user namespace" denied "$ws" "unshare -U true"
try "no new user+mount namespace (unshare -r)" denied "$ws" "unshare -r true"
# (Targets that would be harmless on the host, should a sandbox ever be missing.)
try "no mount" denied "$ws" "mkdir -p m && mount -t tmpfs none m"
try "no umount of the protections" denied "$ws" "umount -l ."
host_name=$(hostname)
try "no hostname change" denied "$ws" "hostname e2e-$RANDOM"
[ "$(hostname)" = "$host_name" ] && ok "host name unchanged" || { not_ok "host name unchanged" "$(hostname)"; hostname "$host_name"; }

# The caller killed: the sandbox, and everything in it, goes too.
"$CORDON" run --cwd "$ws" -- bash -c "exec -a $MARK-orphan sleep 300" </dev/null >/dev/null 2>&1 &
cpid=$!
e2e_pids+=("$cpid")
if wait_until 20 some_argv0 "$MARK-orphan"; then
  spid=$(pids_argv0 "$MARK-orphan")
  ok "sandboxed sleep started (host pid $spid)"
  init=$(pgrep -P "$cpid" | head -1)
  kill -9 "$cpid"
  wait "$cpid" 2>/dev/null
  wait_until 10 dead "$spid" && ok "kill -9 of cordon: the command dies" ||
    not_ok "kill -9 of cordon: the command dies" "pid $spid alive: $(ps -o pid,stat,args -p "$spid" 2>&1)"
  if [ -n "$init" ]; then
    wait_until 10 dead "$init" && ok "kill -9 of cordon: the sandbox's init dies" ||
      not_ok "kill -9 of cordon: the sandbox's init dies" "$(ps -o pid,stat,args -p "$init" 2>&1)"
  else
    not_ok "kill -9 of cordon: the sandbox's init dies" "no child of cordon found"
  fi
else
  not_ok "sandboxed sleep started" "no process with argv[0] $MARK-orphan"
  kill -9 "$cpid" 2>/dev/null
fi

# The same with a daemonized grandchild (setsid, double fork) and a background job.
"$CORDON" run --cwd "$ws" -- sh -c "(setsid bash -c 'exec -a $MARK-daemon sleep 300' </dev/null >/dev/null 2>&1 &); bash -c 'exec -a $MARK-job sleep 300' & bash -c 'exec -a $MARK-fg sleep 300'" </dev/null >/dev/null 2>&1 &
cpid=$!
e2e_pids+=("$cpid")
if wait_until 20 eval 'some_argv0 "$MARK-daemon" && some_argv0 "$MARK-job" && some_argv0 "$MARK-fg"'; then
  ok "sandboxed daemon, job and foreground started"
  kill -9 "$cpid"
  wait "$cpid" 2>/dev/null
  for m in daemon job fg; do
    wait_until 10 none_argv0 "$MARK-$m" && ok "kill -9 of cordon: the $m dies" ||
      not_ok "kill -9 of cordon: the $m dies" "$(ps -o pid,stat,args -p "$(pids_argv0 "$MARK-$m")" 2>&1)"
  done
else
  not_ok "sandboxed daemon, job and foreground started" "$(pgrep -af -- "$MARK" 2>&1)"
  kill -9 "$cpid" 2>/dev/null
fi

# A command that exits normally while its daemon still runs: nothing is left.
expect_status "exit with a daemon left running" 0 sb "$ws" -- \
  sh -c "setsid bash -c 'exec -a $MARK-left sleep 300' </dev/null >/dev/null 2>&1 & exit 0"
wait_until 10 none_argv0 "$MARK-left" && ok "the daemon is gone after cordon returns" ||
  not_ok "the daemon is gone after cordon returns" "$(pgrep -af -- "$MARK-left")"

# TIOCSTI: the command cannot push input into the terminal it was given.
cat >"$E2E/inject.py" <<'PY'
import errno, fcntl, sys, termios
text = sys.argv[1].encode()
try:
    for b in text:
        fcntl.ioctl(0, termios.TIOCSTI, bytes([b]))
    print("TIOCSTI-OK")
except OSError as e:
    print("TIOCSTI-ERR", errno.errorcode.get(e.errno, e.errno))
PY
inj=INJ-$MARK
host_out=$(timeout -k 5 60 script -qec "$PY $E2E/inject.py $inj-host" /dev/null </dev/null 2>&1)
case "$host_out" in
  *TIOCSTI-OK*) contains "TIOCSTI works on the host (control): the injection is echoed" "$host_out" "$inj-host" ;;
  *) skip "TIOCSTI works on the host (control)" "the host refuses it too: ${host_out:0:80}" ;;
esac
sb_out=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- $PY $E2E/inject.py $inj-sandbox" /dev/null </dev/null 2>&1)
contains "TIOCSTI refused inside" "$sb_out" "TIOCSTI-ERR EPERM"
lacks "TIOCSTI: nothing injected" "$sb_out" "$inj-sandbox"
sb_out=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- $PY -c 'import fcntl,termios,os; fd=os.open(\"/proc/self/fd/1\", os.O_RDWR); fcntl.ioctl(fd, termios.TIOCSTI, b\"Z\"); print(\"REOPEN-OK\")'" /dev/null </dev/null 2>&1)
lacks "TIOCSTI through a reopened terminal refused" "$sb_out" "REOPEN-OK"

# The command has no controlling terminal (a new session), though the caller has one.
ctty="if true </dev/tty 2>/dev/null; then echo CTTY-YES; else echo CTTY-NO; fi"
host_out=$(timeout -k 5 60 script -qec "sh -c '$ctty'" /dev/null </dev/null 2>&1)
contains "the caller has a controlling terminal under script (control)" "$host_out" "CTTY-YES"
sb_out=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- sh -c '$ctty'" /dev/null </dev/null 2>&1)
contains "the command has no controlling terminal" "$sb_out" "CTTY-NO"

# The host's terminals are not reachable: the sandbox has its own devpts.
host_pts=$(timeout -k 5 60 script -qec "ls -1 /dev/pts" /dev/null </dev/null 2>&1 | tr -d '\r')
if grep -qx '[0-9]*' <<<"$host_pts"; then
  sb_pts=$(timeout -k 5 60 script -qec "$CORDON run --cwd $ws -- ls -1 /dev/pts" /dev/null </dev/null 2>&1 | tr -d '\r')
  if grep -qx '[0-9]*' <<<"$sb_pts"; then not_ok "the host's ptys are not in the sandbox's /dev/pts" "$sb_pts"
  else ok "the host's ptys are not in the sandbox's /dev/pts"; fi
else
  skip "the host's ptys are not in the sandbox's /dev/pts" "no host pty seen"
fi

kill -9 "$vpid" 2>/dev/null
tap_done
