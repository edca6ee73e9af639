"""The store as files and Arrow tables: `openness observe export` (Parquet and CSV, both
tables) and `openness.observatory.load`, on stores of growing size.

    python benchmarks/bench_export.py [--assessments 2000 --assessments 10000]

Fills fresh SQLite stores with varied copies of real assessment JSON (bench_serve.fill), then
runs each export in a child process and prints rows per second (the export alone), the child's
wall time and peak RSS. The exports read the store in batches, so peak RSS should stay about
flat as the store grows; `load` builds the whole table in memory and is measured the same way.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_serve import fill  # noqa: E402

JOBS = {
    "export assessments parquet": ("assessments", "parquet"),
    "export ratings parquet": ("ratings", "parquet"),
    "export assessments csv": ("assessments", "csv"),
    "load() -> pyarrow.Table": ("assessments", "load"),
}
#: one job in a fresh process: imports first (their cost is start-up, not throughput), then
#: the timed call; prints rows, seconds and its own peak RSS in MiB
JOB = """
import resource, sys, time
from pathlib import Path
import pyarrow, pyarrow.csv, pyarrow.parquet
import openness.observatory as obs
from openness.observatory.dataframes import export
from openness.observatory.store import open_store
db, table, fmt, out = sys.argv[1:]
engine = open_store(db)  # opening (and migrating) the store is start-up too
start = time.perf_counter()
rows = obs.load(engine).num_rows if fmt == "load" else export(engine, table, fmt, Path(out))
seconds = time.perf_counter() - start
print(rows, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def child(args: list[str]) -> str:
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, action="append")
    sizes = parser.parse_args().assessments or [2000, 10000]
    print(f"{'store':>8}  {'job':<28} {'rows':>7} {'rows/s':>9} {'wall':>6} {'peak RSS':>9}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as work:
            db = str(Path(work) / "obs.db")
            fill(db, n)
            for name, (table, fmt) in JOBS.items():
                start = time.perf_counter()
                out = child([sys.executable, "-c", JOB, db, table, fmt, f"{work}/out"])
                wall = time.perf_counter() - start
                rows, seconds, peak = out.split()
                print(
                    f"{n:>8}  {name:<28} {int(rows):>7} {int(rows) / float(seconds):>9,.0f} "
                    f"{wall:>5.1f}s {peak:>6} MiB"
                )
    print("rows/s: the export alone, after imports; wall: the whole process, start-up included.")
    print("peak RSS: the job's own process (imports included).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
