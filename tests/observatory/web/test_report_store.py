"""Model pages from the report sections rendered when the assessment was stored (issue 20)."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from openness.observatory import report_store
from openness.observatory.record import row_for
from openness.observatory.repository import save_assessment
from openness.observatory.store import open_store
from openness.observatory.tables import report_sections
from openness.observatory.web import pages, queries
from openness.observatory.web.links import ServerLinks
from tests.observatory.web.store import HOSTILE_MODEL, RELEASES


def _live_page(engine: sa.Engine, model: str) -> str:
    """The page as rendered from the document: the stored renderings hidden for one call."""
    with engine.begin() as conn:
        saved = [dict(r._mapping) for r in conn.execute(sa.select(report_sections))]
        conn.execute(sa.delete(report_sections))
    try:
        return pages.model_page(engine, ServerLinks(), model)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.insert(report_sections), saved)


def test_the_stored_rendering_gives_the_page_byte_for_byte(web_store: tuple[Any, str]) -> None:
    engine = web_store[0]
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(report_sections)).scalar()
        total = conn.execute(sa.text("SELECT count(*) FROM assessments")).scalar()
    assert stored == total  # every assessment saved by the batch path got its rendering
    for model in [*RELEASES, HOSTILE_MODEL]:
        assert pages.model_page(engine, ServerLinks(), model) == _live_page(engine, model), model


def test_the_page_reads_the_stored_rendering_of_its_renderer_only(tmp_path: Path) -> None:
    from openness.pipeline import assess
    from openness.serialize import to_data
    from tests.observatory.conftest import make_release

    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    data = to_data(assess(str(make_release(tmp_path / "r"))))
    save_assessment(engine, row_for(data, "acme/m", datetime(2025, 1, 1, tzinfo=UTC)), "t", None)
    marked = {"head": zlib.compress(b"<p>STORED-HEAD</p>"), "tail": zlib.compress(b"<p>T</p>")}
    with engine.begin() as conn:
        conn.execute(sa.update(report_sections).values(**marked))
    page = pages.model_page(engine, ServerLinks(), "acme/m")
    assert "<p>STORED-HEAD</p><svg" in page and "</svg><p>T</p>" in page  # chart between
    with engine.begin() as conn:
        conn.execute(sa.update(report_sections).values(renderer="an older renderer"))
    page = pages.model_page(engine, ServerLinks(), "acme/m")
    assert "STORED-HEAD" not in page and '<h2 id="verdict">' in page  # rendered live
    bomb = zlib.compress(b"\0" * (report_store.MAX_PART_BYTES + 1))
    with engine.begin() as conn:
        conn.execute(sa.update(report_sections).values(renderer=report_store.renderer(), head=bomb))
    assert '<h2 id="verdict">' in pages.model_page(engine, ServerLinks(), "acme/m")


def test_prerender_fills_what_an_older_store_lacks(db_url: str, tmp_path: Path) -> None:
    """Assessments stored before migration 0006 (or by another renderer) get their rendering;
    a document the tool cannot read back is counted, not fatal. On both backends."""
    from openness.pipeline import assess
    from openness.serialize import to_data
    from tests.observatory.conftest import make_release

    engine = open_store(db_url)
    data = to_data(assess(str(make_release(tmp_path / "r"))))
    when = datetime(2025, 1, 1, tzinfo=UTC)
    save_assessment(engine, row_for(data, "acme/new", when), "t1", None)
    old = {**data, "schema": "openness.assessment/0"}
    save_assessment(engine, row_for(data, "acme/a", when), "t2", None)
    save_assessment(engine, row_for(old, "acme/old", when), "t3", None)
    with engine.begin() as conn:
        conn.execute(sa.delete(report_sections).where(report_sections.c.assessment_id != 1))
        conn.execute(sa.update(report_sections).values(renderer="an older renderer"))
    live = pages.model_page(engine, ServerLinks(), "acme/a")
    seen: list[tuple[int, int]] = []
    assert report_store.prerender(engine, 2, lambda *done: seen.append(done)) == (2, 1)
    assert seen == [(2, 3), (3, 3)]  # after each batch of two: done, of how many
    assert report_store.prerender(engine) == (0, 1)  # the unreadable one is retried, no more
    with engine.connect() as conn:
        found = conn.execute(sa.select(report_sections.c.assessment_id)).scalars().all()
        assert sorted(found) == [1, 2]
        row = queries.model_record(engine, "acme/a")
        assert report_store.stored(conn, row["id"]) is not None
    assert pages.model_page(engine, ServerLinks(), "acme/a") == live
    engine.dispose()


def test_migration_0006_adds_an_empty_table_and_downgrades(db_url: str) -> None:
    """Existing assessments keep working without a rendering (the page renders the document)."""
    from alembic import command

    from openness.observatory.store import alembic_config, current_revision, upgrade

    engine = open_store(db_url, migrate=False)
    upgrade(engine, "0005")
    assert "report_sections" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == "0006"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(report_sections)).scalar() == 0
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005")
    assert "report_sections" not in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_each_revision_page_shows_its_own_stored_rendering(tmp_path: Path) -> None:
    """The model page reads its row, the history and the stored rendering in one query: an
    older revision's page shows that revision's rendering, the latest its own, each the page
    rendered from its document byte for byte."""
    from openness.pipeline import assess
    from openness.serialize import to_data
    from tests.observatory.conftest import make_release

    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    when = datetime(2025, 1, 1, tzinfo=UTC)
    for n, license_id in enumerate(("mit", "gpl-3.0")):
        data = to_data(assess(str(make_release(tmp_path / f"r{n}", license_id=license_id))))
        row = {**row_for(data, "acme/a", when), "revision": f"r{n}"}
        save_assessment(engine, row, f"t{n}", None)
    for revision in ("r0", "r1", None):
        served = pages.model_page(engine, ServerLinks(), "acme/a", revision)
        with engine.begin() as conn:
            saved = [dict(r._mapping) for r in conn.execute(sa.select(report_sections))]
            conn.execute(sa.delete(report_sections))
        try:
            assert served == pages.model_page(engine, ServerLinks(), "acme/a", revision)
        finally:
            with engine.begin() as conn:
                conn.execute(sa.insert(report_sections), saved)
    older = pages.model_page(engine, ServerLinks(), "acme/a", "r0")
    assert "MIT" in older and "GPL" not in older.split('id="history"')[0]
    engine.dispose()
