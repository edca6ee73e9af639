"""Start-up time of `openness --help` against a bare Python start, best of N runs.

    python benchmarks/bench_startup.py [--repeat 10]

Target: `openness --help` under 0.3 s (heavy modules are imported lazily).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time


def best(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    bare = best([sys.executable, "-c", "pass"], args.repeat)
    helped = best([sys.executable, "-m", "openness", "--help"], args.repeat)
    assess_help = best([sys.executable, "-m", "openness", "assess", "--help"], args.repeat)
    print(f"python -c pass:            {bare * 1000:6.0f} ms")
    print(f"openness --help:           {helped * 1000:6.0f} ms  (target < 300 ms)")
    print(f"openness assess --help:    {assess_help * 1000:6.0f} ms")
    print(f"overhead over bare python: {(helped - bare) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
