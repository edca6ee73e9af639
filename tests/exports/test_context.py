"""One view model (issue 13): every renderer reads formats.context, so a field changed in the
context shows in every output; and the model's name (issue 17) comes from the card, the Hub id,
then the folder, with where it was read."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

import openness
from openness import formats
from openness.formats import context
from openness.formats.interface import RenderOptions
from openness.formats.naming import ModelName, model_name, title_name
from openness.model import Origin

NAME = "zz-renamed-in-the-view"
WHY = "a rationale only the view holds"
#: every format whose output names the model (SARIF names no model: it reports rule results)
NAMING_FORMATS = ("terminal", "markdown", "html", "cyclonedx", "spdx3", "mof-yaml")


@pytest.fixture
def changed_view(example: openness.Assessment, monkeypatch: pytest.MonkeyPatch) -> None:
    build = context.build

    def changed(a: openness.Assessment) -> context.ReportContext:
        v = build(a)
        first = replace(v.ratings[0], rationale=WHY)
        return replace(
            v,
            name=ModelName(NAME, "test"),
            ratings=(first, *v.ratings[1:]),
            release=replace(v.release, name=NAME),
        )

    monkeypatch.setattr(context, "build", changed)


@pytest.mark.usefixtures("changed_view")
@pytest.mark.parametrize("fmt", NAMING_FORMATS)
def test_every_renderer_shows_what_the_view_says(example: openness.Assessment, fmt: str) -> None:
    text = formats.get(fmt)(example, RenderOptions(width=200))
    assert NAME in text
    assert "tiny-gpt" not in text.replace("tiny-gpt (openness example)", "")
    if fmt in ("terminal", "markdown", "html"):
        assert WHY in text


@pytest.mark.usefixtures("changed_view")
def test_the_dashboard_model_page_shows_what_the_view_says(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("jinja2")
    from openness.observatory.web import pages
    from openness.observatory.web.links import ServerLinks
    from tests.observatory.web.store import build_store

    engine, _ = build_store(tmp_path)
    html = pages.model_page(engine, ServerLinks(), "acme/open-one")
    assert f"<code>{NAME}</code>" in html and WHY in html


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("all-MiniLM-L6-v2", "all-MiniLM-L6-v2"),
        ("tiny-gpt (openness example)", "tiny-gpt"),
        ("Model Card for Llama-3-8B", "Llama-3-8B"),
        ("Stable Diffusion v1 Model Card", "Stable Diffusion v1"),
        ("CodeGeeX4: Open Multilingual Code Generation Model", "CodeGeeX4"),
        ("Mistral", "Mistral"),
        ("Model Details", None),
        ("Key Features", None),
        ("Introduction", None),
        ("目录", None),
        ("An uncommonly long first heading that is a sentence about the model", None),
    ],
)
def test_a_heading_names_the_model_only_when_it_looks_like_a_name(
    heading: str, name: str | None
) -> None:
    assert title_name(heading) == name


def test_the_name_comes_from_front_matter_then_title_then_hub_then_folder(
    make_release: Any,
) -> None:
    root = make_release("license: mit\nmodel_name: acme-7b", "# something-else-v2\n", "folder-x")
    a = openness.assess(str(root))
    named = model_name(a)
    assert (named.value, named.source) == ("acme-7b", "card front matter")
    assert named.evidence is not None and named.evidence.location.line == 3

    titled = replace(a, evidence=tuple(e for e in a.evidence if e.fact != "card.model_name"))
    assert model_name(titled).value == "something-else-v2"
    assert model_name(titled).evidence.location.line == 6  # type: ignore[union-attr]

    bare = replace(titled, evidence=tuple(e for e in a.evidence if not e.fact.startswith("card.")))
    assert model_name(bare) == ModelName("folder-x", "folder name")
    hub = replace(bare, origin=Origin("hub", "hf:acme/acme-7b", "hf:acme/acme-7b", "abc123"))
    assert model_name(hub) == ModelName("acme/acme-7b", "Hub id")


def test_exports_are_named_after_the_card_and_say_where(make_release: Any) -> None:
    root = make_release("license: mit", "# Acme-7B-Instruct\n\nA model.\n", "model")
    a = openness.assess(str(root))
    cdx = json.loads(formats.get("cyclonedx")(a, RenderOptions()))
    assert cdx["metadata"]["component"]["name"] == "Acme-7B-Instruct"
    assert yaml.safe_load(formats.get("mof-yaml")(a, RenderOptions()))["release"]["name"] == (
        "Acme-7B-Instruct"
    )
    html = formats.get("html")(a, RenderOptions())
    assert "<code>Acme-7B-Instruct</code>" in html and "card title" in html
    assert "README.md:5" in html  # the heading's line, cited
    md = formats.get("markdown")(a, RenderOptions())
    assert md.startswith("# Openness assessment: `Acme-7B-Instruct`")


def test_a_hostile_name_is_escaped_or_not_taken(make_release: Any) -> None:
    # YAML's \e is ESC: a terminal would obey what follows (here: clear the screen)
    root = make_release('license: mit\nmodel_name: "acme\\e[2J"', "# <b>x</b>-v1\n", "plain")
    a = openness.assess(str(root))
    assert any(e.fact == "card.model_name" and "\x1b" in str(e.value) for e in a.evidence)
    assert model_name(a).value == "x-v1"  # not the front matter's; the title, markup removed
    assert "\x1b" not in formats.get("terminal")(a, RenderOptions())
    script = "<script>alert(1)</script>"
    scripted = make_release(f'license: mit\nmodel_name: "{script}"', "", "scripted")
    html = formats.get("html")(openness.assess(str(scripted)), RenderOptions())
    assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    long = make_release("license: mit\nmodel_name: " + "x" * 500, "", "fallback")
    assert model_name(openness.assess(str(long))) == ModelName("fallback", "folder name")


def test_a_long_file_list_folds_in_the_html_report(make_release: Any) -> None:
    root = make_release("license: mit", "", "many")
    for i in range(30):
        (root / f"notes-{i}.txt").write_text(f"note {i}\n")
    html = formats.get("html")(openness.assess(str(root)), RenderOptions())
    files = html.split('id="files"', 1)[1]
    assert "<details><summary>all 33 files</summary>" in files
    assert files.count("<code>notes-") == 30  # folded, not cut
