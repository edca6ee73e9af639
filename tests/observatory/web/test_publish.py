"""`openness observe publish`: the same pages and the data (JSON, Parquet) as a static site
whose every link resolves inside the folder."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from openness.cli.main import main
from openness.observatory.tables import MOF_CLASSES, OSAID_RESULTS
from openness.observatory.web.links import slug
from openness.observatory.web.publish import site_files
from tests.exports.hostile import PAYLOAD
from tests.observatory.web.store import FRAMEWORKS, HOSTILE_MODEL, RELEASES

ALL_MODELS = sorted([*RELEASES, HOSTILE_MODEL])
LINK = re.compile(r'(?:href|src|action)="([^"]*)"')


@pytest.fixture(scope="module")
def site(web_store: tuple[Any, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["observe", "publish", "--db", web_store[1], "--out", str(out)]) == 0
    return out


def test_publish_writes_pages_and_data(site: Path) -> None:
    for name in ("index.html", "ecosystem.html", "static/style.css", "data/metrics.json"):
        assert (site / name).is_file(), name
    pages = sorted(p.name for p in (site / "models").iterdir())
    assert pages == sorted(f"{slug(m)}.html" for m in ALL_MODELS)
    assert all(p.resolve().is_relative_to(site.resolve()) for p in site.rglob("*"))
    listed = json.loads((site / "data/models.json").read_text(encoding="utf-8"))
    assert [row["model"] for row in listed] == ALL_MODELS
    detail = json.loads((site / "data/models" / f"{slug('acme/open-one')}.json").read_text())
    assert len(detail["history"]) == 2 and detail["document"]["license"]["spdx"] == "Apache-2.0"
    metrics = json.loads((site / "data/metrics.json").read_text(encoding="utf-8"))
    assert metrics["releases"] == 5


def test_parquet_holds_the_same_rows(site: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(site / "data/models.parquet")
    assert table.num_rows == 5
    assert table.column("model").to_pylist() == ALL_MODELS
    families = dict(
        zip(
            table.column("model").to_pylist(),
            table.column("license_family").to_pylist(),
            strict=True,
        )
    )
    assert families["acme/open-one"] == "apache" and families["bigco/nc-model"] == "cc-by-nc"


def test_framework_columns_on_pages_and_in_the_data(site: Path) -> None:
    listed = {r["model"]: r for r in json.loads((site / "data/models.json").read_text())}
    published = {m: (listed[m]["mof_class"], listed[m]["osaid"]) for m in FRAMEWORKS}
    assert published == FRAMEWORKS
    assert listed["bigco/nc-model"]["openwashing_rules"] == "OPN-OWS-001"
    assert listed["acme/open-one"]["openwashing_rules"] == ""  # rated, none found
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(site / "data/models.parquet").to_pydict()
    parquet_rows = zip(table["model"], table["mof_class"], table["osaid"], strict=True)
    assert {m: (c, o) for m, c, o in parquet_rows if m in FRAMEWORKS} == FRAMEWORKS
    assert dict(zip(table["model"], table["openwashing_rules"], strict=True)) == {
        m: r["openwashing_rules"] for m, r in listed.items()
    }
    detail = json.loads((site / "data/models" / f"{slug('acme/open-one')}.json").read_text())
    assert [h["mof_class"] for h in detail["history"]] == ["I", "unknown"]  # older: no frameworks
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<th>MOF class</th><th>OSAID</th>" in index
    for model, (mof_class, osaid) in FRAMEWORKS.items():
        row = index[index.index(f">{model}</a>") :].split("</tr>", 1)[0]
        assert f'<td class="mof">{MOF_CLASSES[mof_class]}</td>' in row, model
        assert f'<td class="osaid">{OSAID_RESULTS[osaid]}</td>' in row, model
        page = (site / "models" / f"{slug(model)}.html").read_text(encoding="utf-8")
        summary = page[page.index('class="framework-summary"') :].split("</p>", 1)[0]
        assert f"MOF class: <strong>{MOF_CLASSES[mof_class]}</strong>" in summary, model
        assert f"OSAID 1.0: <strong>{OSAID_RESULTS[osaid]}</strong>" in summary, model


def test_every_link_resolves_inside_the_site(site: Path) -> None:
    checked = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        for link in LINK.findall(html):
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (page, link)
            target = (page.parent / parts.path).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), (page, link)
            checked += 1
    assert checked >= 7 * 5  # nav, stylesheet and data links on every page at least


def test_hostile_model_is_escaped_in_the_site(site: Path) -> None:
    html = (site / "models" / f"{slug(HOSTILE_MODEL)}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in html
    data = json.loads((site / "data/models" / f"{slug(HOSTILE_MODEL)}.json").read_text())
    assert data["row"]["model"] == f"evil/{PAYLOAD}"


def test_pages_of_the_list_and_a_stable_output(web_store: tuple[Any, str]) -> None:
    files = dict(site_files(web_store[0], per_page=2))
    assert {"index.html", "page-2.html", "page-3.html"} <= set(files)
    assert "page-4.html" not in files
    assert b'href="page-2.html"' in files["index.html"]
    assert files == dict(site_files(web_store[0], per_page=2))  # same store, same bytes


def test_publish_to_an_unwritable_place_is_a_usage_error(
    web_store: tuple[Any, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["observe", "publish", "--db", web_store[1], "--out", str(blocker / "site")]) == 2


def test_a_model_stored_under_a_local_path_is_published_under_its_name(tmp_path: Path) -> None:
    """Issue 17: the static site listed local absolute paths as model ids (and so told every
    reader where files sat on the publisher's disk)."""
    from datetime import UTC, datetime

    from openness.observatory.record import row_for
    from openness.observatory.repository import save_assessment
    from openness.observatory.store import open_store
    from openness.pipeline import assess
    from openness.serialize import to_data
    from tests.observatory.conftest import make_release

    secret = tmp_path / "home-of-someone" / "checkpoints"
    folder = make_release(secret / "Acme-7B")
    card = folder / "README.md"
    card.write_text(card.read_text().replace("# Model", "# acme-7b-instruct"))
    engine = open_store(f"sqlite:///{tmp_path / 'local.db'}")
    data = to_data(assess(str(folder)))
    save_assessment(engine, row_for(data, str(folder), datetime(2025, 1, 1, tzinfo=UTC)), "", None)
    files = dict(site_files(engine))
    leaked = [name for name, body in files.items() if str(secret).encode() in body]
    assert leaked == []
    from openness.observatory.web.publish import public_id

    shown = public_id(str(folder), data)
    assert shown.startswith("acme-7b-instruct (local ") and str(tmp_path) not in shown
    assert f">{shown}</a>".encode() in files["index.html"]
    assert f"models/{slug(shown)}.html" in files
    page = files[f"models/{slug(shown)}.html"].decode()
    assert f'href="../data/models/{slug(shown)}.json"' in page  # the page's JSON link resolves
    assert f"data/models/{slug(shown)}.json" in files
    row = json.loads(files["data/models.json"])[0]
    assert row["model"] == shown and row["slug"] == slug(shown)
    assert public_id("acme/open-one", data) == "acme/open-one"  # Hub ids are published as they are
