"""The dashboard's list at scale: the `latest` flag the database keeps (migration 0005), keyset
pages, and cached counts that follow every write. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from openness.observatory.record import row_for
from openness.observatory.repository import save_assessment
from openness.observatory.store import alembic_config, current_revision, open_store
from openness.observatory.tables import assessments
from openness.observatory.web import listing, queries
from openness.pipeline import assess
from openness.serialize import to_data
from tests.observatory.conftest import make_release

WHEN = datetime(2025, 5, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = make_release(tmp_path_factory.mktemp("release") / "r")
    return to_data(assess(str(folder), hash_files=False))


def _row(document: dict[str, Any], model: str, revision: str, **extra: Any) -> dict[str, Any]:
    return {**row_for(document, model, WHEN), "revision": revision, **extra}


def _flags(engine: sa.Engine) -> dict[tuple[str, str], bool]:
    query = sa.select(assessments.c.model, assessments.c.revision, assessments.c.latest)
    with engine.connect() as conn:
        return {(r.model, r.revision): bool(r.latest) for r in conn.execute(query)}


def test_the_latest_flag_follows_every_insert(db_url: str, document: dict[str, Any]) -> None:
    engine = open_store(db_url)
    with engine.begin() as conn:  # bulk, as a loader writes: one statement, many rows
        conn.execute(
            sa.insert(assessments),
            [_row(document, "a/one", "r1"), _row(document, "b/two", "r1")],
        )
    with engine.begin() as conn:
        conn.execute(sa.insert(assessments), [_row(document, "a/one", "r2", latest=False)])
    save_assessment(engine, _row(document, "b/two", "r2"), "t", None)
    assert _flags(engine) == {
        ("a/one", "r1"): False,
        ("a/one", "r2"): True,  # the writer's own value is overruled by the trigger
        ("b/two", "r1"): False,
        ("b/two", "r2"): True,
    }


def test_migration_0005_backfills_and_downgrades(db_url: str, document: dict[str, Any]) -> None:
    from alembic import command

    from openness.observatory.store import upgrade

    engine = open_store(db_url, migrate=False)
    upgrade(engine, "0003")
    old = sa.Table("assessments", sa.MetaData(), autoload_with=engine)
    assert "latest" not in old.c
    with engine.begin() as conn:
        for model, revision in (("a/one", "r1"), ("a/one", "r2"), ("b/two", "r1")):
            row = _row(document, model, revision)
            conn.execute(sa.insert(old), {k: v for k, v in row.items() if k in old.c})
    upgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    assert _flags(engine) == {("a/one", "r1"): False, ("a/one", "r2"): True, ("b/two", "r1"): True}
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    with engine.connect() as conn:
        names = {c["name"] for c in sa.inspect(conn).get_columns("assessments")}
    assert "latest" not in names
    with engine.begin() as conn:  # no trigger left behind to touch a column that is gone
        row = _row(document, "c/three", "r1")
        conn.execute(sa.insert(old), {k: v for k, v in row.items() if k in old.c})
    open_store(db_url)
    assert _flags(engine)[("c/three", "r1")] is True


def _fill(engine: sa.Engine, document: dict[str, Any], n: int) -> list[str]:
    rows = []
    for i in range(n):
        model = f"org/m-{i:03d}"
        family = "apache" if i % 3 else "mit"
        rows.append(_row(document, model, "old", license_family=family))
        if i % 2:
            rows.append(_row(document, model, "new", license_family=family))
    with engine.begin() as conn:
        conn.execute(sa.insert(assessments), rows)
    return sorted({r["model"] for r in rows})


def _walk(engine: sa.Engine, filters: queries.Filters, per_page: int) -> list[queries.Page]:
    pages = [queries.list_models(engine, filters, 1, per_page)]
    while pages[-1].next_after is not None:
        pages.append(
            queries.list_models(engine, filters, per_page=per_page, after=pages[-1].next_after)
        )
    return pages


@pytest.mark.parametrize("filters", [queries.Filters(), queries.Filters(license_family="apache")])
def test_keyset_pages_list_every_latest_revision_once(
    db_url: str, document: dict[str, Any], filters: queries.Filters
) -> None:
    engine = open_store(db_url)
    models = _fill(engine, document, 23)
    expected = [
        m
        for i, m in enumerate(models)
        if filters.license_family in (None, "apache" if i % 3 else "mit")
    ]
    walked = _walk(engine, filters, 5)
    assert [r["model"] for p in walked for r in p.rows] == expected
    assert [p.page for p in walked] == list(range(1, len(walked) + 1))
    numbered = [queries.list_models(engine, filters, n, 5) for n in range(1, walked[0].pages + 1)]
    assert [p.rows for p in numbered] == [p.rows for p in walked]
    assert {p.total for p in walked} == {len(expected)}
    revisions = {r["revision"] for p in walked for r in p.rows if int(r["model"][-3:]) % 2}
    assert revisions == {"new"}
    assert queries.list_models(engine, filters, walked[0].pages + 1, 5).rows == []


def test_cached_counts_and_families_follow_a_write(db_url: str, document: dict[str, Any]) -> None:
    engine = open_store(db_url)
    _fill(engine, document, 4)
    before = queries.list_models(engine, queries.Filters(), 1, 50)
    assert queries.list_models(engine, queries.Filters(), 1, 50).total == before.total == 4
    assert queries.license_families(engine) == ["apache", "mit"]
    save_assessment(engine, _row(document, "a/first", "r1", license_family="zzz"), "t", None)
    after = queries.list_models(engine, queries.Filters(), 1, 50)
    assert after.total == 5 and after.rows[0]["model"] == "a/first"
    assert queries.license_families(engine) == ["apache", "mit", "zzz"]
    search = queries.list_models(engine, queries.Filters(q="first"), 1, 50)
    assert [r["model"] for r in search.rows] == ["a/first"]


def test_the_listing_in_memory_keeps_what_the_sql_filters_keep(
    db_url: str, document: dict[str, Any]
) -> None:
    """Issue 20: every filter, a search (SQL LIKE: ASCII case folded on SQLite only) and the
    open-weights clause select the same models, in the same order, as the SQL they replace."""
    import random

    rng = random.Random(3)
    levels = ("open", "partial", "closed", "unknown")
    rows = []
    for i in range(120):
        model = f"{rng.choice(['Org', 'org', 'ÖRG', 'x_y'])}/m-{i:03d}%"
        rows.append(
            _row(document, model, "r1", license_family=rng.choice(["apache", "mit", "llama"]),
                 license_category=rng.choice(["open-source", "restricted", "open-content"]),
                 parameters=rng.choice([None, 10]), open_code=rng.choice(levels),
                 mof_class=rng.choice(["I", "II", "none"]), osaid=rng.choice(["pass", "fail"]))
        )  # fmt: skip
    engine = open_store(db_url)
    with engine.begin() as conn:
        conn.execute(sa.insert(assessments), rows)
    cases = [
        queries.Filters(),
        queries.Filters(q="org"),
        queries.Filters(q="ORG"),
        queries.Filters(q="örg"),
        queries.Filters(q="_y/m-01"),
        queries.Filters(q="%"),
        queries.Filters(q="nothing"),
        queries.Filters(q="m-011"),  # few matches: the search finds them in one string
        queries.Filters(q="G/M-10", license_family="mit"),
        queries.Filters(q="9%"),
        queries.Filters(license_family="mit", levels={"open_code": "open"}),
        queries.Filters(mof_class="II", osaid="fail", license_family="apache"),
        queries.Filters(open_weights=True),
        queries.Filters(open_weights=False, q="x"),
        queries.Filters(license_family="no-such-family"),
    ]
    for filters in cases:
        query = sa.select(assessments.c.model).where(*queries._where(filters))
        with engine.connect() as conn:
            expected = list(conn.execute(query.order_by(assessments.c.model)).scalars())
        walked = _walk(engine, filters, 7)
        assert [r["model"] for p in walked for r in p.rows] == expected, filters
        assert walked[0].total == len(expected), filters
    # the rows a page shows are the stored rows, column for column
    shown = {r["model"]: dict(r) for p in _walk(engine, queries.Filters(), 50) for r in p.rows}
    assert len(shown) == 120
    for model, row in shown.items():
        assert row == dict(queries.model_history(engine, model)[0]), model
    engine.dispose()


def test_a_search_finds_models_whatever_their_ids_hold() -> None:
    """The search string holds every id after a NUL: ids and needles with NULs, matches at the
    first and last id, overlapping matches and many matches give what `in` gives."""
    ids = ["a\0b", "ab", "b", "aab", "x" * 50, "ba", "\0", "abab"]
    weights = np.zeros(len(ids), dtype=bool)
    found = listing.Listing({"model": ids}, {}, weights, ids, False, *listing.search_index(ids))
    for needle in ["a", "b", "ab", "ba", "\0", "a\0", "\0b", "xx", "abab", "z", "x" * 51]:
        kept = found.select(queries.Filters(q=needle))
        assert list(kept) == [i for i, m in enumerate(ids) if needle in m], needle
