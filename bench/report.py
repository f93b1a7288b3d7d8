"""How a benchmark script hands on what it measured.

Run by bench/suite.py (which sets BENCH_REPORT to a file), a script gives its numbers and its section
of BENCHMARKS.md as JSON there, and the suite writes the whole file. Run alone, a script writes its own
section into BENCHMARKS.md between its markers (never in a --quick pass).
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
