#!/usr/bin/env bash
# cordon run, links: symlinks and hardlinks in the workspace that point outside
# grant no write outside; the files they point to are unchanged on the host.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws" "$HOME/dir" "$E2E/outdir"
echo "home secret-free file" >"$HOME/target.txt"
echo "outside" >"$E2E/outdir/file"
mkdir -p "$HOME/.ssh"
echo "ssh key" >"$HOME/.ssh/id_ed25519"
# Links made on the host before the sandbox starts.
ln -s "$HOME/target.txt" "$ws/to-home-file"
ln -s "$HOME/target.txt" "$ws/to-home-file2"
ln -s "$HOME/dir" "$ws/to-home-dir"
ln -s "$E2E/outdir" "$ws/to-parent-dir"
ln -s /etc "$ws/to-etc"
ln -s "$HOME/.ssh/id_ed25519" "$ws/to-key"
ln -s ../outdir/file "$ws/relative-out"
probe=$MARK-probe

home_before=$(snap "$HOME")
out_before=$(snap "$E2E/outdir")
try "symlink to a home file: read allowed" allowed "$ws" "grep -q 'home secret-free' to-home-file"
try "symlink to a home file: write denied" denied "$ws" "echo x >>to-home-file"
try "symlink to a home file: truncate denied" denied "$ws" "truncate -s 0 to-home-file"
try "symlink to a home file: O_TRUNC denied" denied "$ws" "echo x >to-home-file"
try "symlink to a home dir: create denied" denied "$ws" "echo x >to-home-dir/$probe"
try "symlink to the workspace's parent: create denied" denied "$ws" "echo x >to-parent-dir/$probe"
try "relative symlink out: write denied" denied "$ws" "echo x >>relative-out"
try "symlink to /etc: create denied" denied "$ws" "echo x >to-etc/$probe"
try "symlink to a secret: read denied" denied "$ws" "grep -q 'ssh key' to-key"
try "symlink made inside to home: write denied" denied "$ws" "ln -s \"\$HOME/target.txt\" new-link && echo x >>new-link"
try "symlink made inside to a home dir: create denied" denied "$ws" "ln -s \"\$HOME\" h && echo x >h/$probe"
try "chmod through a symlink denied" denied "$ws" "chmod 777 to-home-file"
try "cp -f through a symlink denied" denied "$ws" "echo x >y && cp -f y to-home-file2 && grep -q x \"\$HOME/target.txt\""
absent "no probe in home" "$HOME/$probe"
absent "no probe in home/dir" "$HOME/dir/$probe"
absent "no probe in the parent" "$E2E/outdir/$probe"
absent "no probe in /etc" "/etc/$probe"
# Hardlinks to outside files: refused (another mount, or Landlock's REFER), so a
# later write in the workspace cannot reach them.
try "hardlink to a home file denied" denied "$ws" "ln \"\$HOME/target.txt\" hl && test -e hl"
try "hardlink to a parent file denied" denied "$ws" "ln ../outdir/file hl2 && test -e hl2"
try "hardlink to an /etc file denied" denied "$ws" "ln /etc/hostname hl3 && test -e hl3"
try "hardlink via a symlink (ln -L) denied" denied "$ws" "ln -L to-home-file hl4 && test -e hl4"
try "hardlink of an open fd (linkat /proc/self/fd, AT_SYMLINK_FOLLOW) denied" denied "$ws" \
  "$PY -c 'import ctypes, os, sys; l = ctypes.CDLL(None); fd = os.open(\"$HOME/target.txt\", os.O_RDONLY); sys.exit(l.linkat(-100, b\"/proc/self/fd/%d\" % fd, -100, b\"hl5\", 0x400) != 0)' && test -e hl5"
for f in hl hl2 hl3 hl4 hl5; do absent "hardlink $f not made" "$ws/$f"; done
[ "$(stat -c %h "$HOME/target.txt")" = 1 ] && ok "home file still has one link" ||
  not_ok "home file still has one link" "$(stat -c %h "$HOME/target.txt")"
same "home unchanged on the host" "$home_before" "$(snap "$HOME")"
same "the parent's files unchanged on the host" "$out_before" "$(snap "$E2E/outdir")"
# A workspace that is itself reached through a symlink: the real directory is bound.
ln -s "$ws" "$E2E/ws-link"
try "workspace through a symlink: writable" allowed "$E2E/ws-link" "echo via-link >via-link.txt"
has_content "workspace through a symlink: the write is on the host" "$ws/via-link.txt" "via-link"
try "workspace through a symlink: the parent still read-only" denied "$E2E/ws-link" "echo x >../$probe"
absent "workspace through a symlink: no probe in the parent" "$E2E/$probe"

tap_done
