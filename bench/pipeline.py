#!/usr/bin/env python3
"""2 GiB through `head -c N /dev/zero | wc -c`, side by side: bash, Python subprocess, Subprocess,
CliWrap, MedallionShell, System.Diagnostics.Process with a manual copy.

Each row runs in its own process, ROUNDS times, interleaved; each run reports its own wall time
(the pipeline only, not interpreter or runtime start-up), the parent's CPU time and its peak RSS.
Medians go into BENCHMARKS.md between the pipeline markers, with ratios to bash.

Usage: bench/pipeline.py [--bytes N] [--rounds R] [--quick]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys

import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "Peers", "bin", "Release", "net10.0", "Peers.dll")

BASH = r'''
n=$1; out=$(mktemp)
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$$/stat)
start=$EPOCHREALTIME
head -c "$n" /dev/zero | wc -c > "$out"
end=$EPOCHREALTIME
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$$/stat)
hz=$(getconf CLK_TCK)
peak=$(awk '/VmHWM/ {print $2}' /proc/$$/status)
echo "$(tr -d ' \n' < "$out") $(echo "$end - $start" | bc -l) $(echo "($u1 + $s1 - $u0 - $s0) / $hz" | bc -l) $peak"
rm -f "$out"
'''

PYTHON = r'''
import resource, subprocess, sys, time
n = sys.argv[1]
r0 = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
p1 = subprocess.Popen(["head", "-c", n, "/dev/zero"], stdout=subprocess.PIPE)
p2 = subprocess.Popen(["wc", "-c"], stdin=p1.stdout, stdout=subprocess.PIPE)
p1.stdout.close()
out = p2.communicate()[0].decode().strip()
p1.wait()
wall = time.perf_counter() - start
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
peak = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(out, f"{wall:.3f}", f"{cpu:.3f}", peak)
'''

ROWS = [
    ("bash", lambda n: ["bash", "-c", BASH, "bench", str(n)]),
    ("Python subprocess (stdin=p1.stdout)", lambda n: [sys.executable, "-c", PYTHON, str(n)]),
    ("Subprocess", lambda n: ["dotnet", PEERS, "pipeline", "subprocess", str(n)]),
    ("CliWrap", lambda n: ["dotnet", PEERS, "pipeline", "cliwrap", str(n)]),
    ("MedallionShell", lambda n: ["dotnet", PEERS, "pipeline", "medallion", str(n)]),
    ("Process + CopyToAsync", lambda n: ["dotnet", PEERS, "pipeline", "process", str(n)]),
]


def run_once(argv, n):
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
    if out[0] != str(n):
        raise SystemExit(f"{argv[:3]} counted {out[0]} bytes, expected {n}")
    return float(out[1]), float(out[2]), int(out[3])


def machine():
    cores = os.cpu_count()
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cores} cores, Linux {platform.release()}, .NET SDK {dotnet}, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, default=2 * 1024 ** 3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smoke pass: 64 MiB, one round, BENCHMARKS.md untouched")
    args = parser.parse_args()
    if args.quick:
        args.bytes, args.rounds = 64 * 1024 ** 2, 1

    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "--nologo", os.path.join(HERE, "Peers")],
                   check=True, stdout=subprocess.DEVNULL)
    samples = {name: [] for name, _ in ROWS}
    for _ in range(args.rounds):  # interleaved, so drift in the machine hits every row alike
        for name, argv in ROWS:
            samples[name].append(run_once(argv(args.bytes), args.bytes))

    medians = {name: tuple(statistics.median(s[i] for s in runs) for i in range(3)) for name, runs in samples.items()}
    bash_wall = medians[ROWS[0][0]][0]
    lines = [
        "| pipeline | wall (s) | vs bash | parent CPU (s) | parent peak RSS (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (wall, cpu, peak) in medians.items():
        lines.append(f"| {name} | {wall:.3f} | {wall / bash_wall:.2f}x | {cpu:.3f} | {peak / 1024:.0f} |")
    table = "\n".join(lines)
    print(table)
    sub, cli = medians["Subprocess"][0], medians["CliWrap"][0]
    print(f"Subprocess vs bash: {sub / bash_wall:.2f}x; CliWrap / Subprocess: {cli / sub:.2f}x")
    rows = {name: [wall, wall / bash_wall, cpu, peak / 1024] for name, (wall, cpu, peak) in medians.items()}
    section = "\n".join([
        f"## Pipeline: {args.bytes / 1024 ** 3:g} GiB through `head -c N /dev/zero | wc -c`",
        "",
        f"Machine: {machine()}. Median of {args.rounds} interleaved rounds; wall time is the pipeline's own "
        "(start to last exit), without interpreter or runtime start-up (each .NET row first runs the "
        "pipeline once on 1 byte, so JIT compilation is start-up too); parent CPU and peak RSS are the "
        "parent process's own. Reproduce: `python3 bench/pipeline.py`.",
        "",
        table,
        "",
        "Subprocess joins the stages with one kernel pipe and touches none of the bytes, like bash and "
        "Python; CliWrap, MedallionShell and Process copy every byte through the parent, which shows in "
        "their parent CPU time.",
    ])
    report.publish("pipeline", rows, section, args.quick)


if __name__ == "__main__":
    main()
