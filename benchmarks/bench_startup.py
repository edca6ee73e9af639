"""Start-up time of small commands against a bare Python start, best of N runs.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 10]

Run it with the interpreter of a regular (non-editable) install, whose bytecode pip compiled.
Targets: `openness --help` under 0.3 s; `openness license FILE` under 0.15 s (the license data
comes from the tool's JSON cache after the first run, which is not counted). `scan` of one small
pickle is the start-up part of every `openness scan`.
"""

from __future__ import annotations

import argparse
import os
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
    import pickle
    import tempfile
    from pathlib import Path

    work = Path(tempfile.mkdtemp(prefix="openness-startup-"))
    (work / "LICENSE").write_text(
        "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of "
        "charge, to any person obtaining a copy\nof this software and associated documentation "
        'files (the "Software"), to deal\nin the Software without restriction.\n'
    )
    (work / "weights.pkl").write_bytes(pickle.dumps({"w": [0.5] * 16}, protocol=4))
    openness = [sys.executable, "-m", "openness"]
    subprocess.run([*openness, "license", str(work / "LICENSE")], check=True, capture_output=True)
    license_file = best([*openness, "license", str(work / "LICENSE")], args.repeat)
    scan_small = best([*openness, "scan", str(work / "weights.pkl")], args.repeat)
    bare = best([sys.executable, "-c", "pass"], args.repeat)
    helped = best([sys.executable, "-m", "openness", "--help"], args.repeat)
    assess_help = best([sys.executable, "-m", "openness", "assess", "--help"], args.repeat)
    print(f"python -c pass:            {bare * 1000:6.0f} ms")
    print(f"openness --help:           {helped * 1000:6.0f} ms  (target < 300 ms)")
    print(f"openness assess --help:    {assess_help * 1000:6.0f} ms")
    print(f"openness license LICENSE:  {license_file * 1000:6.0f} ms  (target < 150 ms)")
    print(f"openness scan weights.pkl: {scan_small * 1000:6.0f} ms")
    print(f"overhead over bare python: {(helped - bare) * 1000:6.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
