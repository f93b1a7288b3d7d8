#!/usr/bin/env bash
# What tracing costs a spawn: 2000 sequential spawn + wait of /bin/true (the spawn row's measurement)
# by Subprocess as it was before it had telemetry (BASE), as it is now with nobody listening, and as it
# is now with every activity and instrument listened to; interleaved rounds, medians, into BENCHMARKS.md.
# Usage: bench/telemetry.sh [ROUNDS] [BASE] [--quick]   (BASE: a commit before Telemetry/, default d7e7f65)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}; base=${2:-d7e7f65}; n=2000
if [[ " $* " == *" --quick "* ]]; then rounds=1; n=200; fi
[[ $base == --* ]] && base=d7e7f65

then=$(mktemp -d); trap 'git worktree remove --force "$then" >/dev/null 2>&1 || rm -rf "$then"' EXIT
git worktree add -q --detach "$then" "$base"
for tree in "$then" .; do
  dotnet build "$tree/bench/Peers" -c Release -v q --nologo >/dev/null
done

python3 - "$rounds" "$n" "$base" "$then/bench/Peers/bin/Release/net10.0/Peers.dll" bench/Peers/bin/Release/net10.0/Peers.dll "$*" <<'PY'
import platform, statistics, subprocess, sys
sys.path.insert(0, "bench")
import report
rounds, n, base, before, now, flags = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
rows = [
    (f"before telemetry ({base})", ["dotnet", before, "spawn", "subprocess", n]),
    ("now, nobody listening", ["dotnet", now, "spawn", "subprocess", n]),
    ("now, every activity and instrument listened to", ["dotnet", now, "spawn", "subprocess-listened", n]),
]
runs = {name: [] for name, _ in rows}
for _ in range(rounds):
    for name, argv in rows:
        runs[name].append(float(subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()[0]))
ref = statistics.median(runs[rows[0][0]])
table = ["| Subprocess | ms per run | vs before |", "| --- | ---: | ---: |"]
table += [f"| {name} | {statistics.median(v):.3f} | {statistics.median(v) / ref:.3f}x |" for name, v in runs.items()]
section = "\n".join([f"## What tracing costs: spawn + wait of `/bin/true`, {n} sequential runs", "",
    *table, "",
    f"Machine: {platform.machine()}, {platform.release()}. Median of {rounds} interleaved rounds, each one process doing "
    "the runs back to back after 100 warm-up runs (the spawn row's measurement). Listening means an ActivityListener "
    "recording every activity and a MeterListener taking every measurement of the Subprocess meter, as an exporter "
    "would, without an exporter's own cost. Reproduce: `bench/telemetry.sh`."])
print(section)
report.publish("telemetry", {name: statistics.median(v) for name, v in runs.items()}, section, quick="--quick" in flags)
PY
