#!/usr/bin/env python3
"""Read the traces bench/run --profile records and print them side by side.

    profile.py syscalls LABEL=STRACE_C_FILE ...
        `strace -f -c` summaries: calls per system call, the most frequent first.
    profile.py phases LABEL=PERF_TRACE_FILE[,FILE...] ...
        `perf trace -e <markers>` timelines of single runs: the median time of each
        start-up phase, cut at the marker system calls (see PHASES).
    profile.py cpu RUNS PERIOD_US LABEL=PERF_DATA ...
        `perf record -g -e cpu-clock -c PERIOD` of RUNS runs: CPU microseconds per run
        under each kernel entry point and in each binary.

Only prints; the numbers judge nothing."""

import os
import re
import statistics
import subprocess
import sys


def split_specs(args):
    specs = []
    for a in args:
        label, sep, rest = a.partition("=")
        if not sep:
            sys.exit(f"profile.py: expected LABEL=FILE, got {a!r}")
        specs.append((label, rest))
    return specs


def table(header, rows, first_width=None):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    if first_width:
        widths[0] = max(widths[0], first_width)
    for r in [header] + rows:
        cells = [str(r[0]).ljust(widths[0])] + [str(c).rjust(w) for c, w in zip(r[1:], widths[1:])]
        print("  " + "  ".join(cells).rstrip())


# --- strace -c -f ------------------------------------------------------------------

def read_strace_c(path):
    calls, errors = {}, {}
    for line in open(path):
        f = line.split()
        # % time  seconds  usecs/call  calls  [errors]  syscall
        if len(f) >= 5 and re.match(r"^[\d.]+$", f[0]) and f[-1] != "total":
            name = f[-1]
            nums = f[1:-1]
            calls[name] = int(nums[2])
            errors[name] = int(nums[3]) if len(nums) > 3 else 0
    return calls, errors


def cmd_syscalls(args):
    specs = split_specs(args)
    data = [(label, *read_strace_c(path)) for label, path in specs]
    names = set()
    for _, calls, _ in data:
        names |= calls.keys()
    rows = []
    for n in sorted(names, key=lambda n: -max(c.get(n, 0) for _, c, _ in data)):
        rows.append([n] + [c.get(n, 0) for _, c, _ in data])
    top = rows[:22]
    rest = rows[22:]
    if rest:
        top.append([f"({len(rest)} others)"] + [sum(r[i] for r in rest) for i in range(1, len(data) + 1)])
    top.append(["total calls"] + [sum(c.values()) for _, c, _ in data])
    top.append(["  of which failed"] + [sum(e.values()) for _, _, e in data])
    top.append(["distinct syscalls"] + [len(c) for _, c, _ in data])
    table(["syscall"] + [label for label, _, _ in data], top)


# --- perf trace phases ---------------------------------------------------------------

LINE = re.compile(r"^\s*([\d.]+) \(\s*([\d.]*)\s*(?:ms)?\): (\S*)/(\d+) (.*)$")

# (name, start marker, end marker); markers are keys of the dict marks() returns.
PHASES = [
    ("exec, loader, options, policy (until the namespaces)", "t0", "ns"),
    ("the namespace call: unshare / clone(CLONE_NEW*)", "ns", "ns_end"),
    ("id maps, fork, new root: mounts to pivot_root+umount", "ns_end", "root_end"),
    ("capabilities, Landlock, seccomp, fork the command", "root_end", "exec"),
    ("execve(true), its loader, its exit_group", "exec", "cmd_exit"),
    ("back up the chain to the top exit_group", "cmd_exit", "end"),
    ("total (first to last traced event)", "t0", "end"),
]


def marks(path):
    events = []
    for line in open(path):
        m = LINE.match(line)
        if not m or "[continued]" in line:
            continue
        ts, dur, comm, pid, rest = m.groups()
        name = re.match(r"(\w+)", rest)
        events.append((float(ts), float(dur) if dur else 0.0, comm, int(pid),
                       name.group(1) if name else "", rest))
    if not events:
        raise ValueError(f"{path}: no events")
    top = events[0][3]  # the traced program's first system call comes first
    events.sort(key=lambda e: e[0])
    m = {"t0": events[0][0]}
    ns = next(e for e in events if e[4] == "unshare" or
              (e[4] in ("clone", "clone3") and "NEW" in e[5]))
    m["ns"], m["ns_end"] = ns[0], ns[0] + ns[1]
    root = [e for e in events if e[4] == "umount2"] or [e for e in events if e[4] == "pivot_root"]
    m["root_end"] = root[-1][0] + root[-1][1]
    # The command's execve: the last that succeeded, or was cut in two ("...") by an
    # event of another process (then its end comes on a "[continued]" line).
    execs = [e for e in events if e[4] == "execve" and re.search(r"(= 0|\.\.\.)\s*$", e[5])]
    ex = execs[-1]
    m["exec"] = ex[0]
    m["cmd_exit"] = next(e[0] for e in events if e[3] == ex[3] and e[4] == "exit_group")
    m["end"] = next(e[0] for e in events if e[3] == top and e[4] == "exit_group")
    return m


def cmd_phases(args):
    specs = split_specs(args)
    cols = []
    for label, files in specs:
        per_phase = [[] for _ in PHASES]
        bad = 0
        for f in files.split(","):
            try:
                m = marks(f)
            except (StopIteration, IndexError, ValueError):
                bad += 1
                continue
            for i, (_, a, b) in enumerate(PHASES):
                per_phase[i].append((m[b] - m[a]) * 1000.0)
        if not per_phase[0]:
            sys.exit(f"profile.py: no usable trace for {label}")
        cols.append((label, per_phase, len(per_phase[0]), bad))
    rows = []
    for i, (name, _, _) in enumerate(PHASES):
        row = [name]
        for _, per_phase, _, _ in cols:
            row.append(f"{statistics.median(per_phase[i]):.0f}")
        rows.append(row)
    header = ["phase (median us of traced runs)"] + [f"{label} ({n})" for label, _, n, _ in cols]
    table(header, rows)
    for label, _, _, bad in cols:
        if bad:
            print(f"  ({label}: {bad} trace(s) without every marker were left out)")


# --- perf record cpu-clock -----------------------------------------------------------

def perf_report(data, *extra):
    out = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0",
                          *extra], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"profile.py: perf report failed: {out.stderr.strip()}")
    return out.stdout


def total_samples(data):
    out = subprocess.run(["perf", "script", "-i", data, "-F", "comm"], capture_output=True, text=True)
    return sum(1 for _ in out.stdout.splitlines())


ROW = re.compile(r"^\s*([\d.]+)%\s+([\d.]+)%\s+\[(.)\]\s+(\S+)")
SYSCALL_SYM = re.compile(r"^(?:__x64_sys_|__do_sys_|__se_sys_|ksys_|__sys_)(\w+)$")
DSO_ROW = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s*$")


def entry_points(data):
    """Inclusive share of each kernel entry point and of the dynamic loader."""
    shares = {}
    for line in perf_report(data, "--children", "--sort", "sym").splitlines():
        m = ROW.match(line)
        if not m:
            continue
        children, _, kind, sym = m.groups()
        sysm = SYSCALL_SYM.match(sym)
        if sysm and sym != "x64_sys_call":
            name = "sys " + sysm.group(1)
            if sysm.group(1) in ("clone", "clone3"):
                name += " (fork; bwrap: + namespaces)"
            # __x64_sys_X, __do_sys_X and ksys_X nest: the outermost is the largest
            shares[name] = max(shares.get(name, 0.0), float(children))
        elif sym == "asm_exc_page_fault":
            shares["page faults"] = float(children)
        elif sym == "ret_from_fork_asm":
            shares["new task (ret_from_fork)"] = float(children)
        elif sym == "copy_net_ns":
            shares["  of which: copy_net_ns (new netns)"] = float(children)
        elif sym == "copy_mnt_ns":
            shares["  of which: copy_mnt_ns (new mount ns)"] = float(children)
        elif sym == "_dl_start":
            shares["ld.so: loading, relocating"] = float(children)
    return shares


def dsos(data):
    shares = {}
    for line in perf_report(data, "--no-children", "--sort", "dso").splitlines():
        m = DSO_ROW.match(line)
        if m:
            shares[m.group(2)] = float(m.group(1))
    return shares


def cmd_cpu(args):
    runs, period_us = int(args[0]), float(args[1])
    specs = split_specs(args[2:])
    per_run = []
    for label, data in specs:
        n = total_samples(data)
        scale = n * period_us / runs / 100.0  # percent -> us per run
        per_run.append((label, n * period_us / runs,
                        {k: v * scale for k, v in entry_points(data).items()},
                        {k: v * scale for k, v in dsos(data).items()}))
    print("  CPU time per run, all processes of a run (harness fork included):")
    table(["", *[label for label, *_ in per_run]], [["total cpu us", *[f"{t:.0f}" for _, t, _, _ in per_run]]])
    for title, idx in (("kernel entry point / loader (inclusive us per run; nested entries overlap)", 2),
                       ("where the samples fell, by binary (self us per run)", 3)):
        keys = set()
        for r in per_run:
            keys |= r[idx].keys()
        keys = sorted(keys, key=lambda k: -max(r[idx].get(k, 0) for r in per_run))
        rows = [[os.path.basename(k) if idx == 3 else k, *[f"{r[idx].get(k, 0):.0f}" for r in per_run]]
                for k in keys if max(r[idx].get(k, 0) for r in per_run) >= 10]
        print()
        print("  " + title + ":")
        table(["", *[label for label, *_ in per_run]], rows[:18])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"syscalls": cmd_syscalls, "phases": cmd_phases, "cpu": cmd_cpu}.get(
        cmd, lambda _: sys.exit(__doc__))(args)


if __name__ == "__main__":
    main()
