"""Open the HTML report in headless Chromium (Debian's, driven by Playwright's library): no
network request is attempted, the content is visible, a hostile card runs nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import openness
from openness.examples import example_path
from openness.formats import RenderOptions, get
from tests import chromium
from tests.exports.hostile import hostile_release

chromium.require()


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium.launched() as browser:
        yield browser


def write_report(a: openness.Assessment, path: Path) -> Path:
    path.write_text(get("html")(a, RenderOptions()), encoding="utf-8")
    return path


def test_example_report_renders_offline(browser: Any, tmp_path: Path) -> None:
    a = openness.assess(str(example_path()))
    page = browser.new_page()
    visit = chromium.FileVisit(page, write_report(a, tmp_path / "report.html"))
    assert visit.blocked == []
    assert page.get_by_role("heading", name="Five attributes of openness").is_visible()
    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    assert page.locator("svg.chart rect").count() == 10
    assert page.get_by_text("Open standards and interoperability").first.is_visible()
    files = page.locator("#files + table tbody tr")
    assert files.count() == len(a.files)
    assert page.locator("#license + table").inner_text().count("Apache-2.0") >= 1
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    page.close()


def test_hostile_card_runs_nothing_and_fetches_nothing(browser: Any, tmp_path: Path) -> None:
    a = openness.assess(str(hostile_release(tmp_path / "evil")))
    page = browser.new_page()
    visit = chromium.FileVisit(page, write_report(a, tmp_path / "evil.html"))
    assert visit.blocked == [] and visit.dialogs == []
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("img, iframe").count() == 0
    assert page.get_by_text("<script>alert('pwned')</script>").first.is_visible()
    page.close()


def test_the_harness_sees_and_blocks_a_request(browser: Any, tmp_path: Path) -> None:
    page_path = tmp_path / "fetching.html"
    page_path.write_text('<p>x</p><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    page = browser.new_page()
    visit = chromium.FileVisit(page, page_path)
    page.wait_for_load_state("load")
    assert visit.blocked == ["http://127.0.0.1:9/pixel.png"]
    page.close()
