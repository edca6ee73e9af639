"""The dashboard in headless Chromium (Debian's, driven by Playwright's library) against a
uvicorn server on 127.0.0.1: list, filter, open a model, compare, ecosystem. Any request that
leaves the server is blocked and recorded; screenshots go to tests/.artifacts/observatory/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import chromium
from tests.exports.hostile import PAYLOAD
from tests.observatory.web.server import serve
from tests.observatory.web.store import HOSTILE_MODEL

ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "observatory"

chromium.require()
pytest.importorskip("uvicorn")


@pytest.fixture(scope="module")
def base_url(web_store: tuple[Any, str]) -> Iterator[str]:
    from openness.observatory.web.app import create_app

    with serve(create_app(web_store[0])) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium.launched() as browser:
        yield browser


class Session:
    """A page that may only talk to the server: everything else is aborted and recorded."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base_url + "/"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")
        return response

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        return path

    def close(self) -> None:
        assert self.blocked == [] and self.dialogs == [] and self.errors == []
        self.page.close()


@pytest.fixture()
def session(browser: Any, base_url: str) -> Iterator[Session]:
    s = Session(browser, base_url)
    yield s
    s.close()


def model_links(page: Any) -> list[str]:
    texts: list[str] = page.locator("a.model").all_inner_texts()
    return texts


def test_list_filter_open_compare(session: Session) -> None:
    page = session.page
    assert session.goto("/").status == 200
    assert page.get_by_role("heading", name="Models (5)").is_visible()
    assert len(model_links(page)) == 5
    assert page.get_by_text(HOSTILE_MODEL).is_visible()  # shown as text, not run
    session.shot("list")

    page.select_option("select[name=license_family]", "apache")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    assert model_links(page) == ["acme/open-one"]
    assert "license_family=apache" in page.url
    session.shot("list-filtered")

    page.get_by_role("link", name="acme/open-one").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Five attributes of openness").is_visible()
    summary = page.locator("p.framework-summary")
    assert "MOF class: Class I (open science)" in summary.inner_text()
    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    assert page.locator("svg.chart rect[class^=level-]").count() == 5
    assert page.locator("#history + table tbody tr").count() == 2
    assert page.get_by_role("heading", name="License", exact=True).is_visible()
    session.shot("model")

    session.goto("/")
    page.check("input[aria-label='compare acme/open-one']")
    page.check("input[aria-label='compare bigco/nc-model']")
    page.get_by_role("button", name="Compare selected (2 to 4)").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Compare 2 models").is_visible()
    assert page.locator("section.column svg.chart").count() == 2
    session.shot("compare")


def test_filter_by_framework_class(session: Session) -> None:
    page = session.page
    session.goto("/")
    page.select_option("select[name=mof_class]", label="Class II (open tooling)")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    assert model_links(page) == ["acme/open-two"]
    assert "mof_class=II" in page.url
    assert page.locator("td.mof").all_inner_texts() == ["Class II (open tooling)"]
    assert page.locator("select[name=mof_class]").input_value() == "II"  # the form keeps it
    session.shot("list-mof-class")

    page.select_option("select[name=mof_class]", "")
    page.select_option("select[name=osaid]", "pass")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    assert model_links(page) == ["acme/open-one"]
    assert "mof_class=&" in page.url and "osaid=pass" in page.url  # an empty field means any


def test_pagination(session: Session) -> None:
    page = session.page
    session.goto("/?per_page=2")
    first = model_links(page)
    page.get_by_role("link", name="next →").click()
    page.wait_for_load_state("load")
    second = model_links(page)
    assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)
    assert page.get_by_text("page 2 of 3").is_visible()


def test_ecosystem_page(session: Session) -> None:
    page = session.page
    session.goto("/")
    page.get_by_role("link", name="Ecosystem").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Ecosystem: 5 releases").is_visible()
    charts = page.locator("svg.chart")
    assert charts.count() == 7
    assert all(charts.nth(i).bounding_box()["height"] > 20 for i in range(7))
    assert page.get_by_role("heading", name="Framework classes").is_visible()
    mof = page.locator("svg.chart[aria-label='MOF class reached']")
    assert mof.locator("rect").count() == 3  # Class I, Class II, no class
    session.shot("ecosystem")


def test_hostile_model_page_runs_nothing(session: Session) -> None:
    page = session.page
    session.goto("/")
    page.get_by_role("link", name=HOSTILE_MODEL).click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("img, iframe").count() == 0
    assert page.get_by_text(PAYLOAD).first.is_visible()
    session.shot("hostile")


def test_the_harness_blocks_and_records_an_outside_request(browser: Any, base_url: str) -> None:
    s = Session(browser, base_url)
    s.page.set_content('<p>x</p><img src="http://127.0.0.2:9/x.png">')
    s.page.wait_for_load_state("load")
    assert s.blocked == ["http://127.0.0.2:9/x.png"]
    s.page.close()


def test_published_site_works_from_a_plain_web_server(
    browser: Any, web_store: tuple[Any, str], tmp_path: Path
) -> None:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from openness.cli.main import main

    site = tmp_path / "site"
    assert main(["observe", "publish", "--db", web_store[1], "--out", str(site)]) == 0
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        s = Session(browser, f"http://127.0.0.1:{httpd.server_address[1]}")
        try:
            s.goto("/index.html")
            assert len(model_links(s.page)) == 5
            # the vendored stylesheet applied (CSP allows 'self'): the header bar is dark
            colour = s.page.evaluate(
                "getComputedStyle(document.querySelector('header')).backgroundColor"
            )
            assert colour == "rgb(36, 41, 47)"
            s.page.get_by_role("link", name="acme/open-one").click()
            s.page.wait_for_load_state("load")
            assert s.page.locator("svg.chart rect[class^=level-]").count() == 5
            s.page.get_by_role("link", name="Ecosystem").click()
            s.page.wait_for_load_state("load")
            assert s.page.locator("svg.chart").count() == 7
            s.shot("published-ecosystem")
            s.close()
        finally:
            httpd.shutdown()
