#!/usr/bin/env bash
# JOBS jobs of `true` over three sshd on loopback (scripts/ssh-lab) at 2 slots each: subproc parallel -S
# against GNU parallel -S (with and without its --controlmaster) on the same servers, and the floor,
# xargs -P 6 running one `ssh` a job over a shared master per host; plus the same jobs run here, for the
# cost of a remote job against a local one. Side by side in one run (interleaved rounds), into BENCHMARKS.md.
# Usage: bench/ssh.sh [JOBS] [ROUNDS] [--quick]   (SUBPROC=PATH: that installed tool instead of packing one)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-1000}; rounds=${2:-3}
if [[ " $* " == *" --quick "* ]]; then jobs=30; rounds=1; fi

source bench/runners.sh
if [[ ! -x /usr/sbin/sshd ]]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null 2>&1) || { echo "sshd could not be installed" >&2; exit 1; }
fi
lab=$(mktemp -d)   # its own: the login user must reach the keys, and $tools is private
config=$(sh scripts/ssh-lab start "$lab")
trap 'sh scripts/ssh-lab stop "$lab"; for h in lab1 lab2 lab3; do ssh -F "$config" -o ControlPath="$lab/cm-%n" -O exit $h 2>/dev/null || true; done; rm -rf "$tools" "$lab"' EXIT
# The floor's masters, one a host, up before the clock starts.
for h in lab1 lab2 lab3; do ssh -F "$config" -o ControlPath="$lab/cm-%n" -o ControlMaster=yes -o ControlPersist=yes -N -f $h </dev/null >/dev/null 2>"$lab/master-$h.err" || { cat "$lab/master-$h.err" >&2; exit 1; }; done
input="$tools/hosts"; for ((i = 0; i < jobs; i++)); do echo "lab$((i % 3 + 1))"; done > "$input"
mkdir -p "$tools/parallel-home"

python3 - "$jobs" "$rounds" "$input" "$config" "$lab" "$tools/parallel-home" "$SUBPROC" <<'PY'
import os, platform, shutil, statistics, sys
sys.path.insert(0, "bench")
import report
jobs, rounds, input_file, config, lab, home, subproc = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
os.environ["PARALLEL_HOME"] = home
ssh = f"ssh -F {config}"
hosts = "2/lab1,2/lab2,2/lab3"
rows = [
    ("xargs -P 6 over ssh, a shared master a host (floor)",
     ["xargs", "-P", "6", "-I", "{}", "ssh", "-F", config, "-o", f"ControlPath={lab}/cm-%n", "-o", "ControlMaster=no", "{}", "true"]),
    ("subproc parallel -S", [subproc, "parallel", "-S", hosts, "--ssh", ssh, "true"]),
    ("subproc parallel -j 6 (this machine)", [subproc, "parallel", "-j", "6", "true"]),
]
if shutil.which("parallel"):
    rows.append(("GNU parallel -S", ["parallel", "--will-cite", "-S", hosts, "--ssh", ssh, "true"]))
    rows.append(("GNU parallel -S --controlmaster", ["parallel", "--will-cite", "--controlmaster", "-S", hosts, "--ssh", ssh, "true"]))
times = report.timed_rounds(rows, rounds, lambda row: input_file, capture=False)
ref = statistics.median(times[rows[0][0]])
medians = {name: [statistics.median(samples), 1000 * statistics.median(samples) / jobs, statistics.median(samples) / ref]
           for name, samples in times.items()}
table = ["| runner | wall (s) | ms per job | vs the floor |", "| --- | ---: | ---: | ---: |"]
table += [f"| {name} | {wall:.2f} | {per_job:.2f} | {ratio:.2f}x |" for name, (wall, per_job, ratio) in medians.items()]
print("\n".join(table))
sub = medians["subproc parallel -S"][0]
lines = []
for gnu in ("GNU parallel -S", "GNU parallel -S --controlmaster"):
    if gnu in medians:
        lines.append(f"- {gnu} / subproc parallel -S: **{medians[gnu][0] / sub:.1f}x** the throughput (bar: at least 10x).")
lines.append(f"- subproc parallel -S / the floor: **{sub / ref:.2f}x** (bar: within 1.5x).")
lines.append(f"- A remote job costs {medians['subproc parallel -S'][1]:.2f} ms of wall per job at 6 slots, a local one "
             f"{medians['subproc parallel -j 6 (this machine)'][1]:.2f} ms: "
             f"{medians['subproc parallel -S'][0] / medians['subproc parallel -j 6 (this machine)'][0]:.1f}x.")
section = "\n".join([
    f"## Many machines: {jobs} jobs of `true` over three loopback sshd at 2 slots each",
    "",
    f"Machine: {os.cpu_count()} cores, Linux {platform.release()}; the three servers are this machine (scripts/ssh-lab), "
    f"logging in as a user whose shell is /bin/sh. Median of {rounds} interleaved rounds, wall time of the whole command "
    "(subproc's connections, one master a host, opened inside it; the floor's masters opened before the clock). "
    "Reproduce: `bench/ssh.sh`.",
    "",
    *table,
    "",
    *lines,
    "",
    "Every remote job is its own remote process tree with its own stdout, stderr and exit status, in every row. "
    "subproc's jobs also carry the remote tree's ending (a pid file and a trap in the remote shell) and GNU parallel's "
    "variables in the remote environment.",
])
report.publish("ssh", medians, section, quick=rounds == 1 and jobs < 100)
PY
