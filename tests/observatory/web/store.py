"""A small store of real assessments for the dashboard tests, hostile names and cards included.

Framework results vary too: acme/open-one's latest revision reaches MOF Class I and passes
OSAID (its older one is stored as a tool without frameworks wrote it), acme/open-two reaches
Class II, bigco/nc-model's card calls it open source under a non-commercial license (OPN-OWS-001).
"""

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
from tests.frameworks.releases import build
from tests.observatory.conftest import make_release

HOSTILE_MODEL = f"evil/{PAYLOAD}"
#: model -> what its release is made of
RELEASES: dict[str, dict[str, Any]] = {
    "acme/open-one": {"license_id": "apache-2.0"},
    "acme/open-two": {"license_id": "mit", "base_model": "acme/open-one", "mof_class": "II"},
    "bigco/nc-model": {
        "license_id": "cc-by-nc-4.0",
        "tags": ("open-source",),
        "note": "This is an open source model.",
    },
    "bigco/no-license": {"license_id": None, "pickle_file": True},
}
#: model -> (MOF class, OSAID) of its latest revision
FRAMEWORKS = {
    "acme/open-one": ("I", "pass"),
    "acme/open-two": ("II", "fail"),
    "bigco/nc-model": ("none", "fail"),
    "bigco/no-license": ("none", "fail"),
}


def build_store(root: Path) -> tuple[sa.Engine, str]:
    """A SQLite store: each release above, a second revision of acme/open-one, a hostile one."""
    url = f"sqlite:///{root / 'web.db'}"
    engine = open_store(url)
    when = datetime(2025, 3, 1, tzinfo=UTC)
    for i, (model, spec) in enumerate(RELEASES.items()):
        folder = _release(root / f"r{i}", spec)
        # the first revision of acme/open-one as a tool version before frameworks wrote it
        _store(engine, model, folder, when + timedelta(days=31 * i), frameworks=i > 0)
    newer = build(root / "r-new", "I", claim="A second revision.")
    _store(engine, "acme/open-one", newer, when + timedelta(days=200))
    _store(engine, HOSTILE_MODEL, hostile_release(root / "evil"), when)
    return engine, url


def _release(folder: Path, spec: dict[str, Any]) -> Path:
    spec = dict(spec)
    level = spec.pop("mof_class", None)
    if level is None:
        return make_release(folder, **spec)
    built = build(folder, level, license=spec["license_id"])
    card = built / "README.md"
    front = f"library_name: transformers\nbase_model: {spec['base_model']}\n"
    card.write_text(card.read_text().replace("library_name: transformers\n", front, 1))
    return built


def _store(
    engine: sa.Engine, model: str, folder: Path, when: datetime, *, frameworks: bool = True
) -> None:
    data = to_data(assess(str(folder)))
    if not frameworks:
        data.pop("frameworks")
        data["findings"] = [f for f in data["findings"] if not f["rule_id"].startswith("OPN-OWS")]
    save_assessment(engine, row_for(data, model, when), str(folder), None)
