"""Issue 17's rough edges of the dashboard, one test each (each failed before its fix)."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.mark.parametrize(
    "query",
    ["page=-1", "page=abc", "open_code=sometimes", "mof_class=IV", "per_page=0"],
)
def test_a_bad_query_is_an_html_page_with_the_reason_and_a_way_back(
    client: Any, query: str
) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    name = query.split("=")[0]
    assert name in response.text and 'href="/"' in response.text
    api = client.get(f"/api/models?{query}")
    assert api.status_code == 422 and api.json()["detail"]  # the API keeps its JSON errors


def test_a_page_past_the_end_says_so(client: Any) -> None:
    response = client.get("/?page=999")
    assert response.status_code == 404
    assert "there is no page 999" in response.text and "No model matches" not in response.text


def test_head_works(client: Any) -> None:
    for url in ("/", "/ecosystem", "/model?id=acme/open-one", "/api/health"):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""


def test_csp_only_in_headers_and_a_favicon(client: Any) -> None:
    html = client.get("/").text
    assert "Content-Security-Policy" not in html  # frame-ancestors in a <meta> logs an error
    assert "frame-ancestors 'none'" in client.get("/").headers["content-security-policy"]
    assert 'rel="icon"' in html
    assert client.get("/static/favicon.svg").status_code == 200
    assert client.get("/favicon.ico").status_code == 200


def test_times_to_the_minute_and_counts_with_separators(client: Any) -> None:
    html = client.get("/model", params={"id": "acme/open-one"}).text
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", html)  # no microseconds
    assert re.search(r"assessed \d{4}-\d\d-\d\d \d\d:\d\d UTC", html)
    params = re.search(r"([\d,]+) parameters", html)
    assert params and ("," in params.group(1) or len(params.group(1)) <= 3)


def test_no_class_is_not_drawn_in_the_colour_of_a_class(client: Any) -> None:
    html = client.get("/ecosystem").text
    chart = html.split('aria-label="MOF class reached"', 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<text[^>]*>([^<]+)</text><rect[^>]*fill="(#[0-9a-f]{6})"', chart)
    colours = dict(bars)
    assert colours["no class"] != colours["Class I (open science)"], bars


def test_model_page_shows_every_citation_with_what_it_rests_on(client: Any) -> None:
    html = client.get("/model", params={"id": "acme/open-one"}).text
    attributes = html.split('id="attributes"', 1)[1].split('id="frameworks"', 1)[0]
    assert '<span class="quote">“' in attributes
    assert 'href="file:///' in attributes
    # one citation per place: no place listed twice in a rating's cell
    for cell in re.findall(r'<td class="evidence">(.*?)</td>', attributes, re.S):
        places = re.findall(r"<code>([^<]+)</code>", cell)
        assert len(places) == len(set(places)), places
    assert 'id="verdict"' in html and "Commercial use" in html


def test_openwashing_finding_quotes_the_claim_and_the_evidence(client: Any) -> None:
    html = client.get("/model", params={"id": "bigco/nc-model"}).text
    assert '<div class="claim">card says' in html
    assert "but the evidence says: license" in html
