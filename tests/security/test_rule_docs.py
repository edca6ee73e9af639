"""Every rule has a CWE and a docs page generated from the catalog."""

from __future__ import annotations

import re
from pathlib import Path

from openness.rules import RULES
from openness.security.rule_docs import pages

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
SECURITY_FAMILIES = ("PKL", "NPY", "KRS", "ONX", "ARC", "TSC", "TFS", "TPL", "SRC", "FMT")


def test_pages_are_generated_from_the_catalog() -> None:
    for name, text in pages().items():
        path = DOCS / name
        assert path.is_file() and path.read_text() == text, (
            f"regenerate with: python -m openness.security.rule_docs docs/rules ({name})"
        )


def test_security_rules_carry_a_cwe() -> None:
    for rule_id, info in RULES.items():
        assert info.cwe == "" or re.fullmatch(r"CWE-\d+", info.cwe), rule_id
        if rule_id.split("-")[1] in SECURITY_FAMILIES:
            assert info.cwe, f"{rule_id} has no CWE"
