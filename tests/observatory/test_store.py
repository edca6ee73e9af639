"""The store: migrations, keys, atomic and idempotent writes, tolerant JSON, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from openness.observatory.record import content_digest, row_for
from openness.observatory.repository import history, load_document, save_assessment
from openness.observatory.store import current_revision, engine_url, open_store
from openness.observatory.tables import assessments, metadata, targets
from openness.pipeline import assess
from openness.serialize import assessment_from_data, to_data
from tests.observatory.conftest import make_release


def test_migrations_build_exactly_the_declared_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = open_store(db_url)
    assert current_revision(engine) == "0002"
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    open_store(db_url)  # a second open migrates nothing and fails on nothing
    assert current_revision(engine) == "0002"


def test_sqlite_store_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "obs.db"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_bare_paths_and_postgres_urls_are_understood() -> None:
    assert engine_url("obs.db") == "sqlite:///obs.db"
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_local_revision_is_the_content_digest_independent_of_order() -> None:
    files = [{"path": "b", "sha256": "2" * 64}, {"path": "a", "sha256": "1" * 64}]
    assert content_digest(files) == content_digest(list(reversed(files)))
    changed = [{"path": "b", "sha256": "3" * 64}, files[1]]
    assert content_digest(changed) != content_digest(files)


def test_an_assessment_is_stored_once_per_revision_and_reads_back(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_store(db_url)
    data = to_data(assess(str(make_release(tmp_path / "m", tags=("open-source",)))))
    data["x_future"] = [{"framework": "MOF", "class": 3}]  # a key a newer tool might write
    now = datetime(2025, 3, 4, tzinfo=UTC)
    first = save_assessment(engine, row_for(data, "acme/m", now), "t1", "fp")
    again = save_assessment(engine, row_for(data, "acme/m", now), "t2", "fp")
    assert first.created and not again.created and first.id == again.id
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(assessments)).scalar() == 1
        row = conn.execute(sa.select(assessments)).one()
        done = conn.execute(sa.select(targets.c.target, targets.c.assessment_id)).all()
    assert sorted(done) == [("t1", first.id), ("t2", first.id)]
    assert row.revision == content_digest(data["files"])
    assert (row.author, row.created_month, row.license_family) == ("acme", "2025-03", "apache")
    assert (row.license_category, row.commercial_use, row.open_license) == (
        "open-source",
        "yes",
        "open",
    )
    assert row.claims_open and not row.openwashing
    stored = load_document(engine, "acme/m", row.revision[:15])
    assert stored["x_future"] == data["x_future"]  # the full JSON is kept, unknown keys too
    assert assessment_from_data(stored) == assessment_from_data(data)
    assert [h.model for h in history(engine)] == ["acme/m"]


def test_unknown_model_or_revision_is_a_clear_error(tmp_path: Path) -> None:
    from openness.errors import OpennessError

    engine = open_store(str(tmp_path / "obs.db"))
    with pytest.raises(OpennessError, match="no stored assessment for x/y@abc"):
        load_document(engine, "x/y", "abc")


def test_an_unreachable_database_is_a_clear_error() -> None:
    from openness.errors import OpennessError

    with pytest.raises(OpennessError, match="cannot"):
        open_store("postgresql://nobody@127.0.0.1:1/none")
