#!/usr/bin/env bash
# `seq 30000000 | ... --pipe --block 10M wc -l`: subproc parallel --pipe and --pipe-part against GNU
# parallel's --pipe and --pipepart on the same file, side by side in one run (interleaved rounds),
# median wall time, throughput and ratios, into BENCHMARKS.md.
# Usage: bench/pipe.sh [LINES] [ROUNDS] [--quick]   (SUBPROC=PATH: that installed tool instead of packing one)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-30000000}; rounds=${2:-5}
if [[ " $* " == *" --quick "* ]]; then lines=1000000; rounds=1; fi

source bench/runners.sh
input="$tools/input"; seq "$lines" > "$input"

python3 - "$lines" "$rounds" "$input" "$SUBPROC" <<'PY'
import os, platform, shutil, statistics, sys
sys.path.insert(0, "bench")
import report
lines, rounds, input_file, subproc = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
size = os.path.getsize(input_file)
block = "10M"
rows = [
    ("subproc parallel --pipe", [subproc, "parallel", "--pipe", "--block", block, "wc", "-l"], True),
    ("subproc parallel --pipe-part", [subproc, "parallel", "--pipe-part", "-a", input_file, "--block", block, "wc", "-l"], False),
]
if shutil.which("parallel"):
    rows += [("GNU parallel --pipe", ["parallel", "--will-cite", "--pipe", "--block", block, "wc", "-l"], True),
             ("GNU parallel --pipepart", ["parallel", "--will-cite", "--pipepart", "-a", input_file, "--block", block, "wc", "-l"], False)]
def check(row, out):
    if sum(int(n) for n in out.split()) != lines:
        raise SystemExit(f"{row[0]}: the blocks do not add up to {lines} lines")
times = report.timed_rounds(rows, rounds, lambda row: input_file if row[2] else os.devnull, check=check)
ref_name = "GNU parallel --pipe" if "GNU parallel --pipe" in times else "subproc parallel --pipe"
ref = statistics.median(times[ref_name])
medians = {name: [statistics.median(s), size / statistics.median(s) / 2**20, ref / statistics.median(s)] for name, s in times.items()}
table = ["| runner | wall (s) | MiB/s | throughput vs GNU --pipe |", "| --- | ---: | ---: | ---: |"]
table += [f"| {name} | {wall:.3f} | {rate:.0f} | {ratio:.2f}x |" for name, (wall, rate, ratio) in medians.items()]
print("\n".join(table))
section = "\n".join([
    f"## Pipe: `seq {lines}` ({size / 2**20:.0f} MiB) in blocks of {block} to `wc -l`",
    "",
    f"Machine: {os.cpu_count()} cores, Linux {platform.release()}. Median of {rounds} interleaved rounds, wall time of the "
    "whole command (subproc is the tool as the README installs it, compiled ahead of time for linux-x64); --pipe reads "
    "the file on stdin, --pipe-part reads it itself (-a); the jobs' counts are checked to add up. Reproduce: `bench/pipe.sh`.",
    "",
    *table,
])
report.publish("pipe", medians, section, quick=rounds == 1 and lines < 30000000)
PY
