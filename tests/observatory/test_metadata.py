"""Metadata mode: a Hub snapshot rated by DuckDB, hostile cardData included, on both backends."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from openness.observatory.metadata import connect_duckdb, ingest
from openness.observatory.metrics import compute
from openness.observatory.store import open_store
from openness.observatory.tables import hub_models, snapshots
from tests.helpers import ROOT, run_cli

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("duckdb")


def _files(*names: str) -> list[dict[str, str]]:
    return [{"rfilename": n} for n in names]


ROWS: list[dict[str, Any]] = [
    {  # a well-documented open release
        "id": "acme/open",
        "tags": ["transformers", "license:apache-2.0", "dataset:acme/data"],
        "library_name": "transformers",
        "cardData": json.dumps({"license": "apache-2.0", "datasets": ["acme/data"]}),
        "siblings": _files("README.md", "config.json", "model.safetensors"),
    },
    {  # claims open source, is non-commercial, ships only pickles, a fine-tune of acme/open
        "id": "acme/washed",
        "tags": ["open-source", "license:cc-by-nc-4.0", "base_model:finetune:acme/open"],
        "library_name": None,
        "cardData": None,
        "siblings": _files("README.md", "pytorch_model.bin"),
    },
    {  # needs custom code it does not ship; license only in the card, as a list
        "id": "solo/custom",
        "tags": ["custom_code"],
        "library_name": "transformers",
        "cardData": json.dumps({"license": ["llama3.1", "mit"], "base_model": "acme/open"}),
        "siblings": _files("README.md", "config.json", "model.safetensors"),
    },
    {  # hostile card: Python literal with a call; not JSON, so never parsed
        "id": "evil/pyliteral",
        "tags": [],
        "library_name": None,
        "cardData": "{'license': 'mit', 'x': __import__('os').system('echo pwned')}",
        "siblings": _files(),
    },
    {  # hostile card: over the size cap
        "id": "evil/huge",
        "tags": [],
        "library_name": None,
        "cardData": json.dumps({"license": "mit", "pad": "x" * 200_000}),
        "siblings": _files("README.md"),
    },
    {  # hostile card: deep nesting, and wrong types everywhere
        "id": "evil/deep",
        "tags": [],
        "library_name": None,
        "cardData": "[" * 10_000 + "]" * 10_000,
        "siblings": _files("model.gguf"),
    },
    {
        "id": "evil/types",
        "tags": [],
        "library_name": None,
        "cardData": json.dumps({"license": 7, "base_model": {"x": 1}, "datasets": 3}),
        "siblings": _files(),
    },
]


def _write(path: Path, rows: list[dict[str, Any]], *, card_column: str = "cardData") -> Path:
    table = pa.table(
        {
            "id": [r["id"] for r in rows],
            "author": [r["id"].split("/")[0] for r in rows],
            "createdAt": [f"2024-0{1 + i % 3}-15T10:00:00.000Z" for i in range(len(rows))],
            "downloads": [10 * (i + 1) for i in range(len(rows))],
            "tags": [r["tags"] for r in rows],
            "library_name": [r["library_name"] for r in rows],
            card_column: [r["cardData"] for r in rows],
            "siblings": [r["siblings"] for r in rows],
        }
    )
    pq.write_table(table, path)
    return path


def _rated(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.model: r for r in conn.execute(sa.select(hub_models))}


def test_rows_are_rated_from_metadata_alone(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    report = ingest(engine, _write(tmp_path / "snap.parquet", ROWS))
    assert (report.rows, report.skipped) == (len(ROWS), False)
    rated = _rated(engine)
    good = rated["acme/open"]
    assert (good.license_id, good.license_family, good.commercial_use) == (
        "Apache-2.0",
        "apache",
        "yes",
    )
    assert (good.open_license, good.open_standards, good.inputs_transparency) == (
        "open",
        "open",
        "partial",
    )
    assert good.datasets_named and good.safe_weights and not good.openwashing
    assert good.threats_transparency == "unknown"  # needs the card's text
    washed = rated["acme/washed"]
    assert washed.claims_open and washed.openwashing
    assert (washed.license_family, washed.open_standards) == ("cc-by-nc", "closed")
    assert washed.pickle_weights and washed.base_model == "acme/open"
    custom = rated["solo/custom"]
    assert (custom.open_code, custom.license_family, custom.base_model) == (
        "closed",
        "llama",
        "acme/open",
    )
    for hostile in ("evil/pyliteral", "evil/huge", "evil/deep", "evil/types"):
        row = rated[hostile]
        assert row.license_category in ("none", "unknown"), hostile  # the card was not trusted
        assert row.license_id is None or row.license_id == "7"
    assert rated["evil/deep"].open_standards == "partial"
    m = compute(engine, "hub")
    assert (m.releases, m.claims_open, m.openwashing) == (len(ROWS), 1, 1)
    assert (m.drift.derivatives, m.drift.changed) == (2, 2)


def test_ingest_is_idempotent_and_redoes_an_interrupted_snapshot(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "obs.db"))
    path = _write(tmp_path / "snap.parquet", ROWS)
    first = ingest(engine, path)
    assert ingest(engine, path).skipped
    with engine.begin() as conn:  # as if the run had died after some batches
        conn.execute(sa.update(snapshots).values(complete=False))
        conn.execute(sa.delete(hub_models).where(hub_models.c.model == "acme/open"))
    again = ingest(engine, path)
    assert not again.skipped and again.rows == len(ROWS)
    assert first.rows == len(ROWS)
    assert len(_rated(engine)) == len(ROWS)


def test_an_id_listed_twice_keeps_its_last_row(db_url: str, tmp_path: Path) -> None:
    """The store keys rows by model: repeated ids, ids equal once U+0000 is dropped or once cut
    at 512 characters, would break that key; the last row listed wins, on both backends."""
    long = "org/" + "x" * 600
    ids = ["a/b", "a/c\x00", "a/b", long + "1", "a/c", long + "2", "a/d"]
    pq.write_table(pa.table({"id": ids, "downloads": range(len(ids))}), tmp_path / "s.parquet")
    engine = open_store(db_url)
    report = ingest(engine, tmp_path / "s.parquet")
    assert report.rows == 4
    downloads = {model: row.downloads for model, row in _rated(engine).items()}
    assert downloads == {"a/b": 2, "a/c": 4, long[:512]: 5, "a/d": 6}


def test_duckdb_prints_no_progress_bar() -> None:
    """Past 2 s a query drew a bar into stdout, which `observe ingest` prints its result to."""
    con = connect_duckdb(1)
    try:
        setting = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()
    finally:
        con.close()
    assert setting == (False,)


def test_snake_case_columns_and_json_string_lists(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["a/b"],
            "card_data": [json.dumps({"license": "mit"})],
            "tags": [json.dumps(["open-source"])],
            "siblings": [json.dumps([{"rfilename": "w.safetensors"}])],
        }
    )
    pq.write_table(table, tmp_path / "s.parquet")
    engine = open_store(str(tmp_path / "obs.db"))
    ingest(engine, tmp_path / "s.parquet")
    row = _rated(engine)["a/b"]
    assert (row.license_id, row.claims_open, row.openwashing, row.safe_weights) == (
        "MIT",
        True,
        False,
        True,
    )


def test_not_a_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    pq.write_table(pa.table({"x": [1]}), tmp_path / "x.parquet")
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 not really")
    db = str(tmp_path / "obs.db")
    out = run_cli("observe", "ingest", str(tmp_path / "x.parquet"), "--db", db)
    assert out.returncode == 2 and "no `id` column" in out.stderr
    out = run_cli("observe", "ingest", str(tmp_path / "junk.parquet"), "--db", db)
    assert out.returncode == 2 and "cannot read" in out.stderr and "Traceback" not in out.stderr


def test_synthetic_snapshot_through_the_cli(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "hub_snapshot", ROOT / "benchmarks" / "hub_snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    snap = tmp_path / "snap.parquet"
    generator.generate(snap, 5000, threads=1)
    db = str(tmp_path / "obs.db")
    out = run_cli("observe", "ingest", str(snap), "--db", db)
    assert out.returncode == 0, out.stderr
    assert "5000 models ingested" in out.stdout
    again = run_cli("observe", "ingest", str(snap), "--db", db)
    assert "already ingested" in again.stdout
    columns = pq.read_table(snap, columns=["tags", "cardData"]).to_pydict()
    apache = sum(
        _license(tags, card) == "apache-2.0"
        for tags, card in zip(columns["tags"], columns["cardData"], strict=True)
    )
    metrics = run_cli("observe", "metrics", "--db", db, "--source", "hub", "--format", "json")
    data = json.loads(metrics.stdout)
    assert data["releases"] == 5000
    assert dict(map(tuple, data["license_families"]))["apache"] == apache


def _license(tags: list[str], card: str | None) -> str | None:
    """The license as metadata gives it, computed here without DuckDB: tag first, then card."""
    for tag in tags:
        if tag.startswith("license:"):
            return tag.removeprefix("license:")
    if card is None or len(card.encode()) > 64 * 1024:
        return None
    try:
        value = json.loads(card)
    except (ValueError, RecursionError):
        return None
    found = value.get("license") if isinstance(value, dict) else None
    if isinstance(found, list) and found:
        found = found[0]
    return found if isinstance(found, str) else None
