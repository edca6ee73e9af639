"""Metadata mode at Hub scale: rate a synthetic snapshot with DuckDB and store it.

    python benchmarks/bench_metadata.py --rows 3000000 [--backend sqlite --backend postgresql]
                                        [--db URL] [--threads 2] [--write-row-baseline]

Generates the snapshot once (benchmarks/hub_snapshot.py, cached under benchmarks/data/), then
runs, each in a fresh child process so peak memory is its own:

1. `rate`: the DuckDB rating query alone, streamed and counted (the baseline: no store);
2. `ingest`: rating plus writing every row to the store (what `openness observe ingest` does),
   once per backend: a fresh SQLite file, or a fresh database on a throwaway PostgreSQL cluster
   (bench_serve.postgres: the system's binaries, fsync off) written with COPY in CSV;
3. with `--write-row-baseline`, `ingest-write-row`: the same into PostgreSQL but COPY fed one
   row at a time by psycopg's `write_row` (the previous path), for comparison.

`--primary-key-only` drops the secondary indexes of `hub_models` before a PostgreSQL ingest, to
see what their upkeep costs (the store needs them; this is only a measurement).

Prints rows, seconds, rows/s, peak RSS and CPU time of the child (the tool), for PostgreSQL the
peak proportional set size (PSS) and the CPU time of the server's processes sampled every
0.2 s, and the 1-minute load average at the end of each step. Target: 3 million rows in under
10 minutes on 2 cores with under 8 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    from openness.observatory import metadata
    from openness.observatory.store import open_store
    if mode == "ingest-write-row":
        def write_row_copy(raw, snapshot_id, batch):
            data = [batch.column(name).to_pylist() for name in metadata.COLUMNS[1:]]
            names = ", ".join(metadata.COLUMNS)
            with raw.cursor() as cur, cur.copy(f"COPY hub_models ({names}) FROM STDIN") as copy:
                for values in zip(*data, strict=True):
                    copy.write_row((snapshot_id, *values))
        metadata._copy_csv = write_row_copy
    rows = metadata.ingest(open_store(db), parquet, threads=threads).rows
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"mode": mode, "rows": rows, "seconds": seconds, "cpu_seconds": cpu,
                  "peak_bytes": usage.ru_maxrss * 1024}))
"""


def run_child(mode: str, parquet: Path, db: str, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(parquet), db, str(threads)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed (exit {out.returncode}):\n{out.stderr[-4000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def server_pids(url: str) -> list[int]:
    """The postmaster of the cluster behind url and all its children."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    postmaster = int((Path(row[0]) / "postmaster.pid").read_text().split()[0])
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if int(fields.get("PPid", "0").strip() or 0) == postmaster:
            children.append(int(status.parent.name))
    return [postmaster, *children]


def pss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
    return total


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@dataclass
class ServerUsage:
    peak_pss: int = 0
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds when last seen


@contextmanager
def server_usage(url: str) -> Iterator[ServerUsage]:
    """Samples the server's processes every 0.2 s: peak summed PSS, CPU time per process (a
    backend's last 0.2 s before it exits are missed)."""
    usage = ServerUsage()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pids = server_pids(url)
            usage.peak_pss = max(usage.peak_pss, pss_bytes(pids))
            for pid in pids:
                if (spent := cpu_seconds(pid)) is not None:
                    usage.cpu[pid] = spent
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield usage
    finally:
        stop.set()
        sampler.join()


@contextmanager
def store(backend: str, url: str | None) -> Iterator[str]:
    if url:
        yield url
    elif backend == "postgresql":
        from bench_serve import postgres

        with postgres() as fresh:
            yield fresh
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"


def drop_secondary_indexes(url: str) -> None:
    import psycopg

    from openness.observatory.store import open_store

    open_store(url).dispose()  # the schema, by the migrations
    with psycopg.connect(url, autocommit=True) as conn:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'hub_models'"
        for (name,) in conn.execute(query).fetchall():
            if name != "pk_hub_models":
                conn.execute(f'DROP INDEX "{name}"')


def report(label: str, r: dict[str, float], server: ServerUsage | None = None) -> None:
    by_server = ""
    if server is not None:
        spent = sum(server.cpu.values())
        by_server = f"  server: PSS {server.peak_pss / 1e9:.2f} GB, CPU {spent:.1f} s"
    print(
        f"{label:30s} {int(r['rows']):>9d} rows  {r['seconds']:7.1f} s  "
        f"{r['rows'] / r['seconds']:>9.0f} rows/s  peak {r['peak_bytes'] / 1e9:.2f} GB  "
        f"CPU {r['cpu_seconds']:.1f} s{by_server}  load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--db", default=None, help="store URL (instead of a fresh store)")
    parser.add_argument("--snapshot", type=Path, default=None)
    parser.add_argument("--skip-rate", action="store_true", help="only the ingest steps")
    parser.add_argument("--write-row-baseline", action="store_true")
    parser.add_argument(
        "--primary-key-only",
        action="store_true",
        help="what-if: drop hub_models' secondary indexes before a PostgreSQL ingest",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from hub_snapshot import generate

    parquet = args.snapshot or HERE / "data" / f"hub-snapshot-{args.rows}.parquet"
    if not parquet.is_file():
        parquet.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generate(parquet, args.rows, threads=args.threads)
        print(f"generated {parquet} in {time.perf_counter() - start:.1f} s")
    print(f"snapshot: {parquet.stat().st_size / 1e6:.0f} MB, {args.rows} rows; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    if not args.skip_rate:
        report("rate", run_child("rate", parquet, "", args.threads))
    modes = [("sqlite", "ingest")] if "sqlite" in (args.backend or ["sqlite"]) else []
    if "postgresql" in (args.backend or []):
        modes.append(("postgresql", "ingest"))
        if args.write_row_baseline:
            modes.append(("postgresql", "ingest-write-row"))
    for backend, mode in modes:
        with store(backend, args.db) as db:
            if backend == "postgresql" and args.primary_key_only:
                drop_secondary_indexes(db)
            if backend == "postgresql" and not args.db:
                with server_usage(db) as server:
                    before = dict(server.cpu)
                    r = run_child(mode, parquet, db, args.threads)
                server.cpu = {p: c - before.get(p, 0.0) for p, c in server.cpu.items()}
                report(f"{mode} ({backend})", r, server)
            else:
                report(f"{mode} ({backend})", run_child(mode, parquet, db, args.threads))


if __name__ == "__main__":
    main()
