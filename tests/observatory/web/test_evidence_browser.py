"""Issue 17 in Chromium: on a model page every rating shows its quoted evidence and a link that
resolves (for a local store, the file exists and the cited line holds the quote); the pages do
not scroll sideways at 390 px or 1366 px and log no console error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests import chromium
from tests.observatory.web.server import serve

chromium.require()
pytest.importorskip("uvicorn")

PAGES = (
    "/",
    "/model?id=acme/open-one",
    "/model?id=bigco/nc-model",
    "/compare?m=acme/open-one&m=bigco/nc-model",
    "/ecosystem",
    "/?page=abc",
)


@pytest.fixture(scope="module")
def base_url(web_store: tuple[Any, str]) -> Iterator[str]:
    from openness.observatory.web.app import create_app

    with serve(create_app(web_store[0])) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium.launched() as browser:
        yield browser


def open_page(browser: Any, base_url: str, width: int) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort(),
    )
    return page, errors


def test_every_rating_has_quoted_evidence_with_a_link_that_resolves(
    browser: Any, base_url: str
) -> None:
    page, errors = open_page(browser, base_url, 1366)
    page.goto(base_url + "/model?id=acme/open-one")
    page.wait_for_load_state("load")
    for summary in page.locator("details > summary").all():
        summary.click()  # the folded citations open
    rows = page.locator("#attributes ~ table").first.locator("tbody tr")
    assert rows.count() == 5
    quoted = 0
    for i in range(5):
        row = rows.nth(i)
        cites = row.locator("li.cite")
        assert cites.count() >= 1, row.inner_text()
        for j in range(cites.count()):
            cite = cites.nth(j)
            assert cite.is_visible()
            assert cite.locator(".quote, .note").count() == 1  # what the place holds
            href = cite.locator("a").get_attribute("href")
            assert href and href.startswith("file:///"), cite.inner_html()
            parts = urlsplit(href)
            path = Path(unquote(parts.path))
            assert path.is_file(), href  # the link resolves
            quote = cite.locator(".quote")
            if quote.count() and parts.fragment.startswith("L"):
                text = quote.inner_text().strip("“”")
                line = int(parts.fragment[1:])
                held = path.read_text(encoding="utf-8").splitlines()[line - 1]
                assert text.lower() in held.lower(), (href, text, held)
                quoted += 1
    assert quoted >= 3  # card values, headings and links, each found on its line
    assert errors == []
    page.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_no_sideways_scroll_and_no_console_error(browser: Any, base_url: str, width: int) -> None:
    page, errors = open_page(browser, base_url, width)
    for path in PAGES:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, width, overflow)
    # the model page's title is larger than its headings; compare charts keep readable text
    page.goto(base_url + "/model?id=acme/open-one")
    sizes = page.evaluate(
        "[getComputedStyle(document.querySelector('h1 code')).fontSize,"
        " getComputedStyle(document.querySelector('h2')).fontSize]"
    )
    assert float(sizes[0].rstrip("px")) > float(sizes[1].rstrip("px"))
    page.goto(base_url + "/compare?m=acme/open-one&m=bigco/nc-model")
    label = page.locator("section.column svg.chart text").first.bounding_box()
    assert label["height"] >= 10, label  # was about 6 px
    assert [e for e in errors if "400" not in e] == []
    page.close()
