"""Whole responses kept per store version (issue 20): the same page until the next write."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

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
