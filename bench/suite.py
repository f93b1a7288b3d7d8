#!/usr/bin/env python3
"""The whole benchmark suite, side by side with every peer, writing BENCHMARKS.md.

Each row runs in a process of its own, rounds interleaved so that drift in the machine hits every
row alike; the median of the rounds is reported, with its ratio to the row's reference. The
pipeline, lines and job-runner rows come from bench/pipeline.py, bench/lines.py and bench/jobs.sh,
which this runs.
With --quick: few iterations, one round, BENCHMARKS.md untouched, and a failure if any row produced
no number (CI runs this so that the suite never rots).

Usage: bench/run [--quick]   (bench/run installs what a fresh machine lacks, then runs this)
"""
import json
import re
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
PEERS = os.path.join(HERE, "Peers", "bin", "Release", "net10.0", "Peers.dll")
C_PEERS = os.path.join(OUT, "peers")
GIB = 1024 ** 3

DOTNET = [("Subprocess", "subprocess"), ("Process", "process"), ("CliWrap", "cliwrap"), ("MedallionShell", "medallion")]


def rows_for(measurement, with_c=True):
    rows = [("C posix_spawn loop", [C_PEERS, measurement])] if with_c else []
    rows.append(("Python subprocess", [sys.executable, os.path.join(HERE, "peers.py"), measurement]))
    rows += [(name, ["dotnet", PEERS, measurement, lib]) for name, lib in DOTNET]
    return rows


def run_rows(rows, n, rounds):
    """Every row once per round, interleaved; returns name -> list of rounds, each a list of floats."""
    samples = {name: [] for name, _ in rows}
    for _ in range(rounds):
        for name, argv in rows:
            result = subprocess.run(argv + [str(n)], capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"{name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
            samples[name].append([float(x) for x in result.stdout.split()])
    return samples


def medians(samples):
    return {name: [statistics.median(run[i] for run in runs) for i in range(len(runs[0]))] for name, runs in samples.items()}


def table(header, lines, numeric=True):
    rule = " ---: |" if numeric else " --- |"
    return "\n".join(["| " + " | ".join(header) + " |", "| --- |" + rule * (len(header) - 1)]
                     + ["| " + " | ".join(cells) + " |" for cells in lines])


def sequential(measurement, what, n, rounds):
    m = medians(run_rows(rows_for(measurement), n, rounds))
    c, process = m["C posix_spawn loop"][0], m["Process"][0]
    lines = [[name, f"{v[0]:.3f}", f"{v[0] / c:.2f}x", f"{v[0] / process:.2f}x"] for name, v in m.items()]
    return {name: v[0] for name, v in m.items()}, "\n".join([
        f"## {what}: {n} sequential runs", "",
        table(["library", "ms per run", "vs C loop", "vs Process"], lines)])


def fanout(n, rounds):
    m = medians(run_rows(rows_for("fanout"), n, rounds))
    c = m["C posix_spawn loop"][0]
    lines = [[name, f"{wall:.3f}", f"{wall / c:.2f}x", f"{idle:.0f}", f"{warm:.0f}", f"{peak:.0f}", f"+{peak - idle:.0f}", f"+{peak - warm:.0f}",
              f"{rss / 1024:.0f}"] for name, (wall, idle, warm, peak, rss) in m.items()]
    return m, "\n".join([
        f"## Fan-out: {n} `sleep 1` started at once, then all awaited", "",
        table(["library", "wall (s)", "vs C loop", "threads at start", "after warm-up", "peak", "peak - start", "peak - warm", "peak RSS (MiB)"], lines)])


def bigcapture(n, rounds):
    m = medians(run_rows(rows_for("bigcapture", with_c=False), n, rounds))
    sub = m["Subprocess"][1]
    lines = [[name, f"{wall:.3f}", f"{wall / sub:.2f}x", f"{rss / 1024:.0f}", f"{rss * 1024 / n:.2f}x"]
             for name, (_, wall, rss) in m.items()]
    return m, "\n".join([
        f"## Capture of {n / GIB:g} GiB of stdout into memory (`head -c N /dev/zero`, one byte array)", "",
        table(["library", "wall (s)", "vs Subprocess", "parent peak RSS (MiB)", "peak RSS / captured bytes"], lines)])


def allocations(quick):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["dotnet", "run", "-c", "Release", "--project", os.path.join(HERE, "AllocBench"), "--", "--out", out.name]
                       + (["--quick"] if quick else []), check=True, stdout=subprocess.DEVNULL)
        rows = json.load(open(out.name))["rows"]
    process = next(r for r in rows if r["name"].startswith("Process"))["bytes_per_op"]
    lines = [[r["name"], f"{r['bytes_per_op']:,.0f}", f"{r['bytes_per_op'] / process:.2f}x", f"{r['median_us']:.0f}"] for r in rows]
    return {r["name"].split()[0]: r["bytes_per_op"] for r in rows}, "\n".join([
        "## Allocations per spawn + wait of `/bin/true` (BenchmarkDotNet, memory diagnoser, in-process)", "",
        table(["library", "bytes allocated per spawn", "vs Process", "median (µs)"], lines)])


def script_section(argv, quick):
    """Runs a script that reports through bench/report.py; its rows (name -> numbers) and section."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(argv + (["--quick"] if quick else []), cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "BENCH_REPORT": out.name})
        report = json.load(open(out.name))
    return report["rows"], report["section"]


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    distro = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME=")), "Linux")
    runtime = subprocess.run(["dotnet", "--list-runtimes"], capture_output=True, text=True).stdout.split("\n")
    netcore = [l.split()[1] for l in runtime if l.startswith("Microsoft.NETCore.App")]
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {distro}, Linux {platform.release()}, .NET {netcore[-1] if netcore else '?'}, "
            f"Python {platform.python_version()}, {cc}")


def check_numbers(sections, expected):
    """Every section has all its rows, and every cell of every row is a finite number."""
    for section, rows in sections.items():
        if len(rows) < expected[section]:
            raise SystemExit(f"{section}: {len(rows)} rows, expected {expected[section]}")
        for name, value in rows.items():
            cells = value if isinstance(value, list) else [value]
            if not cells or any(not math.isfinite(c) for c in cells):
                raise SystemExit(f"{section}: row {name} produced no number ({value})")


def bar(name, goal, measured, met):
    return [name, goal, measured, "met" if met else "**missed**"]


def main():
    quick = "--quick" in sys.argv[1:]
    n_seq, n_fan, n_big, rounds = (200, 100, 64 * 1024 ** 2, 1) if quick else (2000, 1000, GIB, 5)
    few_rounds = max(1, rounds - 2)  # fan-out and the 1 GiB capture take longest
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", "-o", C_PEERS, os.path.join(HERE, "c", "peers.c")], check=True)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "--nologo", os.path.join(HERE, "Peers")],
                   check=True, stdout=subprocess.DEVNULL)

    spawn, spawn_md = sequential("spawn", "Spawn + wait of `/bin/true`", n_seq, rounds)
    print(spawn_md, flush=True)
    capture, capture_md = sequential("capture", "Spawn + capture of `echo hi`'s stdout", n_seq, rounds)
    print(capture_md, flush=True)
    fan, fan_md = fanout(n_fan, few_rounds)
    print(fan_md, flush=True)
    big, big_md = bigcapture(n_big, few_rounds)
    print(big_md, flush=True)
    pipe, pipe_md = script_section([sys.executable, os.path.join(HERE, "pipeline.py"), "--rounds", str(rounds)], quick)
    print(pipe_md, flush=True)
    lines, lines_md = script_section([sys.executable, os.path.join(HERE, "lines.py"), "--rounds", str(rounds)], quick)
    print(lines_md, flush=True)
    jobs, jobs_md = script_section(["bash", os.path.join(HERE, "jobs.sh"), "5000", str(rounds)], quick)
    print(jobs_md, flush=True)
    # Three times the rounds: a run is some 40 ms, and 5 of them leave the ratio to a tenth of noise.
    packing, packing_md = script_section(["bash", os.path.join(HERE, "packing.sh"), "100000", str(3 * rounds)], quick)
    print(packing_md, flush=True)
    piped, piped_md = script_section(["bash", os.path.join(HERE, "pipe.sh"), "30000000", str(rounds)], quick)
    print(piped_md, flush=True)
    remote, remote_md = script_section(["bash", os.path.join(HERE, "ssh.sh"), "1000", str(max(1, rounds // 2))], quick)
    print(remote_md, flush=True)
    alloc, alloc_md = allocations(quick)
    print(alloc_md, flush=True)

    sub_pipe = pipe["Subprocess"][0]
    sub_lines = lines["Subprocess `ReadLinesAsync`"][0]
    python_lines = lines["Python subprocess (`for line in p.stdout`)"][0]
    cliwrap_lines = lines["CliWrap `ListenAsync`"][0]
    sub_jobs = jobs["subproc parallel -j 2"][0]
    xargs = jobs["xargs -P 2 -n 1"][0]
    gnu = jobs["GNU parallel -j 2"][0] if "GNU parallel -j 2" in jobs else float("nan")
    fan_extra = fan["Subprocess"][3] - fan["Subprocess"][1]
    fan_growth = fan["Subprocess"][3] - fan["Subprocess"][2]
    big_ratio = big["Subprocess"][2] * 1024 / n_big
    remote_sub = remote["subproc parallel -S"][0]
    remote_floor = remote["xargs -P 6 over ssh, a shared master a host (floor)"][0]
    remote_gnu = min(remote[name][0] for name in ("GNU parallel -S", "GNU parallel -S --controlmaster") if name in remote) \
        if any(name.startswith("GNU") for name in remote) else float("nan")
    bars = [
        bar("Spawn + wait vs the C loop", "≤ 1.15x", f"{spawn['Subprocess'] / spawn['C posix_spawn loop']:.3f}x",
            spawn["Subprocess"] <= 1.15 * spawn["C posix_spawn loop"]),
        bar("Spawn + wait vs Process", "< 1.00x", f"{spawn['Subprocess'] / spawn['Process']:.3f}x", spawn["Subprocess"] < spawn["Process"]),
        bar("Spawn + wait vs Python", "< 1.00x", f"{spawn['Subprocess'] / spawn['Python subprocess']:.3f}x",
            spawn["Subprocess"] < spawn["Python subprocess"]),
        bar("1 GiB capture: peak RSS / captured bytes", "< 1.3x", f"{big_ratio:.3f}x", big_ratio < 1.3),
        bar("Fan-out: threads beyond the bare runtime (peak - start)", "≤ 2", f"+{fan_extra:.0f}", fan_extra <= 2),
        bar("Fan-out: threads beyond the warmed-up library (peak - warm)", "≤ 2", f"+{fan_growth:.0f}", fan_growth <= 2),
        bar("Pipeline vs bash", "≤ 1.10x", f"{sub_pipe / pipe['bash'][0]:.3f}x", sub_pipe <= 1.10 * pipe["bash"][0]),
        bar("Pipeline: parent CPU", "< 0.1 s", f"{pipe['Subprocess'][2]:.3f} s", pipe["Subprocess"][2] < 0.1),
        bar("Pipeline: CliWrap / Subprocess", "≥ 2.5x", f"{pipe['CliWrap'][0] / sub_pipe:.3f}x", pipe["CliWrap"][0] >= 2.5 * sub_pipe),
        bar("Lines: ReadLinesAsync vs Python", "≤ 1.2x", f"{sub_lines / python_lines:.3f}x", sub_lines <= 1.2 * python_lines),
        bar("Lines: CliWrap `ListenAsync` / Subprocess", "≥ 10x", f"{cliwrap_lines / sub_lines:.3f}x", cliwrap_lines >= 10 * sub_lines),
        bar("Job runner vs xargs", "≤ 1.2x", f"{sub_jobs / xargs:.3f}x", sub_jobs <= 1.2 * xargs),
        bar("Job runner: GNU parallel / subproc", "≥ 4x", f"{gnu / sub_jobs:.3f}x", gnu >= 4 * sub_jobs),
        bar("Packing: subproc -X vs xargs", "≤ 1.2x", f"{packing['subproc parallel -X echo'][2]:.3f}x", packing["subproc parallel -X echo"][2] <= 1.2),
        bar("Pipe: subproc --pipe throughput / GNU --pipe", "≥ 3x", f"{piped['subproc parallel --pipe'][2]:.3f}x", piped["subproc parallel --pipe"][2] >= 3),
        bar("Many machines: GNU parallel -S / subproc -S", "≥ 10x", f"{remote_gnu / remote_sub:.3f}x", remote_gnu >= 10 * remote_sub),
        bar("Many machines: subproc -S vs the xargs-over-ssh floor", "≤ 1.5x", f"{remote_sub / remote_floor:.3f}x", remote_sub <= 1.5 * remote_floor),
    ]
    bars_md = "## Bars\n\n" + table(["bar", "goal", "measured", "verdict"], bars, numeric=False)
    if quick:
        bars_md += "\n(a smoke pass: its sizes are too small for these verdicts to mean anything)"
    print(bars_md)

    check_numbers({"spawn": spawn, "capture": capture, "fan-out": fan, "capture of 1 GiB": big, "allocations": alloc,
                   "pipeline": pipe, "lines": lines, "jobs": jobs, "packing": packing, "pipe": piped, "ssh": remote},
                  expected={"spawn": 6, "capture": 6, "fan-out": 6, "capture of 1 GiB": 5, "allocations": 4, "pipeline": 6, "lines": 5, "jobs": 3,
                            "packing": 3, "pipe": 2, "ssh": 5})
    if quick:
        print("bench/run --quick: every row produced a number")
        return

    notes = {
        "spawn": "The C loop is the physical floor (posix_spawn with the same attributes Subprocess sets, then waitpid). "
                 "Each row is one process doing the runs back to back after 100 warm-up runs.",
        "capture": "The same, with stdout through a pipe read to the end: the cost of a pipe, its reading and the text decoding.",
        "fanout": "A warm-up fan-out of 20 `sleep 0` comes first; then all children are started before any is awaited, and the "
                  "parent's thread count is sampled while they run. Threads at start are the bare runtime's; a .NET library's "
                  "extra threads are its own (Subprocess: one event-loop thread for every child), the runtime's tiered-compilation "
                  "thread, and thread-pool workers running the code after each `await` (Process also parks threads in waits).",
        "big": "Peak RSS is the parent's whole high-water mark (runtime included) against the bytes captured: "
               "1x is the floor, since the result is one array of that size.",
        "alloc": "Managed bytes allocated on every thread per spawn + wait, as BenchmarkDotNet's memory diagnoser counts them.",
    }
    header = "\n".join([
        "# Benchmarks", "",
        "Written by `bench/run` (no number here is typed by hand); `bench/run --quick` is the smoke pass CI runs.", "",
        f"Machine: {machine()}.", "",
        f"Each row is the median of interleaved rounds ({rounds} for sequential spawns, the pipeline, lines and the job runner; "
        f"{few_rounds} for fan-out and the 1 GiB capture), every library in a process of its own, side by side in one run. Reproduce: `bench/run`.",
    ])
    text = "\n\n".join([
        header, bars_md,
        spawn_md + "\n\n" + notes["spawn"],
        capture_md + "\n\n" + notes["capture"],
        fan_md + "\n\n" + notes["fanout"],
        big_md + "\n\n" + notes["big"],
        "<!-- pipeline:start -->\n" + pipe_md + "\n<!-- pipeline:end -->",
        "<!-- lines:start -->\n" + lines_md + "\n<!-- lines:end -->",
        "<!-- jobs:start -->\n" + jobs_md + "\n<!-- jobs:end -->",
        "<!-- packing:start -->\n" + packing_md + "\n<!-- packing:end -->",
        "<!-- pipe:start -->\n" + piped_md + "\n<!-- pipe:end -->",
        "<!-- ssh:start -->\n" + remote_md + "\n<!-- ssh:end -->",
        alloc_md + "\n\n" + notes["alloc"],
    ]) + "\n"
    # Sections the suite does not measure (bench/telemetry.sh's comparison with a past commit) are kept.
    path = os.path.join(ROOT, "BENCHMARKS.md")
    old = open(path).read() if os.path.exists(path) else ""
    for kept in re.finditer(r"<!-- (\w+):start -->.*?<!-- \1:end -->", old, re.S):
        if f"<!-- {kept.group(1)}:start -->" not in text:
            text += "\n" + kept.group(0) + "\n"
    open(path, "w").write(text)
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
