#!/usr/bin/env bash
# cordon run, secrets: the user's credentials, and every file ~/.ssh/config depends
# on, are unreadable inside; ordinary home files are readable.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws"
# Every secret holds a marker; no output of the sandbox may ever contain one.
S=SECRET-$MARK
mkdir -p "$HOME"/{.ssh/conf.d,.aws,.gnupg,.kube,.docker,.config/gcloud,.azure,keys,other,certs}
echo "$S-ssh-key" >"$HOME/.ssh/id_ed25519"
cat >"$HOME/.ssh/config" <<'CFG'
Host deploy
  IdentityFile ~/keys/deploy
  CertificateFile ~/certs/deploy-cert.pub
Include ~/.ssh/conf.d/*
CFG
printf 'Host other\n  IdentityFile ~/other/key\n' >"$HOME/.ssh/conf.d/other.conf"
echo "# $S-config" >>"$HOME/.ssh/config"
echo "# $S-other-config" >>"$HOME/.ssh/conf.d/other.conf"
echo "$S-deploy-key" >"$HOME/keys/deploy"
echo "$S-other-key" >"$HOME/other/key"
echo "$S-cert" >"$HOME/certs/deploy-cert.pub"
echo "$S-aws" >"$HOME/.aws/credentials"
echo "machine example.com login me password $S-netrc" >"$HOME/.netrc"
echo "$S-gnupg" >"$HOME/.gnupg/private.key"
echo "$S-kube" >"$HOME/.kube/config"
echo "{\"auths\": \"$S-docker\"}" >"$HOME/.docker/config.json"
echo "$S-gcloud" >"$HOME/.config/gcloud/credentials.db"
echo "$S-azure" >"$HOME/.azure/token"
ln -s "$HOME/.aws/credentials" "$HOME/aws-link"
# Ordinary files, one beside a secret file (~/.docker/config.json).
mkdir -p "$HOME/src"
echo "ordinary source file" >"$HOME/src/main.c"
echo "other docker file" >"$HOME/.docker/other.json"
echo "gitconfig" >"$HOME/.gitconfig"
secrets=(.ssh/id_ed25519 .ssh/config .ssh/conf.d/other.conf keys/deploy other/key certs/deploy-cert.pub
  .aws/credentials .netrc .gnupg/private.key .kube/config .docker/config.json
  .config/gcloud/credentials.db .azure/token aws-link)
plain=(notes.txt src/main.c .docker/other.json .gitconfig)

# Precondition: this user can read every one of them outside the sandbox.
for f in "${secrets[@]}"; do
  [ -r "$HOME/$f" ] || not_ok "precondition: $f readable outside" "$(ls -la "$HOME/$f" 2>&1)"
done

for f in "${secrets[@]}"; do
  try "secret ~/$f unreadable" denied "$ws" "cat \"\$HOME/$f\""
  leaks "secret ~/$f: no content leaked" "$S" "$ws" -- cat "$HOME/$f"
done
for f in "${plain[@]}"; do
  try "plain ~/$f readable" allowed "$ws" "cat \"\$HOME/$f\""
done
try "~/.ssh lists as empty" allowed "$ws" "test -z \"\$(ls -A \"\$HOME/.ssh\")\""
try "~/.aws lists as empty" allowed "$ws" "test -z \"\$(ls -A \"\$HOME/.aws\")\""
try "~/src still lists main.c" allowed "$ws" "ls \"\$HOME/src\" | grep -qx main.c"

# A sweep of the whole home, and of everything readable: no marker anywhere.
expect_status "sweep of home runs" 0 sb "$ws" -- sh -c 'grep -r -a -s -h SECRET "$HOME" /proc/self/environ; exit 0'
lacks "sweep of home: no secret" "$out" "$S"
expect_status "find + cat of home runs" 0 sb "$ws" -- sh -c 'find "$HOME" -type f -exec cat {} + 2>/dev/null; exit 0'
lacks "find + cat of home: no secret" "$out" "$S"
contains "find + cat of home: plain files read" "$out" "ordinary source file"
# Other ways to read a file: mmap, copy, open by handle, a hardlink, a bind of /proc.
try "python read of the key denied" denied "$ws" "$PY -c 'open(\"$HOME/keys/deploy\").read()'"
try "mmap of the key denied" denied "$ws" \
  "$PY -c 'import mmap,os; fd=os.open(\"$HOME/.ssh/id_ed25519\", os.O_RDONLY); print(mmap.mmap(fd, 0, prot=mmap.PROT_READ)[:5])'"
leaks "mmap: no content leaked" "$S" "$ws" -- "$PY" -c "import mmap,os; fd=os.open('$HOME/.ssh/id_ed25519', os.O_RDONLY); print(mmap.mmap(fd, 0, prot=mmap.PROT_READ)[:])"
try "cp of ~/.aws denied" denied "$ws" "cp -r \"\$HOME/.aws\" ./aws-copy && grep -rq SECRET ./aws-copy"
lacks "cp of ~/.aws: nothing copied" "$(cat "$ws"/aws-copy/* 2>/dev/null)" "$S"
try "hardlink of the netrc denied" denied "$ws" "ln \"\$HOME/.netrc\" ./netrc && grep -q SECRET ./netrc"
try "tar of home leaks nothing" denied "$ws" "tar -C \"\$HOME\" -cf - . 2>/dev/null | grep -a -q SECRET"
try "no write into ~/.ssh" denied "$ws" "echo x >\"\$HOME/.ssh/authorized_keys\""
absent "no authorized_keys on the host" "$HOME/.ssh/authorized_keys"
try "no new key beside the deploy key" denied "$ws" "echo x >\"\$HOME/keys/deploy2\""

# A user entry naming a secret makes it readable (the check above can see it).
try "--readable ~/.aws grants it" allowed "$ws" "grep -q SECRET \"\$HOME/.aws/credentials\"" --readable "$HOME/.aws"
try "--readable ~/.aws leaves ~/.ssh hidden" denied "$ws" "grep -q SECRET \"\$HOME/.ssh/id_ed25519\"" --readable "$HOME/.aws"

# The workspace is home (home is never a root): secrets still hidden, home itself
# not writable, its children are.
mkdir -p "$HOME/proj"
try "cwd = home: secret unreadable" denied "$HOME" "cat .ssh/id_ed25519" 
leaks "cwd = home: no content leaked" "$S" "$HOME" -- cat .ssh/id_ed25519 .netrc keys/deploy
try "cwd = home: ~/.netrc unreadable" denied "$HOME" "cat .netrc"
try "cwd = home: ~/keys/deploy unreadable" denied "$HOME" "cat keys/deploy"
try "cwd = home: a file in home itself not writable" denied "$HOME" "echo x >$MARK-home"
absent "cwd = home: no file on the host" "$HOME/$MARK-home"
try "cwd = home: ~/.ssh not writable" denied "$HOME" "echo x >.ssh/authorized_keys"
absent "cwd = home: no authorized_keys on the host" "$HOME/.ssh/authorized_keys"
try "cwd = home: a child directory is writable" allowed "$HOME" "echo ok >proj/f"
has_content "cwd = home: the write is on the host" "$HOME/proj/f" "ok"

# Secrets reached through symlinks (a dotfiles manager), and HOME itself a symlink.
real=$E2E/realhome
mkdir -p "$real/dotfiles/ssh" "$E2E/vault/aws" "$ws"
echo "$S-dot-ssh" >"$real/dotfiles/ssh/id_ed25519"
ln -s dotfiles/ssh "$real/.ssh"
echo "$S-vault-aws" >"$E2E/vault/aws/credentials"
ln -s "$E2E/vault/aws" "$real/.aws"
echo "$S-dot-netrc" >"$real/dotfiles/netrc"
ln -s dotfiles/netrc "$real/.netrc"
echo "dot plain" >"$real/dotfiles/plain"
ln -s realhome "$E2E/homelink"
for h in "$real" "$E2E/homelink"; do
  for f in .ssh/id_ed25519 dotfiles/ssh/id_ed25519 .aws/credentials .netrc dotfiles/netrc; do
    HOME=$h try "symlinked secret ~/$f unreadable (HOME=${h##*/})" denied "$ws" "cat \"\$HOME/$f\""
    HOME=$h leaks "symlinked secret ~/$f: nothing leaked (HOME=${h##*/})" "$S" "$ws" -- cat "$h/$f"
  done
  HOME=$h try "symlinked secret: the vault's real path unreadable (HOME=${h##*/})" denied "$ws" "cat $E2E/vault/aws/credentials"
  HOME=$h try "symlinked secret: a plain dotfile readable (HOME=${h##*/})" allowed "$ws" "cat \"\$HOME/dotfiles/plain\""
done

# cordon's own home: never writable inside, even inside the workspace.
mkdir -p "$ws/cordon-home"
echo "state" >"$ws/cordon-home/state"
CORDON_HOME=$ws/cordon-home try "CORDON_HOME in the workspace not writable" denied "$ws" "echo x >>cordon-home/state"
CORDON_HOME=$ws/cordon-home try "CORDON_HOME: no new file" denied "$ws" "echo x >cordon-home/new"
has_content "CORDON_HOME unchanged" "$ws/cordon-home/state" "state"
absent "CORDON_HOME: no new file on the host" "$ws/cordon-home/new"

tap_done
