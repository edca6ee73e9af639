"""The dashboard as a static site: the same templates, and the data as JSON and Parquet.

`site_files` only yields (relative path, bytes); the CLI writes them. Paths are built from slugs
(links.slug), never from raw model ids, so a hostile id cannot leave the output folder.

A model stored under a local path (`observe run ./models/x`) is published under its name and a
hash of the path (`all-MiniLM-L6-v2 (local 1a2b3c4d)`), and its documents' origin is cut to
that: a published site does not tell readers where files sat on the publisher's disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from ...errors import OpennessError
from ...formats.context import build
from ...serialize import assessment_from_data
from ..metrics import compute
from ..metrics_render import render as render_metrics
from ..tables import LIST_COLUMNS
from . import pages, queries
from .links import SiteLinks, slug
from .local_paths import is_local_path, without_local_paths

SITE_PER_PAGE = 100
#: a model's row in data/models.json and .parquet: the list columns (MOF class and OSAID
#: included) and the OPN-OWS rules behind its openwashing flag (null: the tag heuristic)
PUBLISHED_COLUMNS = (*LIST_COLUMNS, "openwashing_rules")


def site_files(engine: sa.Engine, per_page: int = SITE_PER_PAGE) -> Iterator[tuple[str, bytes]]:
    root, nested = SiteLinks(0), SiteLinks(1)
    yield "static/style.css", (pages.STATIC / "style.css").read_bytes()
    yield "static/favicon.svg", (pages.STATIC / "favicon.svg").read_bytes()
    everything = queries.Filters()
    # documents are read only for ids that are local paths (to name them)
    shown = {
        m: public_id(m, queries.model_record(engine, m)["document"]) if is_local_path(m) else m
        for m in queries.all_models(engine)
    }
    first = queries.list_models(engine, everything, 1, per_page)
    for number in range(1, first.pages + 1):
        listed = first if number == 1 else queries.list_models(engine, everything, number, per_page)
        listed = replace(listed, rows=[_renamed(r, shown) for r in listed.rows])
        html = pages.list_page(engine, root, everything, listed)
        yield root.home(number), html.encode()
    metrics = compute(engine, "assessments")
    yield "ecosystem.html", pages.ecosystem_page(engine, root, metrics).encode()
    yield "data/metrics.json", render_metrics(metrics, "json").encode()
    rows: list[dict[str, Any]] = []
    for model, public in shown.items():
        page = pages.model_page(engine, nested, model, shown_as=public)
        yield f"models/{slug(public)}.html", page.encode()
        record = queries.model_record(engine, model)
        row = _renamed(_plain({k: record[k] for k in PUBLISHED_COLUMNS}), shown)
        detail = {
            "row": row,
            "history": [_renamed(_plain(h), shown) for h in queries.model_history(engine, model)],
            "document": without_local_paths(record["document"], model, public),
        }
        yield f"data/models/{slug(public)}.json", _json(detail)
        rows.append(row | {"slug": slug(public)})
    yield "data/models.json", _json(rows)
    yield "data/models.parquet", _parquet(rows)


def public_id(model: str, document: object) -> str:
    """The id a published site shows: the stored id, unless that is a local path; then the
    model's name (card, else folder) and a hash of the path, so two folders stay apart."""
    if not is_local_path(model):
        return model
    try:
        name = build(assessment_from_data(document)).name.value
    except OpennessError:
        name = re.split(r"[\\/]", model.rstrip("/\\"))[-1] or "model"
    return f"{name} (local {hashlib.sha256(model.encode()).hexdigest()[:8]})"


def _renamed(row: dict[str, Any], shown: dict[str, str]) -> dict[str, Any]:
    model = row.get("model")
    return row | {"model": shown.get(model, model)} if isinstance(model, str) else row


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode()


def _parquet(rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = [*PUBLISHED_COLUMNS, "slug"]
    table = pa.Table.from_pylist(rows, schema=_schema(pa)) if rows else _schema(pa).empty_table()
    assert table.column_names == columns
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _schema(pa: Any) -> Any:
    text, flag, number = pa.string(), pa.bool_(), pa.int64()
    types = {
        "claims_open": flag,
        "openwashing": flag,
        "complete": flag,
        "parameters": number,
        "findings": number,
        "max_severity": number,
    }
    return pa.schema([(c, types.get(c, text)) for c in (*PUBLISHED_COLUMNS, "slug")])
