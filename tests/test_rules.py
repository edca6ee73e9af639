"""The rule catalog: every id used in the code is catalogued, documented, and well formed."""

from __future__ import annotations

import re
from pathlib import Path

from openness.rules import RULES, render_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_are_generated_from_the_catalog() -> None:
    assert (ROOT / "docs" / "rules.md").read_text() == render_markdown(), (
        "regenerate with: python -m openness.rules > docs/rules.md"
    )


def test_every_rule_id_in_the_code_is_catalogued() -> None:
    used = set()
    for path in (ROOT / "src" / "openness").rglob("*.py"):
        used |= set(re.findall(r'"(OPN-[A-Z]{3}-\d{3})"', path.read_text()))
    assert used - set(RULES) == set()
    assert all(re.fullmatch(r"OPN-[A-Z]{3}-\d{3}", rule_id) for rule_id in RULES)
