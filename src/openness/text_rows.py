"""The plain-text rows several reports share, so they line up the same way everywhere: a
label padded to a column, a finding on one line, a Markdown table cell."""

from __future__ import annotations

from .model import Finding

SEVERITY_WIDTH = 8  # the longest severity name, CRITICAL


def labelled(label: str, value: object, width: int, indent: str = "  ") -> str:
    """`label` left-aligned in a column of `width`, then the value."""
    return f"{indent}{label:<{width}} {value}"


def finding_line(f: Finding, severity: str | None = None) -> str:
    """Severity (lower-case unless given), rule, location and reason on one line."""
    shown = f.severity.name.lower() if severity is None else severity
    return f"{shown:<{SEVERITY_WIDTH}} {f.rule_id}  {f.location}  {f.reason}"


def md_cell(text: str) -> str:
    """Text that cannot end a Markdown table cell or row."""
    return text.replace("|", "\\|").replace("\n", " ")
