"""Whole responses kept per store version (issue 20): the same page until the next write."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from openness.observatory.record import row_for
from openness.observatory.repository import save_assessment
from openness.observatory.store import open_store
from openness.observatory.tables import assessments
from openness.observatory.web.app import create_app
from openness.pipeline import assess
from openness.serialize import to_data
from tests.observatory.conftest import make_release

PATHS = ("/", "/?q=acme", "/api/models", "/model?id=acme/a", "/ecosystem")


def test_pages_are_kept_until_the_store_changes(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    data = to_data(assess(str(make_release(tmp_path / "r", license_id="apache-2.0"))))
    when = datetime(2025, 1, 1, tzinfo=UTC)
    save_assessment(engine, row_for(data, "acme/a", when), "t1", None)
    client = TestClient(create_app(engine))
    first = {p: client.get(p).text for p in PATHS}
    assert all("apache-2.0" in first[p].lower() for p in PATHS[:4])
    # an edit no writer makes (the store is append-only): the kept pages do not see it
    with engine.begin() as conn:
        conn.execute(sa.update(assessments).values(license_id="EDITED-IN-PLACE"))
    assert {p: client.get(p).text for p in PATHS} == first
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and packed.text == first["/"]
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == first["/"]
    assert client.get("/?page=9").status_code == 404
    save_assessment(engine, row_for(data, "acme/b", when), "t2", None)  # a write: a new version
    after = {p: client.get(p).text for p in PATHS}
    assert "acme/b" in after["/"] and "acme/b" not in first["/"]
    assert "EDITED-IN-PLACE" in after["/model?id=acme/a"]
    assert client.get("/api/models").json()["total"] == 2
    engine.dispose()


def test_the_version_probe_survives_a_broken_connection(db_url: str, tmp_path: Path) -> None:
    """The probe runs on a connection kept for it; when that connection breaks (a database
    restart), the probe drops it and reads through the pool, then keeps a new one."""
    from openness.observatory.web.cache import StoreCache

    engine = open_store(db_url)
    data = to_data(assess(str(make_release(tmp_path / "r"))))
    when = datetime(2025, 1, 1, tzinfo=UTC)
    cache = StoreCache(engine)
    assert cache.version() == 0
    save_assessment(engine, row_for(data, "acme/a", when), "t1", None)
    assert cache.version() == 1  # a write is seen at once: no transaction left open
    cache._probe.driver_connection.close()
    save_assessment(engine, row_for(data, "acme/b", when), "t2", None)
    assert cache.version() == 2
    assert cache.version() == 2 and cache._probe is not None
    engine.dispose()


def test_the_server_prepares_listing_and_metrics_before_the_first_reader(
    tmp_path: Path, capsys: Any
) -> None:
    from openness.observatory.web.cache import cache_for
    from openness.observatory.web.warm import warm_in_background

    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    data = to_data(assess(str(make_release(tmp_path / "r"))))
    save_assessment(engine, row_for(data, "acme/a", datetime(2025, 1, 1, tzinfo=UTC)), "t", None)
    warm_in_background(engine).join(timeout=120)

    def rebuilt() -> None:
        raise AssertionError("built again: the warm-up did not keep it")

    cache = cache_for(engine)
    assert cache.get(("listing",), rebuilt).size == 1
    assert cache.get(("metrics",), rebuilt) is not None
    with engine.begin() as conn:  # a store the warm-up cannot read: a message, no traceback
        conn.exec_driver_sql("DROP TABLE report_sections")
        conn.exec_driver_sql("ALTER TABLE assessments RENAME TO gone")
    warm_in_background(engine).join(timeout=120)
    assert "caches built on first use" in capsys.readouterr().err
    engine.dispose()
