"""Metadata ingest into PostgreSQL (COPY in CSV) stores exactly what the SQLite ingest stores."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from openness.observatory import metadata
from openness.observatory.metadata import ingest
from openness.observatory.store import open_store
from openness.observatory.tables import hub_models, snapshots
from tests.helpers import ROOT

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("duckdb")
pytest.importorskip("psycopg")

STORED = [c.name for c in hub_models.columns if c.name != "snapshot_id"]


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"


def _generated_snapshot(path: Path, rows: int) -> Path:
    spec = importlib.util.spec_from_file_location(
        "hub_snapshot", ROOT / "benchmarks" / "hub_snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generator.generate(path, rows, threads=1)
    return path


def _stored(url: str, snapshot: Path) -> tuple[list[tuple[Any, ...]], int]:
    engine = open_store(url)
    try:
        report = ingest(engine, snapshot, threads=1)
        assert not report.skipped
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(*(hub_models.c[name] for name in STORED)).order_by(hub_models.c.model)
            )
            recorded = conn.execute(sa.select(snapshots.c.rows)).scalar_one()
            return [tuple(r) for r in rows], int(recorded)
    finally:
        engine.dispose()


def test_postgresql_ingest_equals_sqlite_ingest(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metadata, "COPY_CHUNK_ROWS", 700)  # several COPY chunks per batch
    snapshot = _generated_snapshot(tmp_path / "snap.parquet", 3000)
    lite, lite_count = _stored(f"sqlite:///{tmp_path / 'obs.db'}", snapshot)
    postgres, postgres_count = _stored(postgres_url, snapshot)
    assert lite_count == postgres_count == len(lite) == len(postgres) == 3000
    assert postgres == lite
    nulls = {name: sum(r[i] is None for r in postgres) for i, name in enumerate(STORED)}
    assert nulls["base_model"] > 0 and nulls["license_id"] > 0  # NULL stays NULL through CSV
    assert nulls["model"] == nulls["open_code"] == 0


HOSTILE_IDS = [
    'quote"comma,/x',
    "new\nline/\\.\nend",  # a line holding only \. is COPY's end-of-data marker outside quotes
    "back\\slash/\\N",
    "tab\tcr\r/é漢字🙂",
    "nul\x00byte/x",
]


def test_hostile_text_through_copy(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metadata, "COPY_CHUNK_ROWS", 2)
    table = pa.table(
        {
            "id": HOSTILE_IDS,
            "author": ["", None, "a", "b", "c"],
            "cardData": ['{"base_model": "x\\u0000y"}', None, "{}", '{"license": ""}', "[]"],
        }
    )
    snapshot = tmp_path / "hostile.parquet"
    pq.write_table(table, snapshot)
    lite, _ = _stored(f"sqlite:///{tmp_path / 'obs.db'}", snapshot)
    postgres, count = _stored(postgres_url, snapshot)
    assert count == len(postgres) == len(HOSTILE_IDS)
    # PostgreSQL text cannot hold U+0000: it is dropped there, everything else is stored as is
    without_nul = [tuple(_drop_nul(v) for v in row) for row in lite]
    assert sorted(postgres, key=str) == sorted(without_nul, key=str)
    models = {row[0] for row in postgres}
    assert "nulbyte/x" in models and 'quote"comma,/x' in models
    assert "new\nline/\\.\nend" in models
    authors = {row[0]: row[1] for row in postgres}
    assert authors['quote"comma,/x'] == ""  # an empty string is not NULL


def _drop_nul(value: object) -> object:
    return value.replace("\x00", "") if isinstance(value, str) else value
