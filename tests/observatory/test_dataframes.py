"""The store as Arrow tables (`openness.observatory.load`) and as Parquet/CSV exports read back by
DuckDB; the notebook analysis in docs/observatory.md runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pa = pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")

import openness  # noqa: E402
import openness.observatory as obs  # noqa: E402
from openness.model import Attribute  # noqa: E402
from openness.observatory.dataframes import batches  # noqa: E402
from openness.observatory.record import row_for  # noqa: E402
from openness.observatory.repository import save_assessment  # noqa: E402
from openness.observatory.store import open_store  # noqa: E402
from openness.serialize import to_data  # noqa: E402
from tests.helpers import ROOT, run_cli  # noqa: E402
from tests.observatory.conftest import make_release  # noqa: E402

#: model -> (card license, month assessed)
MODELS = {
    "acme/a": ("apache-2.0", "2026-01"),
    "acme/b": ("cc-by-nc-4.0", "2026-02"),
    "other/c": ("mit", "2026-02"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    db = root / "obs.db"
    engine = open_store(str(db))
    for i, (model, (license_id, month)) in enumerate(MODELS.items()):
        release = make_release(root / f"r{i}", license_id=license_id, note=f"model {i}")
        data = to_data(openness.assess(str(release)))
        when = datetime.fromisoformat(f"{month}-15T12:00:00+00:00")
        save_assessment(engine, row_for(data, model, when), str(release), None)
    engine.dispose()
    return db


def test_load_gives_one_row_per_assessment(store: Path) -> None:
    table = obs.load(str(store))
    assert isinstance(table, pa.Table) and table.num_rows == len(MODELS)
    assert "document" not in table.column_names
    assert {"model", "author", "license_family", "open_license", "mof_class"} <= set(
        table.column_names
    )
    rows = {r["model"]: r for r in table.to_pylist()}
    assert rows["acme/b"]["license_family"] != rows["acme/a"]["license_family"]
    assert rows["acme/a"]["author"] == "acme"
    assert rows["other/c"]["assessed_at"] == datetime(2026, 2, 15, 12, tzinfo=UTC)
    assert table.schema.field("findings").type == pa.int64()
    assert table.schema.field("complete").type == pa.bool_()


def test_ratings_give_one_row_per_assessment_and_attribute(store: Path) -> None:
    ratings = obs.load(str(store), table="ratings")
    assert ratings.num_rows == len(MODELS) * len(Attribute)
    models = {r["id"]: r for r in obs.load(str(store)).to_pylist()}
    for r in ratings.to_pylist():
        assert r["level"] == models[r["assessment_id"]][r["attribute"]]
        assert r["rationale"]
    assert len(list(batches(open_store(str(store)), "ratings", rows=1))) == len(MODELS)


def test_exports_read_back_with_duckdb(store: Path, tmp_path: Path) -> None:
    parquet, csv = tmp_path / "models.parquet", tmp_path / "ratings.csv"
    assert run_cli("observe", "export", "--db", str(store), "-o", str(parquet)).returncode == 0
    proc = run_cli(
        "observe", "export", "--db", str(store), "--table", "ratings", "--format", "csv",
        "-o", str(csv),
    )  # fmt: skip
    assert proc.returncode == 0 and "15 ratings rows" in proc.stderr
    con = duckdb.connect()
    by_author = con.execute(
        f"SELECT author, count(*) FROM read_parquet('{parquet}') GROUP BY author ORDER BY author"
    ).fetchall()
    assert by_author == [("acme", 2), ("other", 1)]
    joined = con.execute(
        f"SELECT m.model, r.level FROM read_parquet('{parquet}') m "
        f"JOIN read_csv('{csv}') r ON r.assessment_id = m.id "
        "WHERE r.attribute = 'open_license' ORDER BY m.model"
    ).fetchall()
    stored = {r["model"]: r["open_license"] for r in obs.load(str(store)).to_pylist()}
    assert joined == sorted(stored.items())


def test_a_path_without_a_store_is_an_error(tmp_path: Path) -> None:
    proc = run_cli("observe", "export", "--db", str(tmp_path / "nope.db"), "-o", "x.parquet")
    assert proc.returncode == 2 and "no store at" in proc.stderr
    assert not (tmp_path / "nope.db").exists()
    (tmp_path / "text.db").write_text("not a database\n")
    proc = run_cli("observe", "export", "--db", str(tmp_path / "text.db"), "-o", "x.parquet")
    assert proc.returncode == 2 and "cannot open database" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_notebook_analysis_in_the_docs_runs(store: Path) -> None:
    doc = (ROOT / "docs" / "observatory.md").read_text(encoding="utf-8")
    section = doc.split("## Dataframes", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(code.strip().splitlines()) <= 5
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=store.parent, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "acme" in proc.stdout and "other" in proc.stdout and "2026-02" in proc.stdout
