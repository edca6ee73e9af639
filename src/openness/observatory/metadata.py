"""Hub-scale metadata mode: rate every row of a metadata snapshot (Parquet) with DuckDB and
store the rows in `hub_models`, streamed in batches so memory stays bounded.

What metadata alone can show is capped: the model card's text and the files' content are not
read, so threats transparency is always `unknown` and nothing needs card text to be `open`
(see docs/observatory.md for the rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import OpennessError
from .licensing import lookup_rows
from .metadata_sql import normalise, rating_query
from .tables import hub_models, snapshots

BATCH_ROWS = 100_000


@dataclass(frozen=True)
class IngestReport:
    snapshot_id: int
    rows: int
    skipped: bool  # this exact file was already ingested


def connect_duckdb(threads: int | None = None, memory_limit: str | None = None) -> Any:
    import duckdb

    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        "CREATE TEMP TABLE license_lookup (key VARCHAR, license_id VARCHAR, category VARCHAR, "
        "family VARCHAR, commercial VARCHAR)"
    )
    con.executemany("INSERT INTO license_lookup VALUES (?, ?, ?, ?, ?)", list(lookup_rows()))
    return con


def rated_batches(con: Any, parquet: Path, batch_rows: int = BATCH_ROWS) -> Iterator[Any]:
    """Arrow record batches of rated rows (the columns of `hub_models` minus snapshot_id)."""
    import duckdb

    literal = "'" + str(parquet).replace("'", "''") + "'"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal})").fetchall()
        columns = {str(row[0]): str(row[1]) for row in described}
        if not any(name in columns for name in ("id", "modelId", "model_id")):
            raise OpennessError(f"{parquet}: no `id` column; is this a Hub metadata snapshot?")
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW snapshot AS SELECT {normalise(columns)} "
            f"FROM read_parquet({literal})"
        )
        reader = con.sql(rating_query("snapshot")).to_arrow_reader(batch_rows)
        yield from reader
    except duckdb.Error as exc:
        raise OpennessError(f"cannot read {parquet} as a Hub metadata snapshot: {exc}") from None


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def ingest(
    engine: sa.Engine,
    parquet: Path,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> IngestReport:
    """Rate and store a snapshot once. A rerun on the same file does nothing; a run that was
    interrupted is started again from scratch (its partial rows are removed first)."""
    try:
        digest = file_digest(parquet)
    except OSError as exc:
        raise OpennessError(f"cannot read {parquet}: {exc.strerror}") from None
    snapshot_id = _start_snapshot(engine, parquet, digest)
    if snapshot_id is None:
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(snapshots.c.id, snapshots.c.rows).where(snapshots.c.digest == digest)
            ).one()
        return IngestReport(row.id, row.rows, skipped=True)
    con = connect_duckdb(threads, memory_limit)
    count = 0
    try:
        for batch in rated_batches(con, parquet):
            _insert(engine, snapshot_id, batch)
            count += batch.num_rows
            if on_rows is not None:
                on_rows(count)
    finally:
        con.close()
    with engine.begin() as conn:
        conn.execute(
            sa.update(snapshots)
            .where(snapshots.c.id == snapshot_id)
            .values(rows=count, complete=True)
        )
    return IngestReport(snapshot_id, count, skipped=False)


def _start_snapshot(engine: sa.Engine, parquet: Path, digest: str) -> int | None:
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(snapshots.c.id, snapshots.c.complete).where(snapshots.c.digest == digest)
        ).one_or_none()
        if found is not None and found.complete:
            return None
        if found is not None:
            conn.execute(sa.delete(hub_models).where(hub_models.c.snapshot_id == found.id))
            conn.execute(sa.delete(snapshots).where(snapshots.c.id == found.id))
        new_id: int = conn.execute(
            sa.insert(snapshots)
            .values(
                source=str(parquet),
                digest=digest,
                ingested_at=datetime.now(UTC),
                rows=0,
                complete=False,
            )
            .returning(snapshots.c.id)
        ).scalar_one()
        return new_id


COLUMNS = [c.name for c in hub_models.columns]


def _insert(engine: sa.Engine, snapshot_id: int, batch: Any) -> None:
    """One committed transaction per batch, through the driver's fastest path."""
    data = [batch.column(name).to_pylist() for name in COLUMNS[1:]]
    rows = [(snapshot_id, *values) for values in zip(*data, strict=True)]
    with engine.begin() as conn:
        dialect = engine.dialect.name
        raw: Any = conn.connection.driver_connection
        names = ", ".join(COLUMNS)
        if dialect == "postgresql":
            with raw.cursor() as cur, cur.copy(f"COPY hub_models ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif dialect == "sqlite":
            marks = ", ".join("?" for _ in COLUMNS)
            raw.executemany(f"INSERT INTO hub_models ({names}) VALUES ({marks})", rows)
        else:
            conn.execute(sa.insert(hub_models), [dict(zip(COLUMNS, r, strict=True)) for r in rows])
