"""Hostile cards and framework files: findings or clear errors, never tracebacks or hangs."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.frameworks.card_text import MAX_LINE, scan_text
from openness.frameworks.engine import parse_framework
from openness.pipeline import assess
from openness.rubrics.engine import RubricError

from .releases import build


def test_backtracking_bait_lines_are_scanned_without_matches() -> None:
    # "1,1,1,…" once made the data-size pattern quadratic per line
    text = ("1," * (MAX_LINE // 2) + "\n") * 50 + "We open-source the model under MIT.\n"
    facts = list(scan_text("README.md", text))
    assert [(e.fact, e.location.line) for e in facts] == [("claim.open_source", 51)]


def test_binary_card_is_read_without_error(tmp_path: Path) -> None:
    root = build(tmp_path / "r", None)
    (root / "README.md").write_bytes(b"\xff\xfe\x00open weights\x00\n" + bytes(range(256)) * 64)
    a = assess(str(root), hash_files=False)
    assert [f.rule_id for f in a.findings if f.rule_id.startswith("OPN-OWS")] == []
    assert len(a.frameworks) == 4


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "expected a mapping"),
        ({"id": "x", "title": "X", "components": [{"id": "a"}]}, "needs an id and a title"),
        ({"id": "x", "title": "X", "components": [{"id": "a", "title": "A"}]}, "give 'rules'"),
        (
            {
                "id": "x",
                "title": "X",
                "classes": [{"name": "C", "requires": ["zz"]}],
                "components": [{"id": "a", "title": "A", "component": "weights"}],
            },
            "requires unknown",
        ),
        (
            {
                "id": "x",
                "title": "X",
                "components": [{"id": "a", "title": "A", "component": "weights", "license": "x"}],
            },
            "license must be one of",
        ),
        (
            {"id": "x", "title": "X", "components": [{"id": "a", "title": "A", "component": "zz"}]},
            "unknown component 'zz'",
        ),
        (
            {
                "id": "x",
                "title": "X",
                "components": [
                    {
                        "id": "a",
                        "title": "A",
                        "rules": [
                            {
                                "status": "s",
                                "when": {"component": "weights", "is": "gone"},
                                "because": "b",
                            },
                            {"status": "t", "when": {"always": True}, "because": "b"},
                        ],
                    }
                ],
            },
            "unknown state 'gone'",
        ),
    ],
)
def test_malformed_framework_files_fail_at_load(raw: object, message: str) -> None:
    with pytest.raises(RubricError, match=message):
        parse_framework(raw, "test.yaml")
