#!/usr/bin/env python3
"""`seq N` read line by line, side by side: Python's `for line in p.stdout`, Subprocess's
ReadLinesAsync, System.Diagnostics.Process with a StreamReader.ReadLineAsync loop, CliWrap's
ListenAsync and MedallionShell's StandardOutput.GetLines().

Each row runs in its own process, ROUNDS times, interleaved; each run counts the lines (a wrong count
fails the run) and reports its own wall time (spawn to exit, after the same work once on 1,000 lines,
so neither interpreter or runtime start-up nor first-call JIT compilation counts). Medians go into BENCHMARKS.md
between the lines markers, with ratios to Python and to CliWrap.

Usage: bench/lines.py [--lines N] [--rounds R] [--quick]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys

import report

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "Peers", "bin", "Release", "net10.0", "Peers.dll")

ROWS = [
    ("Python subprocess (`for line in p.stdout`)", [sys.executable, os.path.join(HERE, "peers.py"), "lines"]),
    ("Subprocess `ReadLinesAsync`", ["dotnet", PEERS, "lines", "subprocess"]),
    ("Process + `StreamReader.ReadLineAsync` loop", ["dotnet", PEERS, "lines", "process"]),
    ("CliWrap `ListenAsync`", ["dotnet", PEERS, "lines", "cliwrap"]),
    ("MedallionShell `StandardOutput.GetLines()`", ["dotnet", PEERS, "lines", "medallion"]),
]
PYTHON, SUBPROCESS, CLIWRAP = ROWS[0][0], ROWS[1][0], ROWS[3][0]


def run_once(argv, n):
    out = subprocess.run(argv + [str(n)], capture_output=True, text=True, check=True).stdout.split()
    if out[0] != str(n):
        raise SystemExit(f"{argv[-1]} counted {out[0]} lines, expected {n}")
    return float(out[1])


def load():
    return open("/proc/loadavg").read().split()[0]


def machine():
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, Linux {platform.release()}, .NET SDK {dotnet}, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smoke pass: 10,000 lines, one round, BENCHMARKS.md untouched")
    args = parser.parse_args()
    if args.quick:
        args.lines, args.rounds = 10_000, 1

    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "--nologo", os.path.join(HERE, "Peers")],
                   check=True, stdout=subprocess.DEVNULL)
    load_before = load()
    samples = {name: [] for name, _ in ROWS}
    for _ in range(args.rounds):  # interleaved, so drift in the machine hits every row alike
        for name, argv in ROWS:
            samples[name].append(run_once(argv, args.lines))
    load_after = load()

    medians = {name: statistics.median(runs) for name, runs in samples.items()}
    python, cliwrap, sub = medians[PYTHON], medians[CLIWRAP], medians[SUBPROCESS]
    lines = [
        "| reader | wall (s) | vs Python | vs CliWrap |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, wall in medians.items():
        lines.append(f"| {name} | {wall:.3f} | {wall / python:.2f}x | {wall / cliwrap:.3f}x |")
    table = "\n".join(lines)
    print(table)
    vs_python, cliwrap_over_sub = sub / python, cliwrap / sub
    verdict = lambda met: "met" if met else "**missed**"
    bars = (f"Bars (issue 12): Subprocess within 1.2x of Python: {vs_python:.2f}x, {verdict(vs_python <= 1.2)}; "
            f"at least 10x faster than CliWrap `ListenAsync`: {cliwrap_over_sub:.1f}x, {verdict(cliwrap_over_sub >= 10)}.")
    print(bars)
    rows = {name: [wall, wall / python, wall / cliwrap] for name, wall in medians.items()}
    section = "\n".join([
        f"## Lines: `seq {args.lines}` read line by line",
        "",
        f"Machine: {machine()}; load average (1 min) {load_before} before the rounds, {load_after} after. "
        f"Median of {args.rounds} interleaved rounds; each run counts the stdout lines (a wrong count fails it) "
        "and times spawn to exit, after the same work once on 1,000 lines (so first-call JIT compilation, like "
        "interpreter and runtime start-up, is not counted; tiered recompilation of hot code still happens within "
        "the run, as in any short-lived program). Python reads bytes (`Popen(stdout=PIPE)`, no decoding); "
        "every .NET row decodes each line into a string. Reproduce: `python3 bench/lines.py` "
        f"(one row: `dotnet bench/Peers/bin/Release/net10.0/Peers.dll lines subprocess {args.lines}`, "
        f"`python3 bench/peers.py lines {args.lines}`).",
        "",
        table,
        "",
        bars,
    ])
    report.publish("lines", rows, section, args.quick)


if __name__ == "__main__":
    main()
