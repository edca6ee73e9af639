"""The text rows the scan, health, verify and license reports share line up the same way."""

from __future__ import annotations

from openness.model import Location, Severity
from openness.rules import finding
from openness.text_rows import finding_line, labelled, md_cell


def test_every_severity_starts_the_rule_in_the_same_column() -> None:
    at = Location("model.bin", offset=12)
    lines = [finding_line(finding("OPN-PKL-001", "imports eval", at, severity=s)) for s in Severity]
    assert {line.index("OPN-PKL-001") for line in lines} == {9}
    assert lines[-1] == "critical OPN-PKL-001  model.bin@12  imports eval"
    assert finding_line(finding("OPN-PKL-001", "x", at), "HIGH").startswith("HIGH     OPN")


def test_labels_pad_to_their_column() -> None:
    assert labelled("why", "text", 17) == "  why               text"
    assert labelled("attribution", True, 5, "    ") == "    attribution True"


def test_a_cell_cannot_end_its_row() -> None:
    assert md_cell("a|b\nc") == "a\\|b c"
