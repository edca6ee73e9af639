"""The lineage index on the store: fingerprints of known models, and matching a fingerprint
against them — screened by sketch key and a vectorised sketch correlation, then compared in full
on the few candidates left (docs/lineage.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from ..lineage.compare import Comparison, compare
from ..lineage.fingerprint import Fingerprint
from ..lineage.serialize import from_bytes, sketch_bytes, to_bytes
from .tables import lineage_fingerprints as table

SCREEN = 0.3  # sketch correlation below which a candidate is not compared in full
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Known:
    model: str
    license_id: str | None
    comparison: Comparison


def save_fingerprint(engine: sa.Engine, fp: Fingerprint, license_id: str | None) -> bool:
    """Store (or replace) the fingerprint of `fp.model`; True when it was new."""
    values = _values(fp, license_id)
    with engine.begin() as conn:
        updated = conn.execute(sa.update(table).where(table.c.model == fp.model).values(**values))
        if updated.rowcount:
            return False
        conn.execute(sa.insert(table).values(model=fp.model, **values))
        return True


def add_fingerprints(engine: sa.Engine, items: Sequence[tuple[Fingerprint, str | None]]) -> None:
    """Insert many new fingerprints in one transaction (bulk indexing); all land or none."""
    rows = [{"model": fp.model, **_values(fp, license_id)} for fp, license_id in items]
    with engine.begin() as conn:
        conn.execute(sa.insert(table), rows)


def _values(fp: Fingerprint, license_id: str | None) -> dict[str, Any]:
    return {
        "license_id": license_id,
        "format": fp.format,
        "signature": fp.signature,
        "sketch_key": fp.sketch_key,
        "sketch": sketch_bytes(fp) if fp.sampled else None,
        "fingerprint": to_bytes(fp),
        "tensors": len(fp.tensors),
        "indexed_at": datetime.now(UTC),
    }


def count_fingerprints(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def closest(engine: sa.Engine, fp: Fingerprint) -> list[Known]:
    """Known models sharing the query's sketch key, best first, each compared in full (related
    or not); empty when the query has no samples or no known model shares its key."""
    if not fp.sampled:
        return []
    sketch = sketch_bytes(fp)
    query = sa.select(table.c.id, table.c.sketch).where(
        table.c.sketch_key == fp.sketch_key, sa.func.length(table.c.sketch) == len(sketch)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        ids = _screen(rows, sketch)
        if not ids:
            return []
        found = conn.execute(
            sa.select(table.c.model, table.c.license_id, table.c.fingerprint).where(
                table.c.id.in_(ids)
            )
        ).all()
    known = [
        Known(r.model, r.license_id, compare(fp, from_bytes(r.model, r.fingerprint))) for r in found
    ]
    known = [k for k in known if k.comparison.similarity is not None]
    known.sort(key=lambda k: (-(k.comparison.similarity or 0.0), k.model))
    return known


def matches(engine: sa.Engine, fp: Fingerprint) -> list[Known]:
    """Known models the weights derive from (at or above the decision threshold), best first."""
    return [k for k in closest(engine, fp) if k.comparison.related]


def _screen(rows: Sequence[Any], query: bytes) -> list[int]:
    """`rows` are (id, sketch) with sketches as long as the query's (the SQL made sure): no
    Python work per row, which was most of a match's time at 10,000 rows."""
    q = np.frombuffer(query, dtype=np.float16).astype(np.float32)
    if not rows or not len(q):
        return []
    ids, sketches = zip(*rows, strict=True)
    matrix = np.frombuffer(b"".join(sketches), dtype=np.float16).reshape(len(ids), -1)
    scores = matrix.astype(np.float32) @ q / len(q)
    order = np.argsort(-scores)[:MAX_CANDIDATES]
    return [int(ids[i]) for i in order if scores[i] >= SCREEN]


def compare_with(engine: sa.Engine, fp: Fingerprint, model: str) -> Known | None:
    """The query compared with one named known model (matched by full name, else by its last
    path part, case-insensitive); None when the index does not hold it."""
    wanted = model.strip().lower()
    short = wanted.rsplit("/", 1)[-1]
    query = sa.select(table.c.model, table.c.license_id, table.c.fingerprint).where(
        sa.or_(
            sa.func.lower(table.c.model) == wanted,
            sa.func.lower(table.c.model) == short,
            sa.func.lower(table.c.model).endswith("/" + short, autoescape=True),
        )
    )
    with engine.connect() as conn:
        rows = conn.execute(query.limit(2)).all()
    if len(rows) != 1:
        return None
    r = rows[0]
    return Known(r.model, r.license_id, compare(fp, from_bytes(r.model, r.fingerprint)))
