#!/usr/bin/env bash
# cordon run, network: offline has no network. Host listeners (TCP and UDP on
# 127.0.0.1 and ::1, TCP on the host's own address, an abstract and a pathname unix
# socket) get nothing from the sandbox; ICMP to the host's address gets no reply;
# the sandbox's loopback is its own. online reaches the host (positive control).
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws" "$E2E/run"
host4=$(ip -o -4 addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}')
host6=$(ip -o -6 addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}')

# The host's listeners: every connection and datagram is logged as "NAME DATA".
cat >"$E2E/listen.py" <<'PY'
import os, select, socket, sys
log_path, ports_path, unix_path, abstract, host4, host6 = sys.argv[1:7]
log = open(log_path, "a", buffering=1)
socks = {}
def add(name, family, kind, addr):
    s = socket.socket(family, kind)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(addr)
    if kind == socket.SOCK_STREAM:
        s.listen(16)
    socks[s] = (name, kind)
    return s
add("tcp4", socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", 0))
add("udp4", socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", 0))
try:  # a host without IPv6 has no ::1
    add("tcp6", socket.AF_INET6, socket.SOCK_STREAM, ("::1", 0))
    add("udp6", socket.AF_INET6, socket.SOCK_DGRAM, ("::1", 0))
except OSError:
    pass
if host4:
    add("tcphost4", socket.AF_INET, socket.SOCK_STREAM, (host4, 0))
    add("udphost4", socket.AF_INET, socket.SOCK_DGRAM, (host4, 0))
if host6:
    add("tcphost6", socket.AF_INET6, socket.SOCK_STREAM, (host6, 0))
add("unix", socket.AF_UNIX, socket.SOCK_STREAM, unix_path)
add("abstract", socket.AF_UNIX, socket.SOCK_STREAM, "\0" + abstract)
with open(ports_path + ".tmp", "w") as f:
    for s, (name, kind) in socks.items():
        if s.family != socket.AF_UNIX:
            f.write("%s %d\n" % (name, s.getsockname()[1]))
os.rename(ports_path + ".tmp", ports_path)
conns = {}
while True:
    ready, _, _ = select.select(list(socks) + list(conns), [], [], 600)
    if not ready:
        break
    for s in ready:
        if s in conns:
            data = s.recv(4096)
            if data:
                log.write("%s %s\n" % (conns[s], data.decode(errors="replace").strip()))
            else:
                del conns[s]
                s.close()
            continue
        name, kind = socks[s]
        if kind == socket.SOCK_STREAM:
            c, _ = s.accept()
            log.write("%s accept\n" % name)
            conns[c] = name
        else:
            data, _ = s.recvfrom(4096)
            log.write("%s %s\n" % (name, data.decode(errors="replace").strip()))
PY
# The client: KIND ADDR PORT PAYLOAD -> CONNECTED/SENT or ERR errno. Bounded waits.
cat >"$E2E/probe.py" <<'PY'
import errno, socket, sys
kind, addr, port, payload = sys.argv[1:5]
try:
    if kind in ("unix", "abstract"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(addr if kind == "unix" else "\0" + addr)
        s.sendall(payload.encode() + b"\n")
        print("CONNECTED")
    else:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        if kind == "tcp":
            s = socket.socket(family, socket.SOCK_STREAM)
            s.settimeout(5)
            s.connect((addr, int(port)))
            s.sendall(payload.encode() + b"\n")
            print("CONNECTED")
        else:
            s = socket.socket(family, socket.SOCK_DGRAM)
            s.sendto(payload.encode(), (addr, int(port)))
            print("SENT")
    s.close()
except socket.timeout:
    print("ERR timeout")
except OSError as e:
    print("ERR", errno.errorcode.get(e.errno, e.errno))
PY
# ICMP echo: REPLY, NOREPLY or ERR errno (ping socket first, raw socket second).
cat >"$E2E/icmp.py" <<'PY'
import errno, os, select, socket, struct, sys
addr = sys.argv[1]
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
errs = []
for kind in (socket.SOCK_DGRAM, socket.SOCK_RAW):
    try:
        s = socket.socket(socket.AF_INET, kind, socket.IPPROTO_ICMP)
    except OSError as e:
        errs.append(errno.errorcode.get(e.errno, str(e.errno)))
        continue
    ident = os.getpid() & 0xffff
    body = b"cordon-e2e"
    pkt = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + body
    pkt = struct.pack("!BBHHH", 8, 0, csum(pkt), ident, 1) + body
    try:
        s.sendto(pkt, (addr, 0))
    except OSError as e:
        print("ERR", errno.errorcode.get(e.errno, e.errno)); sys.exit(0)
    for _ in range(20):
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            data = s.recv(2048)
            if kind == socket.SOCK_RAW:
                data = data[(data[0] & 0xf) * 4:]
            if data[0] == 0:
                print("REPLY"); sys.exit(0)
    print("NOREPLY"); sys.exit(0)
print("ERR", " ".join(errs))
PY

abstract=$MARK-abstract
"$PY" "$E2E/listen.py" "$E2E/listen.log" "$E2E/ports" "$E2E/run/bus" "$abstract" "$host4" "$host6" &
e2e_pids+=($!)
if ! wait_until 20 test -s "$E2E/ports"; then
  not_ok "host listeners started" "$(cat "$E2E/listen.log" 2>&1)"
  tap_done; exit
fi
ok "host listeners started"
port() { awk -v n="$1" '$1 == n {print $2}' "$E2E/ports"; }
: >"$E2E/listen.log"

# no_reach NAME KIND ADDR PORT [FLAGS]: from the sandbox, the probe fails.
no_reach() {
  local name=$1 kind=$2 addr=$3 p=$4; shift 4
  if [ -z "$p" ]; then skip "offline: $name" "no such listener on this host"; return; fi
  expect_status "offline: $name runs" 0 sb "$ws" "$@" -- "$PY" "$E2E/probe.py" "$kind" "$addr" "$p" "sandbox-$name-$MARK"
  case "$kind" in
    udp) contains_either "offline: $name refused or lost" "$out" ;;
    *) contains "offline: $name refused" "$out" "ERR" ;;
  esac
}
# UDP: the send may be refused (seccomp) or go to the sandbox's own loopback; the
# host listener's log decides below.
contains_either() {
  case "$2" in ERR*|SENT) ok "$1 ($2)" ;; *) not_ok "$1" "probe said '$2'" ;; esac
}

no_reach "TCP to 127.0.0.1" tcp 127.0.0.1 "$(port tcp4)"
no_reach "TCP to ::1" tcp ::1 "$(port tcp6)"
no_reach "UDP to 127.0.0.1" udp 127.0.0.1 "$(port udp4)"
no_reach "UDP to ::1" udp ::1 "$(port udp6)"
if [ -n "$host4" ]; then
  no_reach "TCP to the host's address $host4" tcp "$host4" "$(port tcphost4)"
  no_reach "UDP to the host's address $host4" udp "$host4" "$(port udphost4)"
else
  skip "offline: TCP to the host's address" "no global IPv4 address"
fi
if [ -n "$host6" ]; then
  no_reach "TCP to the host's address $host6" tcp "$host6" "$(port tcphost6)"
fi
no_reach "the host's abstract unix socket" abstract "$abstract" 0
# A pathname socket of the host: connecting needs no write access to the file
# system, only the path, and Landlock has no right for it. cordon hides where the
# session's sockets live: $XDG_RUNTIME_DIR (here the test's own), the socket named
# by DBUS_SESSION_BUS_ADDRESS, /run. (A socket at an arbitrary path elsewhere stays
# reachable; README says so.)
export XDG_RUNTIME_DIR=$E2E/run DBUS_SESSION_BUS_ADDRESS=unix:path=$E2E/run/bus,guid=0
no_reach "the session's bus in \$XDG_RUNTIME_DIR" unix "$E2E/run/bus" 0
unset XDG_RUNTIME_DIR
no_reach "the socket DBUS_SESSION_BUS_ADDRESS names" unix "$E2E/run/bus" 0
unset DBUS_SESSION_BUS_ADDRESS
no_reach "an external address (TCP 1.1.1.1:53)" tcp 1.1.1.1 53
expect_status "offline: DNS lookup runs" 0 sb "$ws" -- "$PY" -c "
import socket
try:
    socket.getaddrinfo('example.com', 443); print('RESOLVED')
except OSError as e:
    print('ERR', e)"
contains "offline: DNS lookup fails" "$out" "ERR"

# The host's listeners got nothing from the sandbox. Positive control first: the
# host reaches each of them now, so a sandbox packet, sent earlier, would be logged.
for n in tcp4 tcp6 tcphost4 tcphost6; do
  p=$(port $n); [ -n "$p" ] || continue
  case $n in tcp4) a=127.0.0.1 ;; tcp6) a=::1 ;; tcphost4) a=$host4 ;; tcphost6) a=$host6 ;; esac
  "$PY" "$E2E/probe.py" tcp "$a" "$p" "control-$n" >/dev/null
done
for n in udp4 udp6 udphost4; do
  p=$(port $n); [ -n "$p" ] || continue
  case $n in udp4) a=127.0.0.1 ;; udp6) a=::1 ;; udphost4) a=$host4 ;; esac
  "$PY" "$E2E/probe.py" udp "$a" "$p" "control-$n" >/dev/null
done
"$PY" "$E2E/probe.py" unix "$E2E/run/bus" 0 "control-unix" >/dev/null
"$PY" "$E2E/probe.py" abstract "$abstract" 0 "control-abstract" >/dev/null
want=$(( $(wc -l <"$E2E/ports") + 2 ))
if wait_until 20 eval '[ "$(grep -c " control-" "$E2E/listen.log")" -ge "$want" ]'; then
  ok "host listeners reachable from the host (control)"
else
  not_ok "host listeners reachable from the host (control)" "$(cat "$E2E/listen.log")"
fi
# The pathname unix socket is judged on its own (a leak there says nothing of IP).
log=$(grep -v '^unix ' "$E2E/listen.log")
lacks "IP and abstract listeners got nothing from the offline sandbox" "$log" "sandbox-"
# Every connection accepted was a control's (a sandbox connection sends its payload
# only after connecting, so count the accepts too).
n_stream=$(sed -n 's/ control-.*//p' <<<"$log" | grep -c '^tcp\|^abstract')
n_accept=$(grep -c ' accept$' <<<"$log")
[ "$n_accept" = "$n_stream" ] && ok "IP and abstract listeners accepted only the controls ($n_accept)" ||
  not_ok "IP and abstract listeners accepted only the controls" "$n_accept accepts for $n_stream controls" "$log"
ulog=$(grep '^unix ' "$E2E/listen.log")
lacks "the pathname unix listener got nothing from the offline sandbox" "$ulog" "sandbox-"
[ "$(grep -c ' accept$' <<<"$ulog")" = 1 ] && ok "the pathname unix listener accepted only the control" ||
  not_ok "the pathname unix listener accepted only the control" "$ulog"
# --keep-env hands the bus to the command on purpose: then it is reachable.
DBUS_SESSION_BUS_ADDRESS=unix:path=$E2E/run/bus expect_status "kept bus runs" 0 \
  sb "$ws" --keep-env DBUS_SESSION_BUS_ADDRESS -- "$PY" "$E2E/probe.py" unix "$E2E/run/bus" 0 "kept-bus-$MARK"
lacks "--keep-env DBUS_SESSION_BUS_ADDRESS reaches the bus" "$out" "ERR"

# ICMP: the host's address answers the host, never the sandbox.
if [ -n "$host4" ]; then
  host_icmp=$("$PY" "$E2E/icmp.py" "$host4")
  if [ "$host_icmp" = REPLY ]; then ok "ICMP to $host4 from the host (control)"; else
    skip "ICMP to $host4 from the host (control)" "$host_icmp"; fi
  expect_status "offline: ICMP to $host4 runs" 0 sb "$ws" -- "$PY" "$E2E/icmp.py" "$host4"
  lacks "offline: ICMP to the host's address gets no reply" "$out" "REPLY"
  if command -v ping >/dev/null; then
    expect_status "offline: ping $host4 fails" 1 sb "$ws" -- sh -c "ping -c 1 -W 2 $host4 >/dev/null 2>&1 && exit 0 || exit 1"
  fi
fi
expect_status "offline: ICMP to 127.0.0.1 runs" 0 sb "$ws" -- "$PY" "$E2E/icmp.py" 127.0.0.1
case "$out" in REPLY|ERR*) ok "offline: ICMP to 127.0.0.1 stays in the sandbox ($out)" ;;
  *) not_ok "offline: ICMP to 127.0.0.1 stays in the sandbox" "$out" ;; esac
expect_status "offline: interfaces" 0 sb "$ws" -- sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
[ "$out" = lo ] && ok "offline: only a loopback interface" || not_ok "offline: only a loopback interface" "$out"
expect_status "offline: own loopback" 0 sb "$ws" -- "$PY" -c "
import socket
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname(), timeout=5); a, _ = l.accept()
c.sendall(b'ping'); print('LOOPBACK-' + a.recv(4).decode())"
contains "offline: the sandbox's own loopback works" "$out" "LOOPBACK-ping"

# online: the same host listener is reachable (the probes above could succeed).
: >"$E2E/listen.log"
expect_status "online: TCP to 127.0.0.1 runs" 0 sb "$ws" --network online -- "$PY" "$E2E/probe.py" tcp 127.0.0.1 "$(port tcp4)" "online-$MARK"
contains "online: TCP to 127.0.0.1 connects" "$out" "CONNECTED"
expect_status "online: UDP to 127.0.0.1 runs" 0 sb "$ws" --network online -- "$PY" "$E2E/probe.py" udp 127.0.0.1 "$(port udp4)" "online-udp-$MARK"
wait_until 20 grep -q "online-$MARK" "$E2E/listen.log" && ok "online: the host listener got the TCP payload" ||
  not_ok "online: the host listener got the TCP payload" "$(cat "$E2E/listen.log")"
wait_until 20 grep -q "online-udp-$MARK" "$E2E/listen.log" && ok "online: the host listener got the UDP datagram" ||
  not_ok "online: the host listener got the UDP datagram" "$(cat "$E2E/listen.log")"
# Abstract sockets stay out of reach even online (Landlock scope).
expect_status "online: abstract unix socket runs" 0 sb "$ws" --network online -- "$PY" "$E2E/probe.py" abstract "$abstract" 0 "online-abstract-$MARK"
contains "online: the host's abstract unix socket refused" "$out" "ERR"
"$PY" "$E2E/probe.py" abstract "$abstract" 0 "control2-abstract" >/dev/null
wait_until 20 grep -q "control2-abstract" "$E2E/listen.log"
lacks "online: the abstract listener got nothing" "$(cat "$E2E/listen.log")" "online-abstract-$MARK"

tap_done
