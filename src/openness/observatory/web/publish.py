"""The dashboard as a static site: the same templates, and the data as JSON and Parquet.

`site_files` only yields (relative path, bytes); the CLI writes them. Paths are built from slugs
(links.slug), never from raw model ids, so a hostile id cannot leave the output folder.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from ..metrics import compute
from ..metrics_render import render as render_metrics
from . import pages, queries
from .links import SiteLinks, slug

SITE_PER_PAGE = 100
#: a model's row in data/models.json and .parquet: the list columns (MOF class and OSAID
#: included) and the OPN-OWS rules behind its openwashing flag (null: the tag heuristic)
PUBLISHED_COLUMNS = (*queries.LIST_COLUMNS, "openwashing_rules")


def site_files(engine: sa.Engine, per_page: int = SITE_PER_PAGE) -> Iterator[tuple[str, bytes]]:
    root, nested = SiteLinks(0), SiteLinks(1)
    yield "static/style.css", (pages.STATIC / "style.css").read_bytes()
    yield "static/favicon.svg", (pages.STATIC / "favicon.svg").read_bytes()
    everything = queries.Filters()
    first = queries.list_models(engine, everything, 1, per_page)
    for number in range(1, first.pages + 1):
        listed = first if number == 1 else queries.list_models(engine, everything, number, per_page)
        html = pages.list_page(engine, root, everything, listed)
        yield root.home(number), html.encode()
    metrics = compute(engine, "assessments")
    yield "ecosystem.html", pages.ecosystem_page(engine, root, metrics).encode()
    yield "data/metrics.json", render_metrics(metrics, "json").encode()
    rows: list[dict[str, Any]] = []
    for model in queries.all_models(engine):
        yield f"models/{slug(model)}.html", pages.model_page(engine, nested, model).encode()
        record = queries.model_record(engine, model)
        detail = {
            "row": _plain({k: record[k] for k in PUBLISHED_COLUMNS}),
            "history": [_plain(h) for h in queries.model_history(engine, model)],
            "document": record["document"],
        }
        yield f"data/models/{slug(model)}.json", _json(detail)
        rows.append(_plain({k: record[k] for k in PUBLISHED_COLUMNS}) | {"slug": slug(model)})
    yield "data/models.json", _json(rows)
    yield "data/models.parquet", _parquet(rows)


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
