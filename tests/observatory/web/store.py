"""A small store of real assessments for the dashboard tests, hostile names and cards included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from openness.observatory.record import row_for
from openness.observatory.repository import save_assessment
from openness.observatory.store import open_store
from openness.pipeline import assess
from openness.serialize import to_data
from tests.exports.hostile import PAYLOAD, hostile_release
from tests.observatory.conftest import make_release

HOSTILE_MODEL = f"evil/{PAYLOAD}"
#: model -> what its release is made of
RELEASES: dict[str, dict[str, Any]] = {
    "acme/open-one": {"license_id": "apache-2.0"},
    "acme/open-two": {"license_id": "mit", "base_model": "acme/open-one"},
    "bigco/nc-model": {"license_id": "cc-by-nc-4.0", "tags": ("open-source",)},
    "bigco/no-license": {"license_id": None, "pickle_file": True},
}


def build_store(root: Path) -> tuple[sa.Engine, str]:
    """A SQLite store: each release above, a second revision of acme/open-one, a hostile one."""
    url = f"sqlite:///{root / 'web.db'}"
    engine = open_store(url)
    when = datetime(2025, 3, 1, tzinfo=UTC)
    for i, (model, spec) in enumerate(RELEASES.items()):
        folder = make_release(root / f"r{i}", **spec)
        _store(engine, model, folder, when + timedelta(days=31 * i))
    newer = make_release(root / "r-new", license_id="apache-2.0", note="A second revision.")
    _store(engine, "acme/open-one", newer, when + timedelta(days=200))
    _store(engine, HOSTILE_MODEL, hostile_release(root / "evil"), when)
    return engine, url


def _store(engine: sa.Engine, model: str, folder: Path, when: datetime) -> None:
    data = to_data(assess(str(folder)))
    save_assessment(engine, row_for(data, model, when), str(folder), None)
