#!/usr/bin/env bash
# End-to-end tests of `cordon explain --platform windows`, on the real binary.
. "$(dirname "$0")/tap.sh"

ws=$tap_tmp/ws
ws2=$tap_tmp/ws2
home=$tap_tmp/home
state=$tap_tmp/state
mkdir -p "$ws/.git" "$ws/docs/tmp" "$ws2" "$home/.ssh" "$home/.config/cordon"
echo key >"$home/.ssh/id_ed25519"
export HOME=$home XDG_CONFIG_HOME=$home/.config CORDON_HOME=$state
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy GIT_CONFIG_COUNT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
rws=$(cd "$ws" && pwd -P)
rhome=$(cd "$home" && pwd -P)

expect_status "explain --help names --platform" 0 "$CORDON" explain --help
contains "help text" "$out" "--platform linux|windows"
expect_status "bad platform" 125 "$CORDON" explain --platform macos
contains "bad platform message" "$err" "--platform macos: expected linux or windows"

# --platform linux is today's output.
expect_status "linux json" 0 "$CORDON" explain --cwd "$ws" --json --platform linux
contains "linux json is the plan" "$(printf '%s' "$out" | json "sorted(d)")" "'writable_roots'"

expect_status "windows json" 0 "$CORDON" explain --cwd "$ws" --json --platform windows \
  --deny-write docs --writable docs/tmp --network proxy --proxy-port 3128
win=$out
got=$(printf '%s' "$win" | json "sorted(d)")
for key in capability_sids aces token identity firewall_rules wfp_filters setup_version; do
  contains "json has $key" "$got" "'$key'"
done
check "the store was created" test -f "$state/cap_sids"
sid=$(sed -n 's/^workspace \(S-1-5-21-[0-9-]*\) .*/\1/p' "$state/cap_sids")
contains "workspace SID from the store" \
  "$(printf '%s' "$win" | json "[c for c in d['capability_sids'] if c['role'] == 'workspace']")" "'sid': '$sid'"
contains "store keyed by the workspace root" "$(cat "$state/cap_sids")" "workspace $sid $rws"
contains "setup version" "$(printf '%s' "$win" | json "d['setup_version']")" "1"
contains "offline user for proxy" "$(printf '%s' "$win" | json "d['identity']['user']")" "CordonSandboxOffline"
contains "restricting SIDs" "$(printf '%s' "$win" | json "[s['kind'] for s in d['token']['restricting_sids']]")" \
  "['logon', 'everyone', 'capability', 'capability', 'sandbox_user']"
contains "write-restricted token" "$(printf '%s' "$win" | json "d['token']['flags']")" "WRITE_RESTRICTED"
contains ".git denied for the workspace SID" \
  "$(printf '%s' "$win" | json "[(a['type'], a['mask'], a['inheritance']) for a in d['aces'] if a['path'] == '$rws/.git' and a.get('sid') == '$sid']")" \
  "[('deny', '0x000d0156', 'OI|CI')]"
contains "docs/tmp reopened" \
  "$(printf '%s' "$win" | json "[a['why'] for a in d['aces'] if a['path'] == '$rws/docs/tmp' and a['type'] == 'allow'][0]")" "reopened"
contains "secrets hidden from the group" \
  "$(printf '%s' "$win" | json "[a['rights'] for a in d['aces'] if a['path'] == '$rhome/.ssh' and a['trustee'] == 'group']")" \
  "['FILE_ALL_ACCESS']"
contains "denies before allows" \
  "$(printf '%s' "$win" | json "[a['type'] for a in d['aces']] == sorted([a['type'] for a in d['aces']], key=lambda t: t == 'allow')")" "True"
contains "relay port" "$(printf '%s' "$win" | json "d['relay_ports']")" "{'proxy_port': 3128, 'relay_port': 48620}"
contains "firewall rules" "$(printf '%s' "$win" | json "[r['name'] for r in d['firewall_rules']]")" \
  "'cordon-offline-block-loopback-tcp'"
contains "loopback TCP except relays" \
  "$(printf '%s' "$win" | json "[r['remote_ports'] for r in d['firewall_rules'] if r['name'] == 'cordon-offline-block-loopback-tcp']")" \
  "['1-48619,48630-65535']"
contains "12 WFP filters" "$(printf '%s' "$win" | json "len(d['wfp_filters'])")" "12"
contains "WFP layers" "$(printf '%s' "$win" | json "sorted(set(f['layer'] for f in d['wfp_filters']))")" \
  "['FWPM_LAYER_ALE_AUTH_CONNECT_V4', 'FWPM_LAYER_ALE_AUTH_CONNECT_V6', 'FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4', 'FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V6']"

# The same workspace again: the same SID, read back from the store.
expect_status "windows json again" 0 "$CORDON" explain --cwd "$ws" --json --platform windows
contains "same workspace, same SID" \
  "$(printf '%s' "$out" | json "[c['sid'] for c in d['capability_sids'] if c['role'] == 'workspace']")" "['$sid']"
expect_status "another workspace" 0 "$CORDON" explain --cwd "$ws2" --json --platform windows
lacks "another workspace, another SID" \
  "$(printf '%s' "$out" | json "[c['sid'] for c in d['capability_sids'] if c['role'] == 'workspace']")" "$sid"

# allow_local_binding drops exactly the loopback TCP block; online has no rules.
expect_status "local binding" 0 "$CORDON" explain --cwd "$ws" --json --platform windows --allow-local-binding
lacks "no loopback TCP block" "$(printf '%s' "$out" | json "[r['name'] for r in d['firewall_rules']]")" "loopback-tcp"
contains "loopback UDP still blocked" "$(printf '%s' "$out" | json "[r['name'] for r in d['firewall_rules']]")" "loopback-udp"
expect_status "online" 0 "$CORDON" explain --cwd "$ws" --json --platform windows --network online
contains "online user" "$(printf '%s' "$out" | json "d['identity']['user']")" "CordonSandboxOnline"
contains "online: no rules" "$(printf '%s' "$out" | json "(len(d['firewall_rules']), len(d['wfp_filters']))")" "(0, 0)"

# Text output.
expect_status "windows text" 0 "$CORDON" explain --cwd "$ws" --platform windows
contains "text identity" "$out" "identity: CordonSandboxOffline (elevated)"
contains "text ACE" "$out" "deny  workspace 0x000d0156 OI|CI    $rws/.git  [deny_write]"

# Fail closed, one line, 125.
ports=()
for p in 3001 3002 3003 3004 3005 3006 3007 3008 3009 3010 3011; do ports+=(--proxy-port "$p"); done
expect_status "too many proxy ports" 125 "$CORDON" explain --cwd "$ws" --platform windows --network proxy "${ports[@]}"
contains "overflow names the port" "$err" "proxy port 3011: the Windows sandbox relays at most 10"
cp "$state/cap_sids" "$tap_tmp/cap_sids.good"
printf 'cordon-cap-sids 1\ngeneric S-1-1-0\n' >"$state/cap_sids"
expect_status "corrupt store" 125 "$CORDON" explain --cwd "$ws" --platform windows
contains "corrupt store names FILE:LINE" "$err" "$state/cap_sids:2: 'S-1-1-0' is not a cordon capability SID"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && ok "corrupt store: one line" || not_ok "corrupt store: one line" "$err"
contains "corrupt store left alone" "$(cat "$state/cap_sids")" "generic S-1-1-0"
cp "$tap_tmp/cap_sids.good" "$state/cap_sids"
CORDON_HOME=$ws/.cordon expect_status "store inside the workspace refused" 125 "$CORDON" explain --cwd "$ws" --platform windows
contains "store inside message" "$err" "inside the workspace"

tap_done
