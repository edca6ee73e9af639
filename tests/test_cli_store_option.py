"""Every command's `--db` is the one store option: one help text, and the default it names is
the store the commands open."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from openness.cli.main import build_parser
from openness.cli.store_option import DB_HELP, REQUIRED_DB_HELP, store_of


def db_options(
    parser: argparse.ArgumentParser, name: str = "openness"
) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, child in action.choices.items():
                yield from db_options(child, f"{name} {sub}")
        elif "--db" in action.option_strings:
            yield name, action


def test_every_db_option_is_the_shared_one() -> None:
    found = dict(db_options(build_parser([])))
    assert {"openness diff", "openness lineage index", "openness observe run"} <= set(found)
    for name, action in found.items():
        if action.required:
            assert action.help == REQUIRED_DB_HELP, name
        else:
            assert (action.help, action.default) == (DB_HELP, None), name


def test_the_default_store_is_the_one_the_help_names() -> None:
    pytest.importorskip("sqlalchemy")
    from openness.observatory.store import DEFAULT_DB

    assert f"(default: {DEFAULT_DB})" in DB_HELP
    assert store_of(argparse.Namespace(db=None)) == DEFAULT_DB
    assert store_of(argparse.Namespace(db="x.db")) == "x.db"
