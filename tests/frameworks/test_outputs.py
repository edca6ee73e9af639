from __future__ import annotations

import json

import pytest

from openness.errors import OpennessError
from openness.examples import example_path
from openness.formats import RenderOptions, get
from openness.frameworks import parse_framework_names, select_frameworks
from openness.pipeline import assess
from tests.helpers import run_cli


def test_framework_list_is_parsed_and_checked() -> None:
    assert parse_framework_names("osaid, mof") == ("osaid", "mof")
    assert parse_framework_names("all") == ("mof", "osaid", "osai-index", "fmti")
    assert parse_framework_names("none") == ()
    with pytest.raises(OpennessError, match="unknown framework mofo"):
        parse_framework_names("mofo")


def test_selection_keeps_only_the_named_frameworks() -> None:
    a = assess(str(example_path()), hash_files=False)
    assert [f.framework for f in select_frameworks(a, "fmti,mof").frameworks] == ["fmti", "mof"]
    assert select_frameworks(a, None).frameworks == a.frameworks


def test_markdown_and_terminal_have_a_table_per_framework() -> None:
    a = assess(str(example_path()), hash_files=False)
    md = get("markdown")(a, RenderOptions())
    for title in (
        "Model Openness Framework",
        "OSI Open Source AI Definition",
        "European Open Source AI Index",
        "Foundation Model Transparency Index",
    ):
        assert f"## {title}" in md
    assert "| Training code | ◌ claimed |" in md
    text = get("terminal")(a, RenderOptions(width=120))
    assert "Model Openness Framework 1.0: not classified" in text


def test_cli_json_has_the_chosen_frameworks() -> None:
    done = run_cli("assess", "--example", "--framework", "osaid", "--format", "json")
    assert done.returncode == 0, done.stderr
    frameworks = json.loads(done.stdout)["frameworks"]
    assert [f["framework"] for f in frameworks] == ["osaid"]
    assert frameworks[0]["verdict"] == "fail"


def test_cli_unknown_framework_is_a_usage_error() -> None:
    done = run_cli("assess", "--example", "--framework", "nope")
    assert done.returncode == 2
    assert "unknown framework nope" in done.stderr
