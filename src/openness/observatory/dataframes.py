"""The store as Arrow tables, for pandas, DuckDB, Polars and friends, and as Parquet or CSV files.

Two tables: `assessments`, one row per stored assessment (every indexed column of the store,
not the JSON document), and `ratings`, one row per assessment and attribute of openness (level
and rationale, from the document), keyed by `assessment_id`. Rows are read in batches (2,000
assessments, 200 for `ratings`, which parses each JSON document), so an export's memory is
bounded by the batch size, not the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import OpennessError
from .tables import assessments

TABLES = ("assessments", "ratings")
FORMATS = ("parquet", "csv")
BATCH_ROWS = 2000
#: `ratings` reads each assessment's JSON document, which can be large: fewer at a time
DOCUMENT_BATCH_ROWS = 200
_RATING_FIELDS = ("assessment_id", "model", "revision", "assessed_at", "attribute", "level")


def schema(table: str) -> Any:
    import pyarrow as pa

    if table == "assessments":
        columns = [c for c in assessments.columns if c.name != "document"]
        return pa.schema([pa.field(c.name, _arrow_type(c.type), c.nullable) for c in columns])
    if table == "ratings":
        types = {"assessment_id": pa.int64(), "assessed_at": _timestamp()}
        fields = [pa.field(n, types.get(n, pa.string()), False) for n in _RATING_FIELDS]
        return pa.schema([*fields, pa.field("rationale", pa.string())])
    raise OpennessError(f"no table {table!r}; the tables are {', '.join(TABLES)}")


def batches(engine: sa.Engine, table: str, rows: int | None = None) -> Iterator[Any]:
    """The table as Arrow record batches of at most `rows` assessments each."""
    import pyarrow as pa

    target = schema(table)
    rows = rows or (DOCUMENT_BATCH_ROWS if table == "ratings" else BATCH_ROWS)
    columns = [assessments.c[n] for n in target.names if n in assessments.c]
    if table == "ratings":
        keep = ("id", "model", "revision", "assessed_at", "document")
        columns = [assessments.c[n] for n in keep]
    query = sa.select(*columns).order_by(assessments.c.id)
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=rows).execute(query)
            for chunk in result.partitions(rows):
                records = [dict(r._mapping) for r in chunk]
                if table == "ratings":
                    records = [rating for r in records for rating in _ratings(r)]
                yield pa.RecordBatch.from_pylist(records, schema=target)
    except sa.exc.DatabaseError as exc:
        raise OpennessError(f"cannot read the store: {exc.orig}") from None


def load(db: str | sa.Engine, table: str = "assessments") -> Any:
    """The whole table as a `pyarrow.Table` (`.to_pandas()` with pandas installed)."""
    import pyarrow as pa

    engine = _engine(db)
    return pa.Table.from_batches(list(batches(engine, table)), schema=schema(table))


def export(db: str | sa.Engine, table: str, fmt: str, path: Path) -> int:
    """Write the table to `path` as Parquet or CSV, batch by batch; returns the rows written."""
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    if fmt not in FORMATS:
        raise OpennessError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    target = schema(table)
    engine = _engine(db)
    written = 0
    try:
        writer = (
            pq.ParquetWriter(str(path), target)
            if fmt == "parquet"
            else pa_csv.CSVWriter(str(path), target)
        )
        with writer:
            for batch in batches(engine, table):
                writer.write_batch(batch)
                written += batch.num_rows
    except OSError as exc:
        raise OpennessError(f"cannot write {path}: {exc}") from None
    return written


def _ratings(row: dict[str, Any]) -> list[dict[str, Any]]:
    document = row["document"] if isinstance(row["document"], dict) else {}
    out = []
    for rating in document.get("ratings") or ():
        if not isinstance(rating, dict) or not rating.get("attribute"):
            continue
        out.append(
            {
                "assessment_id": row["id"],
                "model": row["model"],
                "revision": row["revision"],
                "assessed_at": row["assessed_at"],
                "attribute": str(rating["attribute"]),
                "level": str(rating.get("level") or "unknown"),
                "rationale": str(rating.get("rationale") or "") or None,
            }
        )
    return out


def _engine(db: str | sa.Engine) -> sa.Engine:
    from .store import open_store

    if isinstance(db, sa.Engine):
        return db
    if "://" not in db and not Path(db).expanduser().is_file():
        raise OpennessError(f"no store at {db}: run `openness observe run` to fill one")
    return open_store(db)


def _arrow_type(kind: Any) -> Any:
    import pyarrow as pa

    if isinstance(kind, sa.Boolean):
        return pa.bool_()
    if isinstance(kind, sa.Integer):  # SmallInteger and BigInteger too
        return pa.int64()
    if isinstance(kind, sa.DateTime):
        return _timestamp()
    return pa.string()


def _timestamp() -> Any:
    import pyarrow as pa

    return pa.timestamp("us", tz="UTC")
