"""Issue 17: every report opens with the verdict, and every cited item shows what it rests on."""

from __future__ import annotations

from pathlib import Path

import openness
import openness.examples
from openness.formats import RenderOptions, get
from openness.formats.evidence import OriginRef, citations, link
from openness.model import Evidence, Location, Origin
from tests.frameworks.releases import build
from tests.helpers import run_cli

QUESTIONS = ("Commercial use", "Safe to load", "Complete", "How open")


def test_minilm_terminal_answers_the_four_questions_in_15_lines(minilm_dir: Path) -> None:
    a = openness.assess(str(minilm_dir))
    text = get("terminal")(a, RenderOptions(width=80))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    head = "\n".join(lines[:15])
    for needle in (*QUESTIONS, "Apache-2.0 allows it", "MOF class", "OSAID", "Legend"):
        assert needle in head, needle
    for r in a.ratings:
        assert r.attribute.label in head
    for mark in ("●", "◐", "◌", "○", "?", "·"):
        assert mark in head  # the legend names every symbol
    # findings before frameworks; the component tables only with --details
    assert text.index("Findings:") < text.index("Frameworks")
    assert "┃ Component" not in text
    assert len(lines) < 150
    detailed = get("terminal")(a, RenderOptions(width=80, details=True))
    assert "┃ Component" in detailed


def test_terminal_quotes_on_their_own_line_never_cut_at_80_columns() -> None:
    done = run_cli("assess", "--example")
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    cites = [line for line in lines if "↳ README.md" in line]
    assert cites and not [line for line in cites if "…" in line]
    at = next(i for i, line in enumerate(lines) if "↳ README.md:19" in line)
    assert "“https://github.com/openness-project/open" in lines[at + 1]  # a cell folds it
    assert "Incomplete" not in done.stdout  # the example is complete, and says so at the top
    assert "Complete        ● yes" in done.stdout


def test_markdown_and_html_open_with_the_verdict(tmp_path: Path) -> None:
    a = openness.assess(str(openness.examples.example_path()))
    md = get("markdown")(a, RenderOptions())
    assert md.index("## Verdict") < md.index("## Five attributes")
    assert md.index("## Findings") < md.index("## Model Openness Framework")
    assert "| Commercial use | ● yes |" in md and "Legend:" in md
    html = get("html")(a, RenderOptions())
    order = [html.index(f'id="{x}"') for x in ("verdict", "attributes", "findings", "frameworks")]
    assert order == sorted(order)


def test_html_has_every_framework_and_all_evidence() -> None:
    a = openness.assess(str(openness.examples.example_path()))
    html = get("html")(a, RenderOptions())
    for f in a.frameworks:
        assert f'id="fw-{f.framework}"' in html
        for c in f.components:
            assert c.title.replace("'", "&#x27;") in html
    for r in a.ratings:
        for c in citations(r.evidence, a.origin):
            assert f"<code>{c.where}</code>" in html
    standards = next(r for r in a.ratings if r.attribute.value == "open_standards")
    assert len(citations(standards.evidence, a.origin)) > 3  # was cut at "+5 more"
    assert "<details><summary>" in html and "+5 more" not in html
    readme = (openness.examples.example_path() / "README.md").resolve()
    assert f'<a href="file://{readme}#L19"><code>README.md:19</code></a>' in html


def test_citations_are_merged_per_place_and_quote_what_stands_there() -> None:
    origin = Origin("folder", "x", "/r")
    ev = [
        Evidence("card.license", "apache-2.0", Location("README.md", 3, key="license")),
        Evidence("license.category", "open-source", Location("README.md", 3, key="license")),
        Evidence("card.license", "apache-2.0", Location("README.md", 3, key="license")),
        Evidence("weights.tensors", 4, Location("w.safetensors", offset=8), note="header"),
    ]
    cites = citations(ev, origin)
    assert [c.where for c in cites] == ["README.md:3#license", "w.safetensors@8"]
    assert cites[0].quote == "apache-2.0" and "license.category = open-source" in cites[0].detail
    assert cites[1].quote == "" and "at byte 8" in cites[1].detail
    assert cites[0].url == "file:///r/README.md#L3"


def test_links_point_at_the_pinned_revision() -> None:
    rev = "0123456789abcdef0123456789abcdef01234567"
    hub = OriginRef("hub", "hf:org/name", "hf:org/name", rev)
    assert link(hub, "README.md", 97) == f"https://huggingface.co/org/name/blob/{rev}/README.md#L97"
    gh = OriginRef("git", f"gh:owner/repo@{rev[:7]}", "/cache/owner+repo.git", rev)
    assert link(gh, "src/a b.py", 3) == f"https://github.com/owner/repo/blob/{rev}/src/a%20b.py#L3"
    assert link(gh, "../etc/passwd", 1) is None
    assert link(OriginRef("hub", "x", "hf:../evil", rev), "README.md", 1) is None
    assert link(OriginRef("archive", "a.zip", "/a.zip", None), "README.md", 1) is None


def test_openwashing_quotes_the_claim_and_the_evidence_against_it(tmp_path: Path) -> None:
    # non-commercial weights: evidence against "fully open" (an unread component is not)
    root = build(tmp_path / "r", "III", claim="A fully open release.", license="cc-by-nc-4.0")
    a = openness.assess(str(root), hash_files=False)
    (washed,) = [f for f in a.findings if f.rule_id == "OPN-OWS-002"]
    missing = washed.trigger.split("against it: ")[1].split(", ")
    assert len(missing) == len(set(missing))  # each component named once
    html = get("html")(a, RenderOptions())
    assert '<div class="claim">card says “fully open”</div>' in html
    assert "but the evidence says: MOF Class I not reached" in html
    text = get("terminal")(a, RenderOptions(width=80))
    assert "MOF Class I not reached" in text


def test_a_code_license_alone_does_not_answer_commercial_use_of_the_model(tmp_path: Path) -> None:
    """A folder of code and documents (FastChat, linked as Vicuna's repository) with an
    Apache-2.0 LICENSE: the license is the code's, the model's weights may be under other terms
    (Vicuna's follow Llama's), so the verdict does not say "yes"."""
    place = tmp_path / "acme+chatkit"
    place.mkdir()
    (place / "README.md").write_text("# ChatKit\n\nServe and evaluate chat models.\n")
    apache = Path(openness.examples.example_path()) / "LICENSE"
    (place / "LICENSE").write_text(apache.read_text(encoding="utf-8"))
    md = get("markdown")(openness.assess(str(tmp_path), hash_files=False), RenderOptions())
    row = next(line for line in md.splitlines() if line.startswith("| Commercial use |"))
    assert "| ? unknown |" in row and "no license read covers the weights" in row, row
