"""Load test of the dashboard: 100,000 stored assessments, bounded loopback load on the pages.

    python benchmarks/bench_serve.py [--assessments 100000] [--requests 1000]
                                     [--concurrency 1 --concurrency 8 --concurrency 32]
                                     [--backend sqlite --backend postgresql]
                                     [--sqlite-db FILE] [--postgresql-url URL] [--workers N]

Fills a fresh store with varied copies of real assessment JSON (five real releases assessed by
the tool, each copy with its own model id, revision, month, license family and levels; two
revisions per model), starts `openness serve` in a child process on 127.0.0.1, and sends a
fixed number of GET requests per scenario and concurrency from a pool of threads (one
keep-alive connection each, accepting gzip as browsers do). Prints requests per second, p50/p99
latency, the server's CPU time per request (user + system from /proc, the unmeasured warm-up
request per connection included: what a request costs whatever else runs on the machine) and
the 1-minute load average at the end of each scenario, per scenario, concurrency and backend.
MOF class and OSAID are spread at random over the copies, so the framework filters select about
a fifth and a third of the models. PostgreSQL
runs on a throwaway cluster from the system's binaries (/usr/lib/postgresql/*/bin).
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import pwd
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LEVELS = ("open", "partial", "closed", "unknown")
FAMILIES = {
    "apache": "open-source",
    "mit": "open-source",
    "llama": "restricted",
    "cc-by-nc": "noncommercial",
    "gemma": "restricted",
    "none": "none",
}
COMMERCIAL = {
    "open-source": "yes",
    "restricted": "conditional",
    "noncommercial": "no",
    "none": "no",
}
#: framework columns, spread at random like the levels (the real documents are mostly "none")
MOF_CLASSES = ("I", "II", "III", "none", "unknown")
OSAID_RESULTS = ("pass", "fail", "unknown")
LEVEL_COLUMNS = (
    "open_code",
    "open_license",
    "inputs_transparency",
    "threats_transparency",
    "open_standards",
)


def real_documents(work: Path) -> list[dict[str, Any]]:
    from tests.exports.hostile import hostile_release
    from tests.observatory.conftest import make_release

    from openness.examples import example_path
    from openness.pipeline import assess
    from openness.serialize import to_data

    targets = [
        example_path(),
        make_release(work / "a", license_id="apache-2.0"),
        make_release(work / "b", license_id="cc-by-nc-4.0", tags=("open-source",)),
        make_release(work / "c", license_id=None, pickle_file=True),
        hostile_release(work / "evil"),
    ]
    return [to_data(assess(str(t))) for t in targets]


def fill(db: str, n: int, seed: int = 7) -> list[str]:
    """Store n assessments (two revisions per model); returns the model ids."""

    from openness.observatory.record import row_for
    from openness.observatory.store import open_store

    engine = open_store(db)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as work:
        docs = real_documents(Path(work))
    base = [row_for(d, "x/y", datetime(2025, 1, 1, tzinfo=UTC)) for d in docs]
    rendered = [_rendering(d) for d in docs]  # what save_assessment stores with each copy
    base_of: dict[str, int] = {}
    for row in base:  # each real document is encoded once, not once per copy
        row["document_json"] = json.dumps(row.pop("document"))
    insert = _insert_encoded(engine, [k for k in base[0] if k != "document_json"])
    models: list[str] = []
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for i in range(n):
            model = f"org{(i // 2) * 7919 % 150:03d}/model-{i // 2:05d}"
            if i % 2 == 0:
                models.append(model)
            family = rng.choice(list(FAMILIES))
            category = FAMILIES[family]
            month = f"{rng.choice((2023, 2024, 2025))}-{rng.randint(1, 12):02d}"
            which = rng.randrange(len(base))
            row = dict(base[which])
            row.update(
                model=model,
                author=model.split("/")[0],
                revision=f"sha256:{uuid.UUID(int=rng.getrandbits(128)).hex}",
                created_month=month,
                assessed_at=datetime.fromisoformat(f"{month}-15T12:00:00+00:00"),
                license_family=family,
                license_category=category,
                commercial_use=COMMERCIAL[category],
                **{c: rng.choice(LEVELS) for c in LEVEL_COLUMNS},
                mof_class=rng.choice(MOF_CLASSES),
                osaid=rng.choice(OSAID_RESULTS),
            )
            base_of[row["revision"]] = which
            batch.append(row)
            if len(batch) == 1000:
                conn.execute(insert, batch)
                batch = []
        if batch:
            conn.execute(insert, batch)
        _store_renderings(conn, {i: rendered[base_of[r]] for i, r in _revisions(conn)})
    engine.dispose()
    return models


def _rendering(document: dict[str, Any]) -> dict[str, Any]:
    from openness.observatory import report_store

    found = report_store.render(document)
    assert found is not None, "a real document renders"
    return report_store.values(0, found)


def refresh_renderings(db: str) -> int:
    """A store filled by an older version of the tool: its stored renderings (fill() stores them
    as save_assessment does) are of another renderer, so pages would be rendered live until
    `openness serve --prerender`. That re-renders every assessment (~30 minutes at 100,000);
    the copies share five documents, so each is rendered once, as fill() does. Returns how
    many assessments got a rendering."""
    import hashlib

    import sqlalchemy as sa

    from openness.observatory import report_store
    from openness.observatory.store import open_store
    from openness.observatory.tables import assessments, report_sections

    engine = open_store(db)
    current = sa.select(report_sections.c.assessment_id).where(
        report_sections.c.renderer == report_store.renderer()
    )
    missing = sa.select(sa.func.count()).where(assessments.c.id.not_in(current))
    with engine.connect() as conn:
        if not conn.execute(missing).scalar():
            engine.dispose()
            return 0
    text = "document::text" if engine.dialect.name == "postgresql" else "document"
    by_digest: dict[bytes, dict[str, Any]] = {}
    refreshed = 0
    page = sa.text(f"SELECT id, {text} FROM assessments WHERE id > :after ORDER BY id LIMIT 1000")
    with engine.begin() as conn:
        conn.execute(sa.delete(report_sections))
        after = 0
        while found := conn.execute(page, {"after": after}).all():
            rows = []
            for assessment_id, document in found:
                digest = hashlib.sha256(document.encode()).digest()
                if digest not in by_digest:
                    by_digest[digest] = _rendering(json.loads(document))
                rows.append({**by_digest[digest], "assessment_id": int(assessment_id)})
            conn.execute(sa.insert(report_sections), rows)
            refreshed += len(rows)
            after = int(found[-1][0])
    engine.dispose()
    return refreshed


def _revisions(conn: Any) -> list[tuple[int, str]]:
    import sqlalchemy as sa

    from openness.observatory.tables import assessments

    query = sa.select(assessments.c.id, assessments.c.revision)
    return [(int(i), str(r)) for i, r in conn.execute(query)]


def _store_renderings(conn: Any, by_id: dict[int, dict[str, Any]]) -> None:
    import sqlalchemy as sa

    from openness.observatory.tables import report_sections

    rows = [{**values, "assessment_id": i} for i, values in by_id.items()]
    for start in range(0, len(rows), 1000):
        conn.execute(sa.insert(report_sections), rows[start : start + 1000])


def _insert_encoded(engine: Any, keys: list[str]) -> Any:
    """INSERT of rows whose document is already JSON text (JSONB on PostgreSQL)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from openness.observatory.tables import assessments

    values: dict[str, Any] = {k: sa.bindparam(k, type_=assessments.c[k].type) for k in keys}
    document = sa.bindparam("document_json", type_=sa.Text())
    if engine.dialect.name == "postgresql":
        values["document"] = sa.cast(document, postgresql.JSONB())
    else:
        values["document"] = document
    return sa.insert(assessments).values(values)


def stored_models(db: str) -> list[str]:
    """The models of a store filled earlier, [] for an empty or new one."""
    import sqlalchemy as sa

    from openness.observatory.store import open_store
    from openness.observatory.tables import assessments

    engine = open_store(db)
    query = sa.select(assessments.c.model).where(assessments.c.latest).order_by(assessments.c.id)
    with engine.connect() as conn:
        models = [str(m) for m in conn.execute(query).scalars()]
    engine.dispose()
    return models


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pid: int) -> float:
    """CPU time of the server and its worker processes (`--workers`), 0 where unavailable."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return cpu_seconds(pid) + sum(server_cpu_seconds(int(c)) for c in children)


@contextmanager
def server(db: str, workers: int = 1) -> Iterator[tuple[int, int]]:
    """The server's (port, pid)."""
    port = free_port()
    argv = ["serve", "--db", db, "--port", str(port), "--workers", str(workers)]
    code = f"from openness.cli.main import main; main({argv!r})"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield port, child.pid
    finally:
        child.terminate()
        child.wait(timeout=30)


def load(
    port: int, paths: Callable[[random.Random], str], requests: int, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = requests // concurrency

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        for _ in range(per_worker):
            start = time.perf_counter()
            conn.request("GET", paths(rng), headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            bad += response.status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    for seed in range(concurrency):  # warm-up: one request per connection, not measured
        # (the first request after a store write computes what is cached: counts, metrics)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        conn.request("GET", paths(random.Random(seed)))
        conn.getresponse().read()
        conn.close()
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "rps": len(ordered) / wall,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def scenarios(models: list[str]) -> dict[str, Callable[[random.Random], str]]:
    pages = len(models) // 50
    orgs = sorted({m.split("/")[0] for m in models})
    return {
        "search (an organisation, ~330 models)": lambda r: "/?" + urlencode({"q": r.choice(orgs)}),
        "ecosystem page": lambda r: "/ecosystem",
        "API /api/models, keyset (after a random model)": lambda r: (
            "/api/models?" + urlencode({"after": r.choice(models)})
        ),
        "list page (random page of 50)": lambda r: f"/?page={r.randint(1, pages)}",
        "list, filtered": lambda r: (
            "/?"
            + urlencode({"license_family": r.choice(list(FAMILIES)), "open_code": r.choice(LEVELS)})
        ),
        "list, filtered by MOF class": lambda r: (
            "/?" + urlencode({"mof_class": r.choice(MOF_CLASSES)})
        ),
        "list, filtered by OSAID": lambda r: "/?" + urlencode({"osaid": r.choice(OSAID_RESULTS)}),
        "list, MOF class + OSAID + license family": lambda r: (
            "/?"
            + urlencode(
                {
                    "mof_class": r.choice(MOF_CLASSES),
                    "osaid": r.choice(OSAID_RESULTS),
                    "license_family": r.choice(list(FAMILIES)),
                }
            )
        ),
        "model page (random model)": lambda r: "/model?" + urlencode({"id": r.choice(models)}),
        "API /api/models": lambda r: f"/api/models?page={r.randint(1, pages)}",
        "API /api/models, filtered by MOF class": lambda r: (
            "/api/models?" + urlencode({"mof_class": r.choice(MOF_CLASSES)})
        ),
    }


@contextmanager
def postgres() -> Iterator[str]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("no PostgreSQL binaries (apt-get install postgresql)")
    bindir = Path(found[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="openness-bench-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", free_port()
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "openness", "--auth=trust"]
    subprocess.run([*run_as, *initdb, "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    options = f"-h 127.0.0.1 -p {port} -k {base} -F -c fsync=off"
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                    "-w", "-o", options, "start"], check=True, capture_output=True)  # fmt: skip
    try:
        import psycopg

        server_url = f"postgresql://openness@127.0.0.1:{port}"
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        yield f"{server_url}/bench"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def store(backend: str, sqlite_db: str | None = None, pg_url: str | None = None) -> Iterator[str]:
    if backend == "postgresql" and pg_url:
        yield pg_url
    elif backend == "postgresql":
        with postgres() as url:
            yield url
    elif sqlite_db:
        yield f"sqlite:///{Path(sqlite_db).resolve()}"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000, help="per scenario and concurrency")
    parser.add_argument("--concurrency", type=int, action="append", help="clients (1, 8, 32)")
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--sqlite-db",
        metavar="FILE",
        help="SQLite: use this store, filled by this script's fill() earlier (filled when absent)",
    )
    parser.add_argument(
        "--postgresql-url",
        metavar="URL",
        help="PostgreSQL: use this database, filled by this script's fill() earlier (filled when "
        "empty), instead of a throwaway cluster",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (1)")
    parser.add_argument(
        "--only", action="append", metavar="TEXT", help="only the scenarios whose name has TEXT"
    )
    parser.add_argument(
        "--live-pages",
        action="store_true",
        help="keep a reused store's renderings as they are: after an upgrade of the renderer "
        "model pages are then rendered from the documents (before `serve --prerender`)",
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {args.workers} worker(s)")
    columns = ("backend", "scenario", "clients", "requests", "errors", "req/s", "p50 ms", "p99 ms")
    columns += ("server CPU ms/req",)
    print("| " + " | ".join(columns) + " | load avg |")
    print("|---" * (len(columns) + 1) + "|")
    for backend in args.backend or ["sqlite", "postgresql"]:
        with store(backend, args.sqlite_db, args.postgresql_url) as db:
            start = time.perf_counter()
            models = stored_models(db) or fill(db, args.assessments)
            refreshed = 0 if args.live_pages else refresh_renderings(db)
            print(f"<!-- {backend}: {len(models)} models ready in "
                  f"{time.perf_counter() - start:.1f} s ({refreshed} renderings refreshed) -->",
                  flush=True)  # fmt: skip
            with server(db, args.workers) as (port, pid):
                start = time.perf_counter()
                load(port, lambda r: "/ecosystem", 2, 2)  # waits for the caches built at start
                print(f"<!-- caches built in {time.perf_counter() - start:.1f} s -->", flush=True)
                for name, paths in scenarios(models).items():
                    if args.only and not any(o in name for o in args.only):
                        continue
                    for clients in args.concurrency or [1, 8, 32]:
                        cpu = server_cpu_seconds(pid)
                        r = load(port, paths, args.requests, clients)
                        per_request = 1000 * (server_cpu_seconds(pid) - cpu) / max(r["requests"], 1)
                        print(
                            f"| {backend} | {name} | {clients} | {r['requests']:.0f} | "
                            f"{r['errors']:.0f} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
                            f"{r['p99_ms']:.1f} | {per_request:.1f} | {os.getloadavg()[0]:.1f} |",
                            flush=True,
                        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
