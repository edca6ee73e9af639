"""Hub-scale metadata mode: rate every row of a metadata snapshot (Parquet) with DuckDB and
store the rows in `hub_models`, streamed in batches so memory stays bounded.

What metadata alone can show is capped: the model card's text and the files' content are not
read, so threats transparency is always `unknown` and nothing needs card text to be `open`
(see docs/observatory.md for the rules).
"""

from __future__ import annotations

import hashlib
import io
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
    con.execute("SET enable_progress_bar = false")  # it wrote into the CLI's stdout, even piped
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
            f"CREATE OR REPLACE TEMP VIEW snapshot AS SELECT {normalise(columns)}, "
            f"file_row_number AS listed_at FROM read_parquet({literal}, file_row_number = true)"
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
    with engine.begin() as conn:
        dialect = engine.dialect.name
        raw: Any = conn.connection.driver_connection
        if dialect == "postgresql":
            _copy_csv(raw, snapshot_id, batch)
            return
        data = [batch.column(name).to_pylist() for name in COLUMNS[1:]]
        rows = [(snapshot_id, *values) for values in zip(*data, strict=True)]
        names = ", ".join(COLUMNS)
        if dialect == "sqlite":
            marks = ", ".join("?" for _ in COLUMNS)
            raw.executemany(f"INSERT INTO hub_models ({names}) VALUES ({marks})", rows)
        else:
            conn.execute(sa.insert(hub_models), [dict(zip(COLUMNS, r, strict=True)) for r in rows])


#: rows per CSV chunk sent to COPY: bounds the encoded bytes held at once (a few MB)
COPY_CHUNK_ROWS = 10_000


def _copy_csv(raw: Any, snapshot_id: int, batch: Any) -> None:
    """PostgreSQL: COPY ... FROM STDIN in CSV, encoded by Arrow in C, chunk by chunk, so no
    Python object is made per value. Arrow quotes every string and leaves NULL unquoted and
    empty, which is what COPY's CSV reads as NULL vs an empty string."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table = pa.Table.from_batches([batch]).select(COLUMNS[1:])
    table = table.add_column(0, "snapshot_id", pa.repeat(pa.scalar(snapshot_id), len(table)))
    table = _without_nul(table)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    statement = f"COPY hub_models ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)"
    with raw.cursor() as cur, cur.copy(statement) as copy:
        for offset in range(0, len(table), COPY_CHUNK_ROWS):
            sink = io.BytesIO()
            pa_csv.write_csv(table.slice(offset, COPY_CHUNK_ROWS), sink, options)
            copy.write(sink.getbuffer())


def _without_nul(table: Any) -> Any:
    """PostgreSQL text cannot hold U+0000 (a snapshot's id or card may): drop it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for index, column in enumerate(table.columns):
        if pa.types.is_string(column.type) and pc.any(pc.match_substring(column, "\x00")).as_py():
            table = table.set_column(
                index, table.field(index), pc.replace_substring(column, "\x00", "")
            )
    return table
