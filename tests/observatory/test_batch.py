"""Batch runs: bounded pool or Dask, resumable, idempotent per revision, failures retried."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from openness.observatory.batch import BatchItem, read_targets, run_batch
from openness.observatory.store import open_store
from openness.observatory.tables import assessments, targets
from tests.observatory.conftest import make_release


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_targets_file_names_models_skips_comments_and_duplicates() -> None:
    text = "# list\n\nacme/a\t/x/a\n/x/b\n/x/b\n  \n"
    assert read_targets(text) == [BatchItem("/x/a", "acme/a"), BatchItem("/x/b", None)]


def test_rerun_does_nothing_twice_and_a_change_is_a_new_revision(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_store(db_url)
    folders = [make_release(tmp_path / f"m{i}", note=f"release {i}") for i in range(4)]
    items = [BatchItem(str(f), f"acme/m{i}") for i, f in enumerate(folders)]
    items.append(BatchItem(str(tmp_path / "missing")))
    first = run_batch(engine, items, workers=2)
    assert (first.stored, first.skipped, len(first.failed)) == (4, 0, 1)
    second = run_batch(engine, items, workers=2)
    assert (second.stored, second.unchanged, second.skipped) == (0, 0, 4)
    assert [t for t, _ in second.failed] == [str(tmp_path / "missing")]  # failures are retried
    (folders[0] / "README.md").write_text("---\nlicense: mit\n---\n# changed\n", encoding="utf-8")
    third = run_batch(engine, items, workers=1)
    assert (third.stored, third.skipped) == (1, 3)
    with engine.connect() as conn:
        revisions = conn.execute(
            sa.select(assessments.c.revision).where(assessments.c.model == "acme/m0")
        ).all()
        failed = conn.execute(sa.select(targets.c.status).where(targets.c.status == "failed"))
        assert len(failed.all()) == 1
    assert len(revisions) == 2
    assert _count(engine, assessments) == 5


def test_same_content_under_two_targets_is_stored_once(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "obs.db"))
    a = make_release(tmp_path / "a", note="same")
    b = make_release(tmp_path / "b", note="same")
    report = run_batch(engine, [BatchItem(str(a), "m"), BatchItem(str(b), "m")], workers=2)
    assert (report.stored, report.unchanged) == (1, 1)
    assert _count(engine, assessments) == 1 and _count(engine, targets) == 2


def test_dask_local_cluster_runs_the_same_batch(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "obs.db"))
    folders = [make_release(tmp_path / f"d{i}", note=f"dask {i}") for i in range(3)]
    items = [BatchItem(str(f)) for f in folders] + [BatchItem(str(tmp_path / "nope"))]
    report = run_batch(engine, items, workers=1, dask="local", retries=1)
    assert (report.stored, len(report.failed)) == (3, 1)
    assert _count(engine, assessments) == 3
    again = run_batch(engine, items, workers=1, dask="local")
    assert again.skipped == 3
