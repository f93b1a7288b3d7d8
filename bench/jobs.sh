#!/usr/bin/env bash
# 5,000 jobs of `true` at parallelism 2: subproc parallel against xargs -P 2 -n 1 and GNU parallel,
# side by side in one run (interleaved rounds), median wall time and ratios, into BENCHMARKS.md.
# Usage: bench/jobs.sh [JOBS] [ROUNDS] [--quick]   (SUBPROC=PATH: that installed tool instead of packing one)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-5000}; rounds=${2:-5}
if [[ " $* " == *" --quick "* ]]; then jobs=200; rounds=1; fi

source bench/runners.sh
subproc=("$SUBPROC")
input="$tools/input"; seq "$jobs" > "$input"

python3 - "$jobs" "$rounds" "$input" "${subproc[@]}" <<'PY'
import os, platform, shutil, statistics, sys
sys.path.insert(0, "bench")
import report
jobs, rounds, input_file, subproc = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
rows = [
    ("xargs -P 2 -n 1", ["xargs", "-P", "2", "-n", "1", "true"]),
    ("subproc parallel -j 2", subproc + ["parallel", "-j", "2", "true"]),
]
if shutil.which("parallel"):
    rows.append(("GNU parallel -j 2", ["parallel", "--will-cite", "-j", "2", "true"]))
times = report.timed_rounds(rows, rounds, lambda row: input_file, capture=False)
ref = statistics.median(times["xargs -P 2 -n 1"])
medians = {name: [statistics.median(samples), 1000 * statistics.median(samples) / jobs, statistics.median(samples) / ref]
           for name, samples in times.items()}
table = ["| runner | wall (s) | ms per job | vs xargs |", "| --- | ---: | ---: | ---: |"]
table += [f"| {name} | {wall:.2f} | {per_job:.3f} | {ratio:.2f}x |" for name, (wall, per_job, ratio) in medians.items()]
print("\n".join(table))
section = "\n".join([
    f"## Job runner: {jobs} jobs of `true` at parallelism 2",
    "",
    f"Machine: {os.cpu_count()} cores, Linux {platform.release()}. Median of {rounds} interleaved rounds, "
    "wall time of the whole command (including subproc's own start-up; subproc is the tool as the README "
    "installs it, compiled ahead of time for linux-x64). Reproduce: `bench/jobs.sh`.",
    "",
    *table,
    "",
    "Each runner reads the inputs from stdin and runs `true` once per input; subproc groups each job's output.",
])
report.publish("jobs", medians, section, quick=rounds == 1 and jobs < 1000)
PY
