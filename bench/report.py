"""How a benchmark script hands on what it measured.

Run by bench/suite.py (which sets BENCH_REPORT to a file), a script gives its numbers and its section
of BENCHMARKS.md as JSON there, and the suite writes the whole file. Run alone, a script writes its own
section into BENCHMARKS.md between its markers (never in a --quick pass).
"""
import json
import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed_rounds(rows, rounds, stdin, capture=True, check=None):
    """Runs each row's command once a round, the rows interleaved, so that a machine's slow spell falls
    on every row alike; returns name -> wall times. rows: (name, argv, ...); stdin(row): the file fed
    on stdin (opened before the clock starts); check(row, stdout) fails a wrong output, off the clock."""
    times = {row[0]: [] for row in rows}
    for _ in range(rounds):
        for row in rows:
            with open(stdin(row), "rb") as source:
                start = time.perf_counter()
                if capture:
                    out = subprocess.run(row[1], stdin=source, capture_output=True, check=True).stdout
                else:
                    out = subprocess.run(row[1], stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True).stdout
                times[row[0]].append(time.perf_counter() - start)
            if check:
                check(row, out)
    return times


def publish(marker, rows, section, quick):
    """rows: name -> list of numbers; section: the markdown under the markers."""
    report = os.environ.get("BENCH_REPORT")
    if report:
        with open(report, "w") as f:
            json.dump({"rows": rows, "section": section}, f)
    elif not quick:
        write_section(marker, section)


def write_section(marker, section):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"<!-- {marker}:start -->\n{section}\n<!-- {marker}:end -->"
    pattern = rf"<!-- {marker}:start -->.*<!-- {marker}:end -->"
    text = re.sub(pattern, lambda _: block, text, flags=re.S) if re.search(pattern, text, re.S) else text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {path}")
