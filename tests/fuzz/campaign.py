"""A long fuzz campaign: rounds of `pytest tests/fuzz` with OPENNESS_FUZZ=long and a fresh seed,
each in a child process whose address space is capped, until the time budget is spent.

    .venv/bin/python -m tests.fuzz.campaign --minutes 60 [--mem-mb 3072] [--examples 2000]

Prints one line per round and a summary: examples run (hypothesis statistics), failing tests
with their reproducer blob, rounds that hit the per-round timeout (hangs), peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_COUNTS = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")


def _cap_memory(mb: int) -> None:
    limit = mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_round(seed: int, examples: int, mem_mb: int, timeout: float) -> dict[str, object]:
    env = dict(os.environ, OPENNESS_FUZZ="long", OPENNESS_FUZZ_EXAMPLES=str(examples))
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests/fuzz",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
        f"--hypothesis-seed={seed}",
    ]
    start = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=lambda: _cap_memory(mem_mb),
        )
        out, code, hung = proc.stdout + proc.stderr, proc.returncode, False
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        code, hung = None, True
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    examples_run = sum(sum(int(n) for n in m.groups()) for m in _COUNTS.finditer(out))
    failures = re.findall(r"^FAILED (\S+)", out, re.MULTILINE)
    blobs = re.findall(r"@reproduce_failure\([^)]*\)", out)
    return {
        "seed": seed,
        "seconds": round(time.monotonic() - start, 1),
        "exit": code,
        "hung": hung,
        "examples": examples_run,
        "failures": failures,
        "reproducers": blobs,
        "peak_rss_mb_so_far": round(max(peak_kb, before) / 1024, 1),
        "tail": out[-3000:] if (failures or hung or code not in (0, None)) else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--mem-mb", type=int, default=3072, help="address-space cap per round")
    parser.add_argument("--examples", type=int, default=2000, help="examples per harness")
    parser.add_argument("--round-timeout", type=float, default=1800)
    parser.add_argument("--report", type=Path, default=ROOT / "tests" / ".cache" / "fuzz.json")
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    rounds: list[dict[str, object]] = []
    rng = random.Random()
    while time.monotonic() < deadline:
        r = run_round(rng.randrange(2**32), args.examples, args.mem_mb, args.round_timeout)
        rounds.append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "tail"}), flush=True)
        if r["tail"]:
            print(r["tail"], flush=True)
    summary = {
        "rounds": len(rounds),
        "examples": sum(int(str(r["examples"])) for r in rounds),
        "failing_rounds": sum(1 for r in rounds if r["failures"] or r["exit"] not in (0, None)),
        "hung_rounds": sum(1 for r in rounds if r["hung"]),
        "peak_rss_mb": max((float(str(r["peak_rss_mb_so_far"])) for r in rounds), default=0.0),
        "mem_cap_mb": args.mem_mb,
        "minutes": args.minutes,
    }
    print(json.dumps(summary), flush=True)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps({"summary": summary, "rounds": rounds}, indent=1))
    return 1 if summary["failing_rounds"] or summary["hung_rounds"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
