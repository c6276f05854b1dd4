#!/usr/bin/env bash
# cordon run, protected children: .git (a directory, and the gitfile of a linked
# worktree), .agents, .codex and .cordon stay read-only against every way of
# changing them, and the host sees them byte for byte, mode for mode, unchanged.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws"
git -C "$ws" init -q
echo "tracked" >"$ws/file.txt"
git -C "$ws" add file.txt
git -C "$ws" commit -qm "first"
for name in .agents .codex .cordon; do
  mkdir -p "$ws/$name/sub" "$ws/$name/empty"
  echo "settings of $name" >"$ws/$name/config"
  echo "nested" >"$ws/$name/sub/file"
done
# A decoy for the exchange attack: renameat2(RENAME_EXCHANGE) swaps two names.
cat >"$E2E/exchange.py" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
r = libc.renameat2(AT_FDCWD, sys.argv[1].encode(), AT_FDCWD, sys.argv[2].encode(), RENAME_EXCHANGE)
sys.exit(0 if r == 0 else 1)
PY

# attack NAME WS PATH SNIPPET [FLAGS...]: the snippet fails inside the sandbox and
# PATH (the protected tree) is unchanged on the host afterwards.
attack() {
  local name=$1 w=$2 path=$3 snippet=$4; shift 4
  local before; before=$(snap "$path")
  try "$name: refused" denied "$w" "$snippet" "$@"
  same "$name: unchanged on the host" "$before" "$(snap "$path")"
}

# The operations, with P the protected directory and F a file in it.
dir_attacks() {
  local w=$1 P=$2 label=$3
  local F=$P/config
  [ "$P" = .git ] && F=.git/config
  attack "$label: create a file" "$w" "$w/$P" "echo x >$P/new"
  attack "$label: overwrite a file" "$w" "$w/$P" "echo x >$F"
  attack "$label: append to a file" "$w" "$w/$P" "echo x >>$F"
  attack "$label: truncate a file" "$w" "$w/$P" "truncate -s 0 $F"
  attack "$label: open O_TRUNC" "$w" "$w/$P" "$PY -c 'open(\"$F\", \"w\")'"
  attack "$label: mkdir" "$w" "$w/$P" "mkdir $P/newdir"
  attack "$label: symlink in it" "$w" "$w/$P" "ln -s /etc/passwd $P/evil"
  attack "$label: chmod a file" "$w" "$w/$P" "chmod 777 $F"
  attack "$label: chmod the directory" "$w" "$w/$P" "chmod 700 $P"
  attack "$label: touch (mtime)" "$w" "$w/$P" "touch -d 2001-01-01 $F"
  attack "$label: hardlink out, then write" "$w" "$w/$P" "ln $F ./hl && echo x >>./hl"
  attack "$label: rmdir an empty dir" "$w" "$w/$P" "mkdir -p $P/empty; rmdir $P/empty"
  attack "$label: rename a file inside" "$w" "$w/$P" "mv $F $F.moved"
  attack "$label: rename a file out" "$w" "$w/$P" "mv $F ./stolen && test ! -e $F"
  attack "$label: delete a file" "$w" "$w/$P" "rm -f $F && test ! -e $F"
  attack "$label: exchange with a decoy (renameat2)" "$w" "$w/$P" \
    "mkdir -p decoy && echo fake >decoy/config && $PY $E2E/exchange.py decoy $P"
  attack "$label: move it into a subdirectory" "$w" "$w/$P" "mkdir -p box && mv $P box/ && test ! -e $P"
  attack "$label: move the directory away" "$w" "$w/$P" "mv $P $P.away && test ! -e $P"
  attack "$label: move everything into a subdirectory" "$w" "$w/$P" \
    "mkdir -p box2 && for f in .[!.]* *; do [ \"\$f\" = box2 ] || mv \"\$f\" box2/ 2>/dev/null; done; test ! -e $P"
  attack "$label: delete the tree" "$w" "$w/$P" "rm -rf $P && test ! -e $P"
}

# .git, a directory: the same operations, plus git itself.
dir_attacks "$ws" .git ".git"
attack ".git: git config" "$ws" "$ws/.git" "git config user.name intruder"
attack ".git: git commit" "$ws" "$ws/.git" "echo change >>file.txt && git commit -qam intrude"
attack ".git: a hook" "$ws" "$ws/.git" "echo 'touch /tmp/pwned' >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit"
attack ".git: git gc" "$ws" "$ws/.git" "git gc -q && git count-objects | grep -q '^0 objects'"
for name in .agents .codex .cordon; do
  dir_attacks "$ws" "$name" "$name"
done
# Put back what the attacks moved (they only reach unprotected files).
[ -d "$ws/box2" ] && { mv "$ws"/box2/file.txt "$ws"/ 2>/dev/null; }
git -C "$ws" checkout -q -- file.txt

# The same names are protected in every writable root, not only the workspace.
mkdir -p "$E2E/extra/.cordon"
echo "extra" >"$E2E/extra/.cordon/config"
attack "extra root: .cordon write" "$ws" "$E2E/extra/.cordon" "echo x >>$E2E/extra/.cordon/config" --writable "$E2E/extra"
try "extra root: its other files are writable" allowed "$ws" "echo ok >$E2E/extra/f" --writable "$E2E/extra"

# A linked worktree: .git is a file ("gitdir: ...") that must stay read-only, and
# the repository it points to is outside the workspace.
git -C "$ws" worktree add -q "$E2E/wt" 2>/dev/null
wt=$E2E/wt
if [ -f "$wt/.git" ]; then ok "worktree: .git is a gitfile"; else not_ok "worktree: .git is a gitfile" "$(ls -la "$wt")"; fi
gitdir=$(sed -n 's/^gitdir: //p' "$wt/.git")
file_attack() { attack "gitfile: $1" "$wt" "$wt/.git" "$2"; }
file_attack "overwrite" "echo 'gitdir: /tmp/evil' >.git"
file_attack "append" "echo x >>.git"
file_attack "truncate" "truncate -s 0 .git"
file_attack "open O_TRUNC" "$PY -c 'open(\".git\", \"w\")'"
file_attack "delete" "rm -f .git && test ! -e .git"
file_attack "rename away" "mv .git gitfile.old && test ! -e .git"
file_attack "move into a subdirectory" "mkdir -p box && mv .git box/ && test ! -e .git"
file_attack "replace with a directory" "rm -f .git; mkdir .git && test -d .git"
file_attack "replace with a symlink" "ln -sf /tmp/evil .git && test -L .git"
file_attack "chmod" "chmod 777 .git"
file_attack "touch (mtime)" "touch -d 2001-01-01 .git"
file_attack "hardlink out, then write" "ln .git ./hl && echo x >>./hl"
file_attack "exchange with a decoy (renameat2)" "echo 'gitdir: /tmp/evil' >decoy && $PY $E2E/exchange.py decoy .git"
attack "gitfile: the gitdir it points to is read-only" "$wt" "$gitdir" "echo x >>$gitdir/HEAD"
attack "gitfile: the main repository is read-only" "$wt" "$ws/.git" "echo x >>$ws/.git/config"
try "worktree: git status works" allowed "$wt" "git status --porcelain"
try "worktree: other files are writable" allowed "$wt" "echo ok >wt-file"
has_content "worktree: the write is on the host" "$wt/wt-file" "ok"
git -C "$ws" status --porcelain >/dev/null 2>&1 && ok "host git still works on the workspace" ||
  not_ok "host git still works on the workspace" "$(git -C "$ws" status 2>&1)"

# Last (if it wrongly succeeded, later checks would have no workspace): the parent
# of a protected child is moved away, taking the child with it.
attack "gitfile: move the worktree (its parent) away" "$wt" "$wt/.git" "cd .. && mv wt wt-moved && test ! -e wt"
attack ".git: move the workspace (its parent) away" "$ws" "$ws/.git" "cd .. && mv ws ws-moved && test ! -e ws"

tap_done
