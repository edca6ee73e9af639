"""The dashboard over HTTP (FastAPI's TestClient): pages, filters, pagination, the JSON API,
escaping of hostile strings, security headers, and that nothing writes or fetches elsewhere."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.exports.hostile import PAYLOAD
from tests.observatory.web.store import FRAMEWORKS, HOSTILE_MODEL, RELEASES

ALL_MODELS = sorted([*RELEASES, HOSTILE_MODEL])
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?:[a-z]+:)?//""", re.I)
#: evidence links a reader may follow (never loaded by the page): the file at its revision
EVIDENCE_LINK = re.compile(
    r"""<a href="(?:https://huggingface\.co/|https://github\.com/|file:///)[^"<>]*">"""
)


def listed(client: Any, **params: Any) -> list[str]:
    response = client.get("/api/models", params=params)
    assert response.status_code == 200
    return [item["model"] for item in response.json()["items"]]


def page_models(html: str) -> list[str]:
    import html as html_lib

    return [
        html_lib.unescape(m) for m in re.findall(r'<a class="model" href="[^"]*">([^<]*)</a>', html)
    ]


def test_list_page_shows_the_latest_revision_of_every_model(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert page_models(response.text) == ALL_MODELS
    assert "Models (5)" in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"license_family": "apache"}, ["acme/open-one"]),
        ({"license_family": "cc-by-nc"}, ["bigco/nc-model"]),
        ({"commercial_use": "yes"}, ["acme/open-one", "acme/open-two"]),
        ({"open_license": "open"}, ["acme/open-one", "acme/open-two"]),
        ({"open_weights": "true"}, ["acme/open-one", "acme/open-two"]),
        ({"q": "bigco"}, ["bigco/nc-model", "bigco/no-license"]),
        ({"q": "%"}, []),  # LIKE wildcards are matched literally
        ({"q": "acme", "open_code": "closed"}, []),
        ({"mof_class": "I"}, ["acme/open-one"]),
        ({"mof_class": "II"}, ["acme/open-two"]),
        ({"mof_class": "III"}, []),
        ({"mof_class": "none", "q": "bigco"}, ["bigco/nc-model", "bigco/no-license"]),
        ({"mof_class": "unknown"}, []),  # only acme/open-one's older revision is unrated
        ({"osaid": "pass"}, ["acme/open-one"]),
        ({"osaid": "fail", "license_family": "mit"}, ["acme/open-two"]),
        ({"mof_class": "I", "osaid": "fail"}, []),
    ],
)
def test_filters(client: Any, params: dict[str, str], expected: list[str]) -> None:
    assert listed(client, **params) == expected
    assert page_models(client.get("/", params=params).text) == expected


def test_open_weights_false_is_the_complement(client: Any) -> None:
    assert listed(client, open_weights="false") == [
        m for m in ALL_MODELS if m not in ("acme/open-one", "acme/open-two")
    ]


def test_pagination_walks_every_model_once(client: Any) -> None:
    seen = []
    for page in (1, 2, 3):
        data = client.get("/api/models", params={"per_page": 2, "page": page}).json()
        assert data["total"] == 5 and data["pages"] == 3
        seen += [item["model"] for item in data["items"]]
    assert seen == ALL_MODELS
    html = client.get("/", params={"per_page": 2, "page": 2, "q": "e"}).text
    assert 'rel="prev"' in html
    found = re.search(r'rel="next" href="([^"]*)"', html)
    assert found is not None
    assert set(found.group(1).split("?", 1)[1].split("&amp;")) == {"q=e", "per_page=2", "page=3"}


def test_bad_filter_values_are_rejected_not_crashes(client: Any) -> None:
    for params in (
        {"open_code": "maybe"},
        {"page": 0},
        {"per_page": 10_000},
        {"q": "x" * 300},
        {"mof_class": "IV"},
        {"mof_class": "Class I"},
        {"osaid": "yes"},
    ):
        assert client.get("/api/models", params=params).status_code == 422


def test_the_list_shows_framework_classes_and_the_api_returns_them(client: Any) -> None:
    items = client.get("/api/models").json()["items"]
    rated = {i["model"]: (i["mof_class"], i["osaid"]) for i in items}
    assert rated == {**FRAMEWORKS, HOSTILE_MODEL: rated[HOSTILE_MODEL]}
    html = client.get("/", params={"q": "acme"}).text
    cells = re.findall(r'<td class="mof">([^<]*)</td><td class="osaid">([^<]*)</td>', html)
    assert cells == [("Class I (open science)", "pass"), ("Class II (open tooling)", "fail")]
    chosen = client.get("/", params={"mof_class": "II", "osaid": "fail"}).text
    assert '<option value="II" selected>Class II (open tooling)</option>' in chosen
    assert '<option value="fail" selected>fail</option>' in chosen
    assert page_models(chosen) == ["acme/open-two"]
    history = client.get("/api/model/history", params={"id": "acme/open-one"}).json()
    assert [(h["mof_class"], h["osaid"]) for h in history] == [
        ("I", "pass"),
        ("unknown", "unknown"),
    ]


def test_model_and_compare_pages_show_the_framework_class(client: Any) -> None:
    summary = re.compile(r'<p class="framework-summary">(.*?)</p>', re.S)
    one = summary.search(client.get("/model", params={"id": "acme/open-one"}).text)
    assert one is not None
    assert "MOF class: <strong>Class I (open science)</strong>" in one.group(1)
    assert "OSAID 1.0: <strong>pass</strong>" in one.group(1)
    washed = summary.search(client.get("/model", params={"id": "bigco/nc-model"}).text)
    assert washed is not None
    assert "openwashing: <strong>yes</strong>" in washed.group(1)
    assert "<code>OPN-OWS-001</code>" in washed.group(1)
    old = client.get("/api/model/history", params={"id": "acme/open-one"}).json()[1]["revision"]
    legacy = client.get("/model", params={"id": "acme/open-one", "revision": old}).text
    found = summary.search(legacy)
    assert found is not None and "MOF class: <strong>not rated</strong>" in found.group(1)
    assert "tag heuristic" in found.group(1)
    both = client.get("/compare", params=[("m", "acme/open-one"), ("m", "acme/open-two")]).text
    assert "<tr><th>MOF class</th><td>Class I (open science)</td></tr>" in both
    assert "<tr><th>MOF class</th><td>Class II (open tooling)</td></tr>" in both
    assert both.count("<tr><th>OSAID 1.0</th>") == 2


def test_model_page_has_chart_terms_findings_and_history(client: Any) -> None:
    html = client.get("/model", params={"id": "acme/open-one"}).text
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart"') == 1
    assert len(re.findall(r'<rect class="level-', html)) == 5
    assert 'id="license"' in html and "Apache-2.0" in html
    assert "commercial_use" in html  # the license terms table
    assert "Model Openness Framework" in html and "OSI Open Source AI Definition" in html
    history = html.split('id="history"', 1)[1]
    assert history.count("<tr><td>") == 2  # two stored revisions
    pickle_page = client.get("/model", params={"id": "bigco/no-license"}).text
    assert "Findings (0)" not in pickle_page


def test_an_older_revision_is_reachable_from_history(client: Any) -> None:
    revisions = [
        r["revision"]
        for r in client.get("/api/model/history", params={"id": "acme/open-one"}).json()
    ]
    assert len(revisions) == 2 and revisions[0] != revisions[1]
    old = client.get("/api/model", params={"id": "acme/open-one", "revision": revisions[1]}).json()
    assert old["row"]["revision"] == revisions[1]
    assert "A second revision." not in str(old["document"])
    page = client.get("/model", params={"id": "acme/open-one", "revision": revisions[1]}).text
    assert revisions[1] in page


def test_unknown_model_is_a_404_page_and_a_json_404(client: Any) -> None:
    page = client.get("/model", params={"id": "nobody/none"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no stored assessment for nobody/none" in page.text
    api = client.get("/api/model", params={"id": "nobody/none"})
    assert api.status_code == 404 and api.json()["detail"].startswith("no stored assessment")


def test_compare_two_to_four_models(client: Any) -> None:
    two = client.get("/compare", params=[("m", "acme/open-one"), ("m", "bigco/nc-model")])
    assert two.status_code == 200
    assert two.text.count('class="column"') == 2 and two.text.count('class="chart"') == 2
    # bigco/nc-model's card says open source under a non-commercial license (OPN-OWS-001)
    assert "openwashing" in two.text
    four = client.get("/compare", params=[("m", m) for m in ALL_MODELS[:4]])
    assert four.status_code == 200 and four.text.count('class="column"') == 4
    one = client.get("/compare", params=[("m", "acme/open-one")])
    assert one.status_code == 400 and "text/html" in one.headers["content-type"]
    assert "choose 2 to 4 models" in one.text and 'href="/"' in one.text  # and a way back
    assert client.get("/compare", params=[("m", m) for m in ALL_MODELS]).status_code == 400
    missing = client.get("/compare", params=[("m", "acme/open-one"), ("m", "no/such")])
    assert missing.status_code == 404


def test_ecosystem_page_charts_the_metrics(client: Any) -> None:
    html = client.get("/ecosystem").text
    assert "Ecosystem: 5 releases" in html
    assert html.count('class="chart"') == 7
    assert "1 of them are <strong>openwashing</strong>" in html
    assert "<tr><td><code>OPN-OWS-001</code></td><td>1</td></tr>" in html
    frameworks = html.split('id="frameworks"', 1)[1].split("<h2", 1)[0]
    assert 'aria-label="MOF class reached"' in frameworks and "Class I (open science)" in frameworks
    metrics = client.get("/api/metrics").json()
    assert metrics["releases"] == 5 and metrics["openwashing"] == 1
    assert dict(metrics["mof_classes"]) == {"I": 1, "II": 1, "none": 3}
    assert dict(metrics["osaid"]) == {"pass": 1, "fail": 4}
    assert metrics["openwashing_by_findings"] == 5
    assert metrics["openwashing_rules"] == [["OPN-OWS-001", 1]]


def test_hostile_strings_are_escaped_everywhere(client: Any) -> None:
    pages = [
        client.get("/").text,
        client.get("/model", params={"id": HOSTILE_MODEL}).text,
        client.get("/compare", params=[("m", HOSTILE_MODEL), ("m", "acme/open-one")]).text,
        client.get("/ecosystem").text,
    ]
    for html in pages:
        assert "<script" not in html.lower()
        assert "<iframe" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in pages[1]
    assert PAYLOAD in client.get("/api/model", params={"id": HOSTILE_MODEL}).json()["row"]["model"]


def test_pages_load_nothing_from_elsewhere_and_send_security_headers(client: Any) -> None:
    for url in ("/", "/model?id=acme/open-one", "/ecosystem", "/api/models"):
        response = client.get(url)
        assert not EXTERNAL.search(EVIDENCE_LINK.sub("", response.text)), url
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert "@import" not in css.text and "url(" not in css.text


def test_read_only_nothing_accepts_writes(client: Any) -> None:
    for url in ("/", "/api/models", "/api/model?id=acme/open-one", "/compare"):
        assert client.post(url, data={"x": "1"}).status_code == 405
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN
    assert client.get("/static/../app.py").status_code == 404


def test_empty_form_fields_mean_any(client: Any) -> None:
    blank = {
        "q": "",
        "license_family": "",
        "commercial_use": "",
        "open_weights": "",
        "open_code": "",
    }
    assert page_models(client.get("/", params=blank).text) == ALL_MODELS
    chosen = {**blank, "license_family": "apache"}
    assert page_models(client.get("/", params=chosen).text) == ["acme/open-one"]
    evil = client.get("/model", params={"id": HOSTILE_MODEL, "revision": ""})
    assert evil.status_code == 200


@pytest.mark.parametrize("filters", [{"mof_class": "II"}, {"osaid": "fail"}, {"mof_class": "I"}])
def test_framework_filters_run_on_the_covering_listing_index(
    web_store: tuple[Any, str], filters: dict[str, str]
) -> None:
    import sqlalchemy as sa

    from openness.observatory.tables import assessments
    from openness.observatory.web import queries

    engine = web_store[0]
    where = queries._where(queries.Filters(**filters))
    count = sa.select(sa.func.count()).select_from(assessments).where(*where)
    sql = str(count.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    # one range of the latest-first listing index (migration 0005), no probe per row
    assert plan == ["SEARCH assessments USING COVERING INDEX ix_assessments_latest (latest=?)"]
