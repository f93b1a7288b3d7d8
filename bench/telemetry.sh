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
import platform, sys
sys.path.insert(0, "bench")
import report, suite
rounds, n, base, before, now, flags = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
rows = [
    (f"before telemetry ({base})", ["dotnet", before, "spawn", "subprocess"]),
    ("now, nobody listening", ["dotnet", now, "spawn", "subprocess"]),
    ("now, every activity and instrument listened to", ["dotnet", now, "spawn", "subprocess-listened"]),
]
# The suite's own interleaved rounds and medians: each row's printed ms per spawn.
medians = {name: v[0] for name, v in suite.medians(suite.run_rows(rows, n, rounds)).items()}
ref = medians[rows[0][0]]
table = ["| Subprocess | ms per run | vs before |", "| --- | ---: | ---: |"]
table += [f"| {name} | {ms:.3f} | {ms / ref:.3f}x |" for name, ms in medians.items()]
section = "\n".join([f"## What tracing costs: spawn + wait of `/bin/true`, {n} sequential runs", "",
    *table, "",
    f"Machine: {platform.machine()}, {platform.release()}. Median of {rounds} interleaved rounds, each one process doing "
    "the runs back to back after 100 warm-up runs (the spawn row's measurement). Listening means an ActivityListener "
    "recording every activity and a MeterListener taking every measurement of the Subprocess meter, as an exporter "
    "would, without an exporter's own cost. Reproduce: `bench/telemetry.sh`."])
print(section)
report.publish("telemetry", medians, section, quick="--quick" in flags)
PY
