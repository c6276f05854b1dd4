# A tiny TAP producer for the end-to-end tests. Source it; CORDON is the binary.
# Each check prints "ok N - name" or "not ok N - name" with the reason.
set -u
: "${CORDON:?CORDON must name the cordon binary}"
tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() {
  tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
  echo "not ok $tap_n - $1"
  shift
  for line in "$@"; do echo "# $line"; done
}
# check NAME CMD...: passes when CMD succeeds.
check() {
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}
# expect_status NAME STATUS CMD...: runs CMD (output in $out, $err) and checks its exit status.
expect_status() {
  local name=$1 want=$2; shift 2
  local got=0
  "$@" >"$tap_tmp/out" 2>"$tap_tmp/err" || got=$?
  out=$(cat "$tap_tmp/out"); err=$(cat "$tap_tmp/err")
  if [ "$got" = "$want" ]; then ok "$name"; else
    not_ok "$name" "exit $got, expected $want: $*" "stdout: ${out:0:400}" "stderr: ${err:0:400}"; fi
}
# contains NAME HAYSTACK NEEDLE
contains() {
  case "$2" in *"$3"*) ok "$1" ;; *) not_ok "$1" "'${2:0:400}' does not contain '$3'" ;; esac
}
lacks() {
  case "$2" in *"$3"*) not_ok "$1" "'${2:0:400}' contains '$3'" ;; *) ok "$1" ;; esac
}
tap_tmp=$(mktemp -d)
tap_cleanup() { rm -rf "$tap_tmp"; }
tap_done() {
  echo "1..$tap_n"
  tap_cleanup
  [ "$tap_failed" -eq 0 ]
}
