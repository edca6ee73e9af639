"""Metadata mode at Hub scale: rate a synthetic snapshot with DuckDB and store it.

    python benchmarks/bench_metadata.py --rows 3000000 [--db sqlite:///tmp/bench.db] [--threads 2]

Generates the snapshot once (benchmarks/hub_snapshot.py, cached under benchmarks/data/), then
runs, each in a fresh child process so peak memory is its own:

1. `rate`: the DuckDB rating query alone, streamed and counted (the baseline: no store);
2. `ingest`: rating plus writing every row to the store (what `openness observe ingest` does).

Prints rows, seconds, rows/s and peak RSS for each. Target: 3 million rows in under 10 minutes
on 2 cores with under 8 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, parquet, db, threads = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
if mode == "rate":
    from openness.observatory.metadata import connect_duckdb, rated_batches
    con = connect_duckdb(threads)
    rows = sum(b.num_rows for b in rated_batches(con, parquet))
else:
    from openness.observatory.metadata import ingest
    from openness.observatory.store import open_store
    rows = ingest(open_store(db), parquet, threads=threads).rows
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"mode": mode, "rows": rows, "seconds": seconds, "peak_bytes": peak}))
"""


def run_child(mode: str, parquet: Path, db: str, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(parquet), db, str(threads)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--db", default=None, help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--snapshot", type=Path, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from hub_snapshot import generate

    parquet = args.snapshot or HERE / "data" / f"hub-snapshot-{args.rows}.parquet"
    if not parquet.is_file():
        parquet.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generate(parquet, args.rows, threads=args.threads)
        print(f"generated {parquet} in {time.perf_counter() - start:.1f} s")
    print(f"snapshot: {parquet.stat().st_size / 1e6:.0f} MB, {args.rows} rows")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{tmp}/bench.db"
        for mode in ("rate", "ingest"):
            r = run_child(mode, parquet, db, args.threads)
            print(
                f"{mode:7s} {int(r['rows']):>9d} rows  {r['seconds']:7.1f} s  "
                f"{r['rows'] / r['seconds']:>9.0f} rows/s  peak {r['peak_bytes'] / 1e9:.2f} GB"
            )


if __name__ == "__main__":
    main()
