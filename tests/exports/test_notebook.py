"""Notebook views: `Assessment._repr_html_` as Jupyter inserts it into an output area, rendered
in headless Chromium (no console error, no request, nothing runs), and `_repr_markdown_`. Both
open with the verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import openness
from openness.examples import example_path
from openness.serialize import assessment_from_data, to_data
from tests import chromium
from tests.exports.hostile import PAYLOAD, hostile_release

#: a page like a notebook's: the repr's HTML inside an output area, nothing else
HOST = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
    '<body><div id="out">{}</div></body></html>'
)


def notebook(browser: Any, path: Path, html: str) -> chromium.FileVisit:
    """The repr's HTML in a host page like a notebook's output area."""
    path.write_text(HOST.format(html), encoding="utf-8")
    return chromium.FileVisit(browser.new_page(), path)


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium.launched() as browser:
        yield browser


@pytest.fixture(scope="module")
def example() -> openness.Assessment:
    return openness.assess(str(example_path()))


def test_html_repr_renders_verdict_first_offline(
    browser: Any, tmp_path: Path, example: openness.Assessment
) -> None:
    html = example._repr_html_()
    assert html is not None and "<script" not in html
    nb = notebook(browser, tmp_path / "notebook.html", html)
    assert nb.blocked == [] and nb.errors == [] and nb.dialogs == []
    first = nb.page.locator("#out p").first
    assert first.is_visible() and "Commercial use:" in first.inner_text()
    report = nb.page.frame_locator("#out iframe")
    headings = report.locator("h2")
    assert headings.first.inner_text() == "Verdict"
    assert report.get_by_role("heading", name="Five attributes of openness").is_visible()
    assert report.locator("svg.chart rect").count() == 10
    frame = nb.page.locator("#out iframe")
    assert frame.bounding_box()["height"] > 300 and frame.get_attribute("sandbox") == ""
    nb.page.close()


def test_html_repr_of_a_hostile_release_runs_and_fetches_nothing(
    browser: Any, tmp_path: Path
) -> None:
    a = openness.assess(str(hostile_release(tmp_path / "evil")))
    nb = notebook(browser, tmp_path / "notebook.html", a._repr_html_() or "")
    assert nb.blocked == [] and nb.errors == [] and nb.dialogs == []
    assert nb.page.locator("#out iframe").count() == 1  # only the report's own frame
    report = nb.page.frame_locator("#out iframe")
    assert report.get_by_text(PAYLOAD).first.is_visible()
    assert report.locator("script, iframe, img").count() == 0
    nb.page.close()


def test_markdown_repr_opens_with_the_verdict(example: openness.Assessment) -> None:
    text = example._repr_markdown_()
    assert text is not None
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Openness assessment") and headings[1] == "## Verdict"
    assert "| Commercial use |" in text.split("## Release")[0]


def test_an_assessment_read_back_from_json_has_the_views(example: openness.Assessment) -> None:
    back = assessment_from_data(json.loads(json.dumps(to_data(example))))
    assert back._repr_markdown_() == example._repr_markdown_()
    assert back._repr_html_() == example._repr_html_()
