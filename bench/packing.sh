#!/usr/bin/env bash
# 100,000 inputs packed into as few `echo` calls as a command line holds: subproc parallel -X and -m
# against xargs (its default packing) and GNU parallel -X and -m, side by side in one run
# (interleaved rounds), median wall time and ratios, into BENCHMARKS.md.
# Usage: bench/packing.sh [INPUTS] [ROUNDS] [--quick]   (SUBPROC=PATH: that installed tool instead of packing one)
set -euo pipefail
cd "$(dirname "$0")/.."
inputs=${1:-100000}; rounds=${2:-5}
if [[ " $* " == *" --quick "* ]]; then inputs=10000; rounds=1; fi

source bench/runners.sh
input="$tools/input"; seq "$inputs" > "$input"

python3 - "$inputs" "$rounds" "$input" "$SUBPROC" <<'PY'
import os, platform, shutil, statistics, sys
sys.path.insert(0, "bench")
import report
inputs, rounds, input_file, subproc = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [
    ("xargs echo", ["xargs", "echo"]),
    ("subproc parallel -X echo", [subproc, "parallel", "-X", "echo"]),
    ("subproc parallel -m echo", [subproc, "parallel", "-m", "echo"]),
]
if shutil.which("parallel"):
    rows += [("GNU parallel -X echo", ["parallel", "--will-cite", "-X", "echo"]),
             ("GNU parallel -m echo", ["parallel", "--will-cite", "-m", "echo"])]
expected = sum(len(str(i)) + 1 for i in range(1, inputs + 1))
calls = {}
def check(row, out):
    # Every input came out, once, whatever the packing.
    if len(out) != expected or sorted(map(int, out.split())) != list(range(1, inputs + 1)):
        raise SystemExit(f"{row[0]}: the output is not every input once")
    calls[row[0]] = out.count(b"\n")
times = report.timed_rounds(rows, rounds, lambda row: input_file, check=check)
ref = statistics.median(times["xargs echo"])
medians = {name: [statistics.median(samples), calls[name], statistics.median(samples) / ref] for name, samples in times.items()}
table = ["| runner | wall (s) | echo calls | vs xargs |", "| --- | ---: | ---: | ---: |"]
table += [f"| {name} | {wall:.3f} | {n} | {ratio:.2f}x |" for name, (wall, n, ratio) in medians.items()]
print("\n".join(table))
section = "\n".join([
    f"## Packing: {inputs:,} inputs into few `echo` calls",
    "",
    f"Machine: {os.cpu_count()} cores, Linux {platform.release()}. Median of {rounds} interleaved rounds, wall time of the "
    "whole command (start-up included; subproc is the tool as the README installs it, compiled ahead of time for linux-x64), "
    "inputs on stdin, output captured and checked (every input once). Reproduce: `bench/packing.sh`.",
    "",
    *table,
])
report.publish("packing", medians, section, quick=rounds == 1 and inputs < 100000)
PY
