#!/usr/bin/env bash
# cordon run as an unprivileged user (nobody, through setpriv): root hides mistakes
# (it may write anything anyway, and user namespaces behave differently for it), so
# the core checks run again as a user who owns the files being protected.
. "$(dirname "$0")/e2e.sh"

U=65534
[ "$(id -u)" = 0 ] || skip_all "needs root to switch to uid $U"
command -v setpriv >/dev/null || skip_all "no setpriv"
as_user=(setpriv --reuid=$U --regid=$U --clear-groups)
"${as_user[@]}" true 2>/dev/null || skip_all "setpriv cannot switch to uid $U"

# The binary where uid 65534 can run it, whatever the build directory's modes.
mkdir -p "$E2E/bin"
install -m 755 "$CORDON" "$E2E/bin/cordon"
CORDON=$E2E/bin/cordon

# A home, a workspace and a writable directory outside it, all owned by the user:
# outside the sandbox the user may write every one of them.
export HOME=$E2E/uhome XDG_CONFIG_HOME=$E2E/uhome/.config XDG_STATE_HOME=$E2E/uhome/.local/state
ws=$E2E/ws
mkdir -p "$HOME/.ssh" "$HOME/.aws" "$HOME/keys" "$ws/sub" "$E2E/user-dir"
S=SECRET-$MARK
echo "$S-ssh" >"$HOME/.ssh/id_ed25519"
printf 'IdentityFile ~/keys/deploy\n' >"$HOME/.ssh/config"
echo "$S-deploy" >"$HOME/keys/deploy"
echo "$S-aws" >"$HOME/.aws/credentials"
echo "$S-netrc" >"$HOME/.netrc"
echo "plain" >"$HOME/notes.txt"
chmod 700 "$HOME/.ssh"; chmod 600 "$HOME/.ssh/id_ed25519" "$HOME/.aws/credentials" "$HOME/.netrc" "$HOME/keys/deploy"
git -C "$ws" init -q
echo "tracked" >"$ws/file.txt"
git -C "$ws" add file.txt
git -C "$ws" commit -qm first
mkdir -p "$ws/.cordon"
echo "settings" >"$ws/.cordon/config"
echo "outside" >"$E2E/user-dir/file"
chown -R $U:$U "$HOME" "$ws" "$E2E/user-dir"

e2e_as=("${as_user[@]}")
run_user() { "${as_user[@]}" "$@"; }

# Controls: outside the sandbox, the user can do every one of the things below.
run_user sh -c "test -w '$ws/.git/config' && test -w '$HOME' && test -w '$E2E/user-dir/file' && cat '$HOME/.ssh/id_ed25519' '$HOME/keys/deploy' >/dev/null" &&
  ok "control: outside, the user may write .git, home, its dir and read its keys" ||
  not_ok "control: outside, the user may write .git, home, its dir and read its keys"

expect_status "runs as the user" 0 sb "$ws" -- id -u
[ "$out" = $U ] && ok "the command runs as uid $U" || not_ok "the command runs as uid $U" "$out"
try "workspace: write" allowed "$ws" "echo user-wrote >new.txt && mkdir -p d/e && echo deep >d/e/f"
has_content "workspace: the file is on the host" "$ws/new.txt" "user-wrote"
[ "$(stat -c %u "$ws/d/e/f")" = $U ] && ok "workspace: the file belongs to the user" ||
  not_ok "workspace: the file belongs to the user" "uid $(stat -c %u "$ws/d/e/f")"

before=$(snap "$ws/.git")
try ".git: create refused" denied "$ws" "echo x >.git/new"
try ".git: append refused" denied "$ws" "echo x >>.git/config"
try ".git: chmod refused" denied "$ws" "chmod 777 .git/config"
try ".git: delete refused" denied "$ws" "rm -rf .git && test ! -e .git"
try ".git: move away refused" denied "$ws" "mv .git git.old && test ! -e .git"
try ".git: git commit refused" denied "$ws" "echo c >>file.txt && git commit -qam intrude"
same ".git: unchanged on the host" "$before" "$(snap "$ws/.git")"
before=$(snap "$ws/.cordon")
try ".cordon: append refused" denied "$ws" "echo x >>.cordon/config"
try ".cordon: delete refused" denied "$ws" "rm -rf .cordon && test ! -e .cordon"
same ".cordon: unchanged on the host" "$before" "$(snap "$ws/.cordon")"

probe=$MARK-probe
try "/etc: create refused" denied "$ws" "echo x >/etc/$probe"
absent "/etc: no file on the host" "/etc/$probe"
try "/var/tmp: create refused" denied "$ws" "echo x >/var/tmp/$probe"
absent "/var/tmp: no file on the host" "/var/tmp/$probe"
try "/dev/shm: the sandbox's own" allowed "$ws" "echo x >/dev/shm/$probe"
absent "/dev/shm: no file on the host" "/dev/shm/$probe"
before=$(snap "$HOME")
try "home: create refused" denied "$ws" "echo x >\"\$HOME/$probe\""
try "home: append refused" denied "$ws" "echo x >>\"\$HOME/notes.txt\""
same "home: unchanged on the host" "$before" "$(snap "$HOME")"
before=$(snap "$E2E/user-dir")
try "the user's own dir outside the workspace: append refused" denied "$ws" "echo x >>$E2E/user-dir/file"
try "the user's own dir outside the workspace: create refused" denied "$ws" "echo x >$E2E/user-dir/$probe"
same "the user's own dir: unchanged on the host" "$before" "$(snap "$E2E/user-dir")"

for f in .ssh/id_ed25519 keys/deploy .aws/credentials .netrc; do
  try "secret ~/$f unreadable" denied "$ws" "cat \"\$HOME/$f\""
  leaks "secret ~/$f: nothing leaked" "$S" "$ws" -- cat "$HOME/$f"
done
try "plain ~/notes.txt readable" allowed "$ws" "cat \"\$HOME/notes.txt\""
expect_status "sweep of home" 0 sb "$ws" -- sh -c 'grep -r -a -s -h SECRET "$HOME"; exit 0'
lacks "sweep of home: no secret" "$out" "$S"

# A process of the same user on the host: outside it could be killed; inside not.
(exec -a "$MARK-uvictim" setpriv --reuid=$U --regid=$U --clear-groups sleep 300) &
uv=$!
e2e_pids+=("$uv")
wait_until 5 eval '[ "$(stat -c %u /proc/$uv 2>/dev/null)" = $U ] && grep -q "^sleep" /proc/$uv/cmdline'
run_user kill -0 "$uv" && ok "control: outside, the user may signal its own process" ||
  not_ok "control: outside, the user may signal its own process"
try "the user's host process cannot be signalled" denied "$ws" "kill -0 $uv"
try "the user's host process cannot be killed" denied "$ws" "kill -9 $uv"
alive "$uv" && ok "the user's host process is still alive" || not_ok "the user's host process is still alive"
kill -9 "$uv" 2>/dev/null; wait "$uv" 2>/dev/null

# Network, usability, status.
try "offline: no TCP to the host" denied "$ws" "$PY -c 'import socket; socket.create_connection((\"127.0.0.1\", 22), timeout=3)'"
expect_status "git status works" 0 sb "$ws" -- git status --porcelain
expect_status "cc works (the program exits 3)" 3 sb "$ws" -- sh -c 'printf "int main(void){return 3;}\n" >t.c && cc -o t t.c && ./t'
expect_status "exit status passes" 42 sb "$ws" -- sh -c 'exit 42'
expect_status "--require-namespaces works for the user" 0 sb "$ws" --require-namespaces -- true

# Killing the (unprivileged) caller takes the command with it.
"${as_user[@]}" "$CORDON" run --cwd "$ws" -- bash -c "exec -a $MARK-uorphan sleep 300" </dev/null >/dev/null 2>&1 &
cpid=$!
e2e_pids+=("$cpid")
if wait_until 20 some_argv0 "$MARK-uorphan"; then
  spid=$(pids_argv0 "$MARK-uorphan")
  kill -9 "$cpid"
  wait "$cpid" 2>/dev/null
  wait_until 10 dead "$spid" && ok "kill -9 of the user's cordon: the command dies" ||
    not_ok "kill -9 of the user's cordon: the command dies" "$(ps -o pid,user,args -p "$spid" 2>&1)"
else
  not_ok "kill -9 of the user's cordon: the command dies" "the command never started"
fi

tap_done
