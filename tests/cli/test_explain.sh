#!/usr/bin/env bash
# End-to-end tests of the CLI surface and `cordon explain`, on the real binary.
. "$(dirname "$0")/tap.sh"

ws=$tap_tmp/ws
home=$tap_tmp/home
mkdir -p "$ws/.git" "$ws/docs/tmp" "$home/.ssh" "$home/.config/cordon"
echo key >"$home/.ssh/id_ed25519"
export HOME=$home XDG_CONFIG_HOME=$home/.config CORDON_HOME=$tap_tmp/state
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy GIT_CONFIG_COUNT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

expect_status "--version" 0 "$CORDON" --version
contains "--version prints the version" "$out" "cordon 0."
expect_status "--help" 0 "$CORDON" --help
contains "--help lists run" "$out" "run"
expect_status "explain --help" 0 "$CORDON" explain --help
contains "explain --help lists policy flags" "$out" "--deny-read"
expect_status "run --help" 0 "$CORDON" run --help
expect_status "no command" 125 "$CORDON"
expect_status "unknown command" 125 "$CORDON" frobnicate
contains "unknown command message" "$err" "unknown command 'frobnicate'"
expect_status "bad flag" 125 "$CORDON" explain --no-such-flag
contains "bad flag message" "$err" "bad option '--no-such-flag'"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && ok "bad flag: one line" || not_ok "bad flag: one line" "$err"
expect_status "bad mode" 125 "$CORDON" explain --mode sideways
contains "bad mode message" "$err" "--mode sideways"
expect_status "bad network" 125 "$CORDON" explain --network wifi
expect_status "bad proxy port" 125 "$CORDON" explain --network proxy --proxy-port 70000
expect_status "missing flag argument" 125 "$CORDON" explain --writable

# Default plan, as JSON.
expect_status "explain --json" 0 "$CORDON" explain --cwd "$ws" --json
plan=$out
rws=$(cd "$ws" && pwd -P)
rhome=$(cd "$home" && pwd -P)
for key in readable_roots writable_roots deny_write deny_read create network env_set; do
  got=$(printf '%s' "$plan" | json "'$key' in d")
  [ "$got" = True ] && ok "json has $key" || not_ok "json has $key" "$plan"
done
contains "workspace writable" "$(printf '%s' "$plan" | json "d['writable_roots']")" "'$rws'"
contains ".git deny-write" "$(printf '%s' "$plan" | json "d['deny_write']")" "'$rws/.git'"
contains "~/.ssh deny-read" "$(printf '%s' "$plan" | json "d['deny_read']")" "'$rhome/.ssh'"
contains "network offline" "$(printf '%s' "$plan" | json "d['network']")" "'mode': 'offline'"
contains "safe.directory" "$(printf '%s' "$plan" | json "d['env_set']")" "'GIT_CONFIG_VALUE_0': '$rws'"

# Flags: nested carveouts and proxy ports.
expect_status "nested carveouts" 0 "$CORDON" explain --cwd "$ws" --json --deny-write docs --writable docs/tmp \
  --deny-read ./not-yet --network proxy --proxy-port 3128 --proxy-port 8080
plan=$out
contains "docs read-only" "$(printf '%s' "$plan" | json "d['deny_write']")" "'$rws/docs'"
contains "docs/tmp writable" "$(printf '%s' "$plan" | json "d['writable_roots']")" "'$rws/docs/tmp'"
contains "missing carveout created" "$(printf '%s' "$plan" | json "d['create']")" "'$rws/not-yet'"
contains "proxy ports" "$(printf '%s' "$plan" | json "d['network']['proxy_ports']")" "[3128, 8080]"
HTTP_PROXY=http://10.1.2.3:3128 expect_status "remote proxy refused" 125 "$CORDON" explain --cwd "$ws" --network proxy
contains "remote proxy message" "$err" "not on loopback"

# Human output.
expect_status "explain text" 0 "$CORDON" explain --cwd "$ws"
contains "text names .git" "$out" "$rws/.git  [protected]"

# Config file: profiles, default profile, flags override, errors with positions.
cat >"$home/.config/cordon/config.toml" <<'TOML'
default_profile = "strict"

[profiles.strict]
mode = "read-only"

[profiles.build]
mode = "workspace-write"
network = "online"
writable_roots = ["~/cache"]
[profiles.build.filesystem]
"./docs" = "read"
TOML
mkdir -p "$home/cache"
expect_status "default profile" 0 "$CORDON" explain --cwd "$ws" --json
contains "default profile is read-only" "$(printf '%s' "$out" | json "d['mode']")" "read-only"
expect_status "--profile" 0 "$CORDON" explain --cwd "$ws" --json --profile build
contains "profile writable_roots" "$(printf '%s' "$out" | json "d['writable_roots']")" "'$rhome/cache'"
contains "profile filesystem" "$(printf '%s' "$out" | json "d['deny_write']")" "'$rws/docs'"
contains "profile network" "$(printf '%s' "$out" | json "d['network']['mode']")" "online"
expect_status "flags override config" 0 "$CORDON" explain --cwd "$ws" --json --profile build --network offline --writable docs
contains "flag network wins" "$(printf '%s' "$out" | json "d['network']['mode']")" "offline"
contains "flag path wins" "$(printf '%s' "$out" | json "d['writable_roots']")" "'$rws/docs'"
expect_status "unknown profile" 125 "$CORDON" explain --profile nope
contains "unknown profile message" "$err" "no profile 'nope'"

printf '[profiles.x]\nmode = "read-only"\nnetwrok = "online"\n' >"$tap_tmp/bad.toml"
expect_status "unknown config key" 125 "$CORDON" explain --config "$tap_tmp/bad.toml" --profile x
contains "config error position" "$err" "$tap_tmp/bad.toml:3:1: unknown key 'netwrok'"
printf 'default_profile = "x"\n[profiles.x]\nmode = "read-only\n' >"$tap_tmp/broken.toml"
expect_status "broken TOML" 125 "$CORDON" explain --config "$tap_tmp/broken.toml"
contains "TOML error position" "$err" "$tap_tmp/broken.toml:3:"
printf '[profiles.default]\nmode = "read-only"\n[profiles.default.filesystem]\n"./docs" = "rw"\n' >"$tap_tmp/access.toml"
expect_status "bad access value" 125 "$CORDON" explain --config "$tap_tmp/access.toml"
contains "bad access position" "$err" "access.toml:4:"
expect_status "missing config" 125 "$CORDON" explain --config "$tap_tmp/none.toml"
contains "missing config message" "$err" "No such file or directory"
head -c 2000000 /dev/zero | tr '\0' '#' >"$tap_tmp/huge.toml"
expect_status "huge config" 125 "$CORDON" explain --config "$tap_tmp/huge.toml"
printf 'default_profile = "a\0b"\n' >"$tap_tmp/nul.toml"
expect_status "NUL in config" 125 "$CORDON" explain --config "$tap_tmp/nul.toml"
mkfifo "$tap_tmp/fifo.toml"
expect_status "FIFO config refused" 125 timeout 10 "$CORDON" explain --config "$tap_tmp/fifo.toml"

# danger-full-access with restrictions is refused, not widened silently.
expect_status "danger + deny-read refused" 125 "$CORDON" explain --mode danger-full-access --deny-read ~/.ssh
contains "danger message" "$err" "cannot be enforced in mode danger-full-access"

tap_done
