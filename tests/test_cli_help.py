"""Every command's --help fits 80 columns, however wide the terminal (issue 17: sub-command
descriptions were ~330-character lines)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import pytest

from openness.cli.main import build_parser

COLUMNS = 80


def parsers(parser: argparse.ArgumentParser, name: str = "openness") -> Iterator[tuple[str, Any]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, child in action.choices.items():
                yield from parsers(child, f"{name} {sub}")


@pytest.mark.parametrize("columns", ["200", "60"])
def test_no_help_line_is_wider_than_80_columns(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    found = list(parsers(build_parser([])))
    assert len(found) > 10 and any(" observe " in name for name, _ in found)
    for name, parser in found:
        text = parser.format_help()
        wide = [line for line in text.splitlines() if len(line) > COLUMNS]
        assert not wide, (name, wide)
        assert parser.description is None or parser.description.split()[0] in text, name


def test_descriptions_are_wrapped_not_cut_and_examples_stay_commands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    commands = dict(parsers(build_parser([])))
    check = commands["openness check"]
    text = check.format_help()
    words = " ".join(check.description.split())
    assert words in " ".join(text.split())  # every word of the description, in order
    joined = text.replace(" \\\n      ", " ")  # the example's continuation lines, joined back
    assert "openness check ./my-model --require open_license=open --forbid" in joined
    assert "commercial_use=prohibited --forbid mau_threshold" in joined
