"""Python's subprocess, measured the way bench/Peers measures the .NET libraries.

Usage: python3 bench/peers.py spawn|capture|fanout|bigcapture|lines N  (prints the same line as Peers)
"""
import subprocess
import sys
import time


def status(field):
    with open("/proc/self/status") as f:
        return int(next(line.split()[1] for line in f if line.startswith(field + ":")))


def sequential(once, count):
    for _ in range(100):
        once()
    start = time.perf_counter()
    for _ in range(count):
        once()
    return f"{(time.perf_counter() - start) * 1000 / count:.4f}"


def echo():
    out = subprocess.run(["/bin/echo", "hi"], capture_output=True, check=True).stdout
    if out != b"hi\n":
        raise SystemExit(f"echo said {out!r}")


def fanout(count):
    idle = status("Threads")
    for child in [subprocess.Popen(["sleep", "0"]) for _ in range(20)]:
        child.wait()
    warm = status("Threads")
    start = time.perf_counter()
    children = [subprocess.Popen(["sleep", "1"]) for _ in range(count)]
    peak = status("Threads")  # Popen starts no thread; sampled anyway, as the others are
    for child in children:
        if child.wait() != 0:
            raise SystemExit("sleep failed")
    return f"{time.perf_counter() - start:.3f} {idle} {warm} {max(peak, status('Threads'))} {status('VmHWM')}"


def bigcapture(count):
    start = time.perf_counter()
    out = subprocess.run(["head", "-c", str(count), "/dev/zero"], capture_output=True, check=True).stdout
    wall = time.perf_counter() - start
    if len(out) != count:
        raise SystemExit(f"captured {len(out)} bytes, expected {count}")
    return f"{len(out)} {wall:.3f} {status('VmHWM')}"


def count_lines(count):
    p = subprocess.Popen(["seq", str(count)], stdout=subprocess.PIPE)
    counted = 0
    for line in p.stdout:
        counted += 1
    p.stdout.close()
    if p.wait() != 0:
        raise SystemExit("seq failed")
    if counted != count:
        raise SystemExit(f"counted {counted} lines, expected {count}")
    return counted


def lines(count):
    count_lines(1000)  # the same work once, small, as the .NET peers do
    start = time.perf_counter()
    counted = count_lines(count)
    return f"{counted} {time.perf_counter() - start:.3f}"


def main():
    measurement, n = sys.argv[1], int(sys.argv[2])
    if measurement == "spawn":
        print(sequential(lambda: subprocess.run(["/bin/true"], check=True), n))
    elif measurement == "capture":
        print(sequential(echo, n))
    elif measurement == "fanout":
        print(fanout(n))
    elif measurement == "bigcapture":
        print(bigcapture(n))
    elif measurement == "lines":
        print(lines(n))
    else:
        raise SystemExit(f"unknown measurement {measurement}")


if __name__ == "__main__":
    main()
