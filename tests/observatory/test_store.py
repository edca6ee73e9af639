"""The store: migrations, keys, atomic and idempotent writes, tolerant JSON, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from openness.observatory.record import content_digest, framework_columns, row_for
from openness.observatory.repository import history, load_document, save_assessment
from openness.observatory.store import current_revision, engine_url, open_store
from openness.observatory.tables import assessments, metadata, targets
from openness.pipeline import assess
from openness.serialize import assessment_from_data, to_data
from tests.observatory.conftest import make_release

HEAD = "0006"  # the latest migration


def test_migrations_build_exactly_the_declared_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = open_store(db_url)
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    open_store(db_url)  # a second open migrates nothing and fails on nothing
    assert current_revision(engine) == HEAD


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
    # framework results: a bare release reaches no MOF class and fails OSAID; no OWS finding
    assert (row.mof_class, row.osaid, row.openwashing_rules) == ("none", "fail", "")
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


@pytest.mark.parametrize(
    ("frameworks", "expected"),
    [
        (None, ("unknown", "unknown", None)),
        ([], ("unknown", "unknown", None)),
        ([{"framework": "mof", "verdict": "Class II"}], ("II", "unknown", "")),
        ([{"framework": "mof", "verdict": "not classified"}], ("none", "unknown", "")),
        ([{"framework": "osaid", "verdict": "pass"}], ("unknown", "pass", "")),
        ([{"framework": "osaid", "verdict": "<b>"}, "junk", 3], ("unknown", "unknown", "")),
    ],
)
def test_framework_columns_are_read_tolerantly(
    frameworks: object, expected: tuple[str, str, str | None]
) -> None:
    data = {"frameworks": frameworks, "findings": [{"rule_id": "OPN-PKL-001"}, "junk"]}
    columns = framework_columns(data)
    assert (columns["mof_class"], columns["osaid"], columns["openwashing_rules"]) == expected


def test_openwashing_comes_from_the_findings_when_frameworks_were_rated(tmp_path: Path) -> None:
    from tests.frameworks.releases import build

    now = datetime(2025, 3, 4, tzinfo=UTC)
    honest = to_data(
        assess(str(make_release(tmp_path / "h", tags=("open-source",))), hash_files=False)
    )
    claimed = build(tmp_path / "c", "III", license="cc-by-nc-4.0", claim="A fully open model.")
    washed = to_data(assess(str(claimed), hash_files=False))
    # no open-source tag, so the tag heuristic would not call this openwashing
    row = row_for(washed, "x/c", now)
    assert (row["openwashing"], row["claims_open"]) == (True, True)
    assert row["openwashing_rules"] == "OPN-OWS-002"
    # a tag says open source under Apache-2.0 and no finding contradicts it
    assert row_for(honest, "x/h", now)["openwashing"] is False
    old = {k: v for k, v in honest.items() if k != "frameworks"}
    old["license"] = {**honest["license"], "category": "noncommercial"}
    legacy = row_for(old, "x/o", now)  # no frameworks: the heuristic (open tag, closed license)
    assert (legacy["openwashing"], legacy["openwashing_rules"], legacy["mof_class"]) == (
        True,
        None,
        "unknown",
    )


def _store_at_0002(db_url: str) -> sa.Engine:
    from openness.observatory.store import upgrade

    engine = open_store(db_url, migrate=False)
    upgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    return engine


def test_migration_0003_backfills_rows_stored_at_0002(db_url: str, tmp_path: Path) -> None:
    from tests.frameworks.releases import build

    now = datetime(2025, 3, 4, tzinfo=UTC)
    documents = {
        "acme/class-ii": to_data(assess(str(build(tmp_path / "a", "II")), hash_files=False)),
        "acme/washed": to_data(
            assess(
                str(build(tmp_path / "b", "III", license="cc-by-nc-4.0", claim="Fully open.")),
                hash_files=False,
            )
        ),
    }
    old = to_data(
        assess(str(make_release(tmp_path / "o", tags=("open-source",))), hash_files=False)
    )
    old.pop("frameworks")
    old["license"] = {**old["license"], "category": "noncommercial"}
    documents["acme/older-tool"] = old
    expected = {model: row_for(data, model, now) for model, data in documents.items()}
    engine = _store_at_0002(db_url)
    old_table = sa.Table("assessments", sa.MetaData(), autoload_with=engine)
    assert "mof_class" not in old_table.c
    with engine.begin() as conn:
        for row in expected.values():
            # as 0002's code wrote it: no framework columns, openwashing by the tag heuristic
            conn.execute(
                sa.insert(old_table),
                {**{k: v for k, v in row.items() if k in old_table.c}, "openwashing": False},
            )
    open_store(db_url)
    assert current_revision(engine) == HEAD
    columns = ("mof_class", "osaid", "openwashing_rules", "openwashing", "claims_open")
    with engine.connect() as conn:
        stored = {
            r.model: tuple(getattr(r, c) for c in columns)
            for r in conn.execute(sa.select(assessments))
        }
        indexes = {
            i["name"]: i["column_names"] for i in sa.inspect(conn).get_indexes("assessments")
        }
    assert stored["acme/class-ii"] == ("II", "fail", "", False, False)
    assert stored["acme/washed"] == ("none", "fail", "OPN-OWS-002", True, True)
    # no frameworks in the document: unknown, and its stored heuristic value is kept
    assert stored["acme/older-tool"] == ("unknown", "unknown", None, False, True)
    # the backfill reads a document as record.py does for a new row
    for model in ("acme/class-ii", "acme/washed"):
        assert stored[model] == tuple(expected[model][c] for c in columns)
    assert indexes["ix_assessments_listing"][-2:] == ["mof_class", "osaid"]
    assert not [name for name in indexes if name.endswith(("mof_class", "osaid"))]


def test_migration_0003_downgrades_to_0002(tmp_path: Path) -> None:
    from openness.observatory.store import alembic_config

    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_store(url)
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0002")
    assert current_revision(engine) == "0002"
    with engine.connect() as conn:
        names = {c["name"] for c in sa.inspect(conn).get_columns("assessments")}
    assert "mof_class" not in names and "openwashing" in names
    open_store(url)
    assert current_revision(engine) == HEAD


def test_migration_0004_adds_the_lineage_index_and_downgrades_to_0003(db_url: str) -> None:
    from alembic import command

    from openness.observatory.store import alembic_config

    engine = open_store(db_url)
    with engine.connect() as conn:
        assert "lineage_fingerprints" in sa.inspect(conn).get_table_names()
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    assert current_revision(engine) == "0003"
    with engine.connect() as conn:
        assert "lineage_fingerprints" not in sa.inspect(conn).get_table_names()
    open_store(db_url)
    assert current_revision(engine) == HEAD
