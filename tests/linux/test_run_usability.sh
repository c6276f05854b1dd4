#!/usr/bin/env bash
# cordon run, usability: what an agent runs every day works in the sandbox, and
# everything a build writes in the workspace is on the host afterwards.
. "$(dirname "$0")/e2e.sh"

ws=$E2E/ws
mkdir -p "$ws"
git -C "$ws" init -q
printf 'line 1\nline 2\n' >"$ws/file.txt"
git -C "$ws" add file.txt
git -C "$ws" commit -qm "first commit $MARK"
echo "line 3 changed" >>"$ws/file.txt"

# git reads work; the read-only .git does not break them (no index refresh needed).
expect_status "git status" 0 sb "$ws" -- git status --porcelain
[ "$out" = " M file.txt" ] && ok "git status shows the change" || not_ok "git status shows the change" "$out"
expect_status "git diff" 0 sb "$ws" -- git diff
contains "git diff shows the added line" "$out" "+line 3 changed"
expect_status "git log" 0 sb "$ws" -- git log --oneline
contains "git log shows the commit" "$out" "first commit $MARK"
# A file newer than the index: git wants to refresh the index and cannot write it.
touch -d "@$(( $(date +%s) + 60 ))" "$ws/file.txt"
expect_status "git status with a stale index" 0 sb "$ws" -- git status --porcelain
[ "$out" = " M file.txt" ] && ok "git status with a stale index still right" || not_ok "git status with a stale index still right" "$out"
expect_status "git show, grep, blame, rev-parse" 0 sb "$ws" -- sh -c \
  'git show --stat HEAD >/dev/null && git grep -q "line 1" && git blame file.txt >/dev/null && git rev-parse --show-toplevel'
[ "$out" = "$ws" ] && ok "git rev-parse: the toplevel is the workspace" || not_ok "git rev-parse: the toplevel is the workspace" "$out"

# A repository owned by another user: git refuses it on the host, works in the
# sandbox through the injected safe.directory.
cp -a "$ws" "$E2E/other"
chown -R 65534:65534 "$E2E/other"
if git -C "$E2E/other" status >/dev/null 2>&1; then
  skip "another user's repository: refused without safe.directory (control)" "this git does not check ownership"
else
  ok "another user's repository: refused without safe.directory (control)"
fi
expect_status "another user's repository: git status works inside" 0 sb "$E2E/other" -- git status --porcelain
[ "$out" = " M file.txt" ] && ok "another user's repository: git status right" || not_ok "another user's repository: git status right" "$out"

# A C compiler, python, a shell pipeline.
printf '#include <stdio.h>\nint main(void) { puts("hello from cc"); return 0; }\n' >"$ws/hello.c"
expect_status "cc compiles and runs" 0 sb "$ws" -- sh -c 'cc -O2 -Wall -o hello hello.c && ./hello'
[ "$out" = "hello from cc" ] && ok "the program prints" || not_ok "the program prints" "$out"
[ -x "$ws/hello" ] && [ "$("$ws/hello")" = "hello from cc" ] && ok "the binary is on the host and runs there" ||
  not_ok "the binary is on the host and runs there" "$(ls -la "$ws/hello" 2>&1)"
expect_status "python3 runs" 0 sb "$ws" -- "$PY" -c 'import json, sqlite3, ssl, tempfile; print(json.dumps({"v": 6 * 7}))'
[ "$out" = '{"v": 42}' ] && ok "python3 output" || not_ok "python3 output" "$out"
expect_status "python3 venv-style temp work" 0 sb "$ws" -- "$PY" -c 'import tempfile; f = tempfile.NamedTemporaryFile(); f.write(b"x"); f.flush(); print("TMP-OK")'
[ "$out" = TMP-OK ] && ok "python3 temp files" || not_ok "python3 temp files" "$out"
expect_status "a shell pipeline" 0 sb "$ws" -- sh -c 'seq 1 1000 | grep 7 | sort -rn | head -n 3 | tr "\n" " "'
[ "$out" = "997 987 979 " ] && ok "the pipeline's output" || not_ok "the pipeline's output" "$out"
expect_status "sed -i, find, xargs, tar" 0 sb "$ws" -- sh -c \
  'sed -i "s/line 1/LINE ONE/" file.txt && find . -name "*.c" | xargs wc -l >/dev/null && tar czf t.tgz file.txt && mkdir -p x && tar xzf t.tgz -C x && cat x/file.txt | head -n 1'
[ "$out" = "LINE ONE" ] && ok "text tools work" || not_ok "text tools work" "$out"
head -n 1 "$ws/file.txt" | grep -qx "LINE ONE" && ok "sed -i's rename is on the host" || not_ok "sed -i's rename is on the host" "$(head -n 1 "$ws/file.txt")"

# A build that writes many files in nested directories.
expect_status "2000 files in nested directories" 0 sb "$ws" -- sh -c \
  'for d in $(seq 1 20); do mkdir -p out/d$d/sub; for f in $(seq 1 100); do echo "$d.$f" >out/d$d/sub/f$f.txt; done; done; cat out/*/sub/* | sha256sum'
inside_sum=$out
n=$(find "$ws/out" -type f | wc -l)
[ "$n" = 2000 ] && ok "all 2000 files are on the host" || not_ok "all 2000 files are on the host" "found $n"
host_sum=$(cd "$ws" && cat out/*/sub/* | sha256sum)
[ "$host_sum" = "$inside_sum" ] && ok "their contents match" || not_ok "their contents match" "$host_sum vs $inside_sum"
owner=$(stat -c %u "$ws/out/d7/sub/f42.txt")
[ "$owner" = "$(id -u)" ] && ok "the files belong to the caller" || not_ok "the files belong to the caller" "uid $owner"

# make -j2 on a generated project: 40 objects and a program.
mkdir -p "$ws/proj"
for i in $(seq 1 40); do
  printf 'int f%d(void) { return %d; }\n' "$i" "$i" >"$ws/proj/f$i.c"
done
{
  printf '#include <stdio.h>\n'
  for i in $(seq 1 40); do printf 'int f%d(void);\n' "$i"; done
  printf 'int main(void) { int s = 0;\n'
  for i in $(seq 1 40); do printf 's += f%d();\n' "$i"; done
  printf 'printf("sum %%d\\n", s); return 0; }\n'
} >"$ws/proj/main.c"
printf 'SRCS := $(wildcard *.c)\nOBJS := $(patsubst %%.c,build/%%.o,$(SRCS))\nprog: $(OBJS)\n\t$(CC) -o $@ $^\nbuild/%%.o: %%.c | build\n\t$(CC) -O1 -c -o $@ $<\nbuild:\n\tmkdir -p build\n' >"$ws/proj/Makefile"
expect_status "make -j2" 0 sb "$ws" -- sh -c 'make -s -j2 -C proj && ./proj/prog'
[ "$out" = "sum 820" ] && ok "the built program runs inside" || not_ok "the built program runs inside" "$out ${err:0:300}"
n=$(find "$ws/proj/build" -name '*.o' | wc -l)
[ "$n" = 41 ] && ok "all 41 objects are on the host" || not_ok "all 41 objects are on the host" "found $n"
[ "$("$ws/proj/prog")" = "sum 820" ] && ok "the program runs on the host" || not_ok "the program runs on the host" "$(ls -la "$ws/proj" 2>&1 | head)"

# /tmp inside is usable (compilers and test runners write there) and private.
expect_status "mktemp in /tmp" 0 sb "$ws" -- sh -c 'd=$(mktemp -d) && echo x >"$d/f" && cat "$d/f" && rm -r "$d"'
[ "$out" = x ] && ok "/tmp is usable" || not_ok "/tmp is usable" "$out"
mkdir -p "$E2E/tmpdir"
TMPDIR=$E2E/tmpdir expect_status "TMPDIR outside the workspace is writable" 0 sb "$ws" -- sh -c 'f=$(mktemp) && echo tmp-ok >"$f" && echo "$f"'
case "$out" in "$E2E/tmpdir/"*) has_content "TMPDIR: the temp file is on the host" "$out" "tmp-ok" ;;
  *) not_ok "TMPDIR: the temp file is on the host" "mktemp gave '$out'" ;; esac

tap_done
