#!/usr/bin/env bash
# cordon run, filesystem: writes outside the writable roots fail and leave nothing on
# the host; writes inside the workspace succeed and are visible outside afterwards.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws/src"
echo "workspace file" >"$ws/src/main.txt"
echo "outside file" >"$E2E/outside.txt"
mkdir -p "$HOME/project-notes"
echo "home data" >"$HOME/project-notes/data.txt"
probe=$MARK-probe

# Inside the workspace: create, nested directories, overwrite, append, delete, rename.
try "workspace: create a file" allowed "$ws" "echo created >new.txt"
has_content "workspace: the new file is on the host" "$ws/new.txt" "created"
try "workspace: nested directories" allowed "$ws" "mkdir -p a/b/c && echo deep >a/b/c/deep.txt"
has_content "workspace: the nested file is on the host" "$ws/a/b/c/deep.txt" "deep"
try "workspace: overwrite and append" allowed "$ws" "echo one >src/main.txt && echo two >>src/main.txt"
has_content "workspace: the overwrite is on the host" "$ws/src/main.txt" "one
two"
try "workspace: rename and delete" allowed "$ws" "mv new.txt renamed.txt && rm a/b/c/deep.txt"
has_content "workspace: the rename is on the host" "$ws/renamed.txt" "created"
absent "workspace: the deleted file is gone on the host" "$ws/a/b/c/deep.txt"
try "workspace: chmod" allowed "$ws" "chmod 600 renamed.txt"
[ "$(stat -c %a "$ws/renamed.txt")" = 600 ] && ok "workspace: the chmod is on the host" ||
  not_ok "workspace: the chmod is on the host" "mode $(stat -c %a "$ws/renamed.txt")"
try "workspace: a symlink inside" allowed "$ws" "ln -s src/main.txt link && test -L link"
[ "$(readlink "$ws/link")" = src/main.txt ] && ok "workspace: the symlink is on the host" ||
  not_ok "workspace: the symlink is on the host" "$(ls -la "$ws/link" 2>&1)"

# Home: no new file, no change to an existing one, no directory, no symlink.
home_before=$(snap "$HOME")
try "home: create a file denied" denied "$ws" "echo x >\"\$HOME/$probe\""
try "home: overwrite denied" denied "$ws" "echo x >\"\$HOME/notes.txt\""
try "home: append denied" denied "$ws" "echo x >>\"\$HOME/project-notes/data.txt\""
try "home: truncate denied" denied "$ws" "truncate -s 0 \"\$HOME/notes.txt\""
try "home: mkdir denied" denied "$ws" "mkdir \"\$HOME/$probe.d\""
try "home: symlink denied" denied "$ws" "ln -s /etc/passwd \"\$HOME/$probe.link\""
try "home: chmod denied" denied "$ws" "chmod 777 \"\$HOME/notes.txt\""
try "home: rename denied" denied "$ws" "mv \"\$HOME/notes.txt\" \"\$HOME/$probe.moved\""
try "home: move a file into the workspace denied" denied "$ws" "mv \"\$HOME/notes.txt\" ./stolen.txt"
try "home: write through ~ in a fresh shell denied" denied "$ws" "cd && echo x >.bashrc-$probe"
try "home: delete denied" denied "$ws" "rm \"\$HOME/notes.txt\""
same "home: unchanged on the host" "$home_before" "$(snap "$HOME")"

# /etc.
etc_before=$(snap /etc/hostname)
try "/etc: create denied" denied "$ws" "echo x >/etc/$probe"
absent "/etc: no file on the host" "/etc/$probe"
try "/etc: overwrite denied" denied "$ws" "echo x >>/etc/hostname"
try "/etc: mkdir denied" denied "$ws" "mkdir /etc/$probe.d"
absent "/etc: no directory on the host" "/etc/$probe.d"
same "/etc/hostname unchanged" "$etc_before" "$(snap /etc/hostname)"

# /var/tmp (not a temp root of the sandbox; only /tmp is).
try "/var/tmp: create denied" denied "$ws" "echo x >/var/tmp/$probe"
absent "/var/tmp: no file on the host" "/var/tmp/$probe"

# /dev/shm: the sandbox has its own; the host's must not get the file.
try "/dev/shm: the sandbox's own is usable" allowed "$ws" "echo x >/dev/shm/$probe && test -s /dev/shm/$probe"
absent "/dev/shm: no file in the host's /dev/shm" "/dev/shm/$probe"
touch "/dev/shm/$probe.host"
try "/dev/shm: the host's files are not visible" denied "$ws" "test -e /dev/shm/$probe.host"
rm -f "/dev/shm/$probe.host"

# /tmp: the sandbox's own, writable, and nothing reaches the host's /tmp.
try "/tmp: the sandbox's own is writable" allowed "$ws" "echo x >/tmp/$probe && test -s /tmp/$probe"
absent "/tmp: no file in the host's /tmp" "/tmp/$probe"
try "/tmp: the host's /tmp is not visible" denied "$ws" "test -d $tap_tmp"

# The workspace's parent: nothing created, changed, removed; the workspace stays.
parent_before=$(find "$E2E" -maxdepth 1 -printf '%y %m %T@ %C@ %i %p\n' | sort)
outside_before=$(snap "$E2E/outside.txt")
try "parent: create denied" denied "$ws" "echo x >../$probe"
try "parent: append to a file denied" denied "$ws" "echo x >>../outside.txt"
try "parent: truncate a file denied" denied "$ws" "true >../outside.txt"
try "parent: delete a file denied" denied "$ws" "rm -f ../outside.txt && test ! -e ../outside.txt"
try "parent: mkdir denied" denied "$ws" "mkdir ../$probe.d"
try "parent: a symlink beside the workspace denied" denied "$ws" "ln -s /etc ../$probe.link"
same "parent: unchanged on the host" "$parent_before" "$(find "$E2E" -maxdepth 1 -printf '%y %m %T@ %C@ %i %p\n' | sort)"
same "parent: outside.txt unchanged" "$outside_before" "$(snap "$E2E/outside.txt")"
has_content "parent: the workspace is intact" "$ws/src/main.txt" "one
two"

# Other places a careless sandbox leaves writable.
for dir in /usr/local /opt /root /var/lib /run /srv; do
  [ -d "$dir" ] || continue
  try "$dir: create denied" denied "$ws" "echo x >$dir/$probe"
  absent "$dir: no file on the host" "$dir/$probe"
done

# Kernel interfaces: nothing the sandbox writes there reaches the host.
try "/sys: cgroup create denied" denied "$ws" "mkdir /sys/fs/cgroup/$probe"
absent "/sys: no cgroup on the host" "/sys/fs/cgroup/$probe"
try "/proc/sys: a sysctl write denied" denied "$ws" "echo 1 >/proc/sys/vm/drop_caches"
try "/proc/sysrq-trigger: denied" denied "$ws" "echo h >/proc/sysrq-trigger"
try "/proc/1/root is the sandbox's root, not the host's" denied "$ws" "test -e /proc/1/root$E2E/outside.txt && echo x >>/proc/1/root$E2E/outside.txt"
same "outside.txt unchanged after /proc tricks" "$outside_before" "$(snap "$E2E/outside.txt")"

# Modes and flags: read-only mode, an extra writable root, carveouts.
try "read-only mode: the workspace is not writable" denied "$ws" "echo x >ro-$probe" --mode read-only
absent "read-only mode: no file on the host" "$ws/ro-$probe"
mkdir -p "$E2E/extra"
try "--writable: an extra root is writable" allowed "$ws" "echo extra >$E2E/extra/f" --writable "$E2E/extra"
has_content "--writable: the file is on the host" "$E2E/extra/f" "extra"
try "--writable: its parent is not" denied "$ws" "echo x >$E2E/$probe.2" --writable "$E2E/extra"
absent "--writable: no file in its parent" "$E2E/$probe.2"
mkdir -p "$ws/docs/gen"
echo "doc" >"$ws/docs/readme"
docs_before=$(snap "$ws/docs/readme")
try "--deny-write carveout: denied" denied "$ws" "echo x >>docs/readme" --deny-write docs --writable docs/gen
try "--deny-write carveout: new file denied" denied "$ws" "echo x >docs/$probe" --deny-write docs --writable docs/gen
try "--deny-write carveout: reopened child writable" allowed "$ws" "echo gen >docs/gen/out" --deny-write docs --writable docs/gen
same "--deny-write carveout: unchanged on the host" "$docs_before" "$(snap "$ws/docs/readme")"
absent "--deny-write carveout: no new file on the host" "$ws/docs/$probe"
has_content "--deny-write carveout: the reopened write is on the host" "$ws/docs/gen/out" "gen"
echo "private" >"$ws/docs/private.key"
try "--deny-read: a workspace file is hidden" denied "$ws" "grep -q private docs/private.key" --deny-read docs/private.key
try "--deny-read: not overwritable either" denied "$ws" "echo x >docs/private.key" --deny-read docs/private.key
has_content "--deny-read: the file is unchanged" "$ws/docs/private.key" "private"
try "--deny-read: a missing path is created and hidden" denied "$ws" "echo x >later/f" --deny-read later
[ -d "$ws/later" ] && [ -z "$(ls -A "$ws/later")" ] && ok "--deny-read: the missing carveout exists, empty" ||
  not_ok "--deny-read: the missing carveout exists, empty" "$(ls -la "$ws/later" 2>&1)"

# A workspace inside /tmp is bound on top of the sandbox's private /tmp.
tws=$(mktemp -d /tmp/cordon-e2e-ws.XXXXXXXX)
try "/tmp workspace: writable" allowed "$tws" "echo in-tmp >f && test \"\$(cat f)\" = in-tmp"
has_content "/tmp workspace: the write is on the host" "$tws/f" "in-tmp"
try "/tmp workspace: siblings in the host's /tmp are not visible" denied "$tws" "test -d $tap_tmp"
try "/tmp workspace: the parent /tmp is the sandbox's own" allowed "$tws" "echo x >/tmp/$probe.t"
absent "/tmp workspace: nothing in the host's /tmp" "/tmp/$probe.t"
rm -rf "$tws"

# Last (if it wrongly succeeded, the checks above would have had no workspace).
parent_before=$(find "$E2E" -maxdepth 1 -printf '%y %m %T@ %C@ %i %p\n' | sort)
try "parent: rename the workspace denied" denied "$ws" "cd .. && mv ws ws-moved"
same "parent: still unchanged on the host" "$parent_before" "$(find "$E2E" -maxdepth 1 -printf '%y %m %T@ %C@ %i %p\n' | sort)"

tap_done
