"""The HTML report: self-contained, escaped, stable."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

import openness
from openness.formats import RenderOptions, get
from tests.exports.golden import check_golden
from tests.exports.hostile import hostile_release

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "ul", "li", "table",
    "thead", "tbody", "tr", "th", "td", "code", "b", "span", "br", "svg", "g", "rect", "text",
    "h3", "a", "details", "summary", "div",
}  # fmt: skip
FETCHING_ATTRIBUTES = {"src", "srcset", "action", "formaction", "poster", "data"}
#: links a reader may follow: the file at its revision on the Hub or GitHub, or the local file
LINK_SCHEMES = ("https://huggingface.co/", "https://github.com/", "file:///")


class Tags(HTMLParser):
    """Every element and attribute a browser would see."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs if name != "href" or tag != "a")
        self.hrefs.extend(str(v) for name, v in attrs if name == "href")
        self.attributes.update("href" for name, _ in attrs if name == "href" and tag != "a")


def assert_inert(text: str) -> None:
    tags = Tags(text)
    assert tags.tags <= ALLOWED_TAGS, tags.tags - ALLOWED_TAGS
    assert not tags.attributes & (FETCHING_ATTRIBUTES | {"href"})
    assert all(h.startswith(LINK_SCHEMES) for h in tags.hrefs), tags.hrefs
    assert not {a for a in tags.attributes if a.startswith("on")}
    assert "url(" not in text and "@import" not in text


def pinned(a: openness.Assessment) -> openness.Assessment:
    """The example as if it lay at /release/tiny-release, so the golden file holds no local path."""
    here = a.origin.target
    places = tuple(
        replace(
            p,
            name=p.name.replace(here, "tiny-release"),
            target=p.target.replace(here, "tiny-release"),
        )
        for p in a.places
    )
    origin = replace(a.origin, target="tiny-release", path="/release/tiny-release")
    return replace(a, origin=origin, places=places)


def test_example_matches_golden_and_is_self_contained(example: openness.Assessment) -> None:
    text = get("html")(pinned(example), RenderOptions())
    check_golden("example.html", text)
    assert text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert_inert(text)
    assert text.count("<svg") == 1 and text.count("<rect") == 10
    for entry in example.files:
        assert f"<code>{entry.path}</code>" in text and str(entry.sha256) in text
    assert "Apache-2.0" in text and "README.md:2#license" in text
    assert example.licenses, "the example's license is detected"
    terms = text[text.index("Licenses and use policies found") :]
    assert "<th>Commercial use</th>" in terms and "<td>allowed</td>" in terms


def test_hostile_release_cannot_inject_markup(tmp_path: Path) -> None:
    a = openness.assess(str(hostile_release(tmp_path / "evil")))
    text = get("html")(a, RenderOptions())
    assert_inert(text)
    assert "<b>bold" not in text
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in text  # the license
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in text  # the file name
    assert any(f.rule_id == "OPN-CFG-002" for f in a.findings)  # the broken config is listed
    assert "OPN-CFG-002" in text


def test_findings_and_incomplete_are_listed(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{bad")
    a = openness.assess(str(tmp_path))
    text = get("html")(a, RenderOptions())
    assert a.findings
    for f in a.findings:
        assert f.rule_id in text and str(f.location) in text
    assert ('id="incomplete"' in text) == bool(a.incomplete)


def test_the_inertness_check_catches_injected_markup() -> None:
    for injected in (
        "<script>alert(1)</script>",
        "<img src=x>",
        '<b onclick="x()">b</b>',
        '<a href="javascript:alert(1)">x</a>',
        '<link href="https://github.com/x.css">',
    ):
        with pytest.raises(AssertionError):
            assert_inert(f"<p>{injected}</p>")
