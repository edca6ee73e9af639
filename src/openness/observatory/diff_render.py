"""A Diff as text: terminal, markdown or JSON. Pure functions."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..text_rows import md_cell
from .diff import Change, Diff, FrameworkChange

DIFF_FORMATS = ("terminal", "markdown", "json")


def render(d: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_data(d), indent=2, default=str) + "\n"
    if fmt == "markdown":
        return _markdown(d)
    return _terminal(d)


def _data(d: Diff) -> dict[str, Any]:
    data = dataclasses.asdict(d)
    data["empty"] = d.empty
    return data


#: a structured value longer than this is not printed (it would be cut): JSON has it whole
MAX_VALUE = 60


def _value(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, dict | list):
        text = json.dumps(v, sort_keys=True, default=str)
        if len(text) <= MAX_VALUE:
            return text
        return f"{len(v)} {'fields' if isinstance(v, dict) else 'items'}"
    return str(v)


def _other(d: Diff) -> tuple[Change, ...]:
    """Keys this tool does not compare field by field; frameworks have their own section."""
    return tuple(c for c in d.other if not (c.what == "frameworks" and d.frameworks))


def _by_framework(changes: tuple[FrameworkChange, ...]) -> dict[str, list[FrameworkChange]]:
    out: dict[str, list[FrameworkChange]] = {}
    for c in changes:
        out.setdefault(c.framework, []).append(c)
    return out


def _short(sha: str | None) -> str:
    return sha[:12] if sha else "-"


def _terminal(d: Diff) -> str:
    lines = [f"--- {d.before}", f"+++ {d.after}"]
    if d.empty:
        return "\n".join([*lines, "no changes"]) + "\n"
    for title, changes in (
        ("license", d.license),
        ("ratings", d.ratings),
        ("summary", d.summary),
        ("other", _other(d)),
    ):
        if changes:
            lines.append(f"\n{title}:")
            lines += [f"  {c.what}: {_value(c.before)} -> {_value(c.after)}" for c in changes]
    if d.frameworks:
        lines.append("\nframeworks:")
        for name, moved in _by_framework(d.frameworks).items():
            lines.append(f"  {name}")
            lines += [f"    {c.what}: {c.before or '-'} -> {c.after or '-'}" for c in moved]
    if d.files:
        lines.append("\nfiles:")
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for f in d.files:
            hashes = f"{_short(f.before_sha256)} -> {_short(f.after_sha256)}"
            lines.append(f"  {marks[f.change]} {f.path}  {hashes}")
    if d.findings:
        lines.append("\nfindings:")
        for x in d.findings:
            mark = "+" if x.change == "added" else "-"
            lines.append(f"  {mark} {x.rule_id} {x.severity} {x.location}: {x.reason}")
    return "\n".join(lines) + "\n"


def _change_table(changes: tuple[Change, ...]) -> list[str]:
    rows = ["| what | before | after |", "|---|---|---|"]
    rows += [
        f"| {md_cell(c.what)} | {md_cell(_value(c.before))} | {md_cell(_value(c.after))} |"
        for c in changes
    ]
    return rows


def _markdown(d: Diff) -> str:
    out = [f"# Changes: `{md_cell(d.before)}` → `{md_cell(d.after)}`", ""]
    if d.empty:
        return "\n".join([*out, "No changes.", ""])
    for title, changes in (
        ("License and terms", d.license),
        ("Ratings", d.ratings),
        ("Summary", d.summary),
        ("Other", _other(d)),
    ):
        if changes:
            out += [f"## {title}", "", *_change_table(changes), ""]
    if d.frameworks:
        out += ["## Frameworks", "", "| framework | what | before | after |", "|---|---|---|---|"]
        out += [
            f"| {md_cell(c.framework)} | {md_cell(c.what)} | {md_cell(c.before or '-')} | "
            f"{md_cell(c.after or '-')} |"
            for c in d.frameworks
        ]
        out.append("")
    if d.files:
        out += [
            "## Files",
            "",
            "| file | change | sha256 before | sha256 after |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {md_cell(f.path)} | {f.change} | {_short(f.before_sha256)} | "
            f"{_short(f.after_sha256)} |"
            for f in d.files
        ]
        out.append("")
    if d.findings:
        out += ["## Findings", "", "| change | rule | severity | where | reason |"]
        out.append("|---|---|---|---|---|")
        out += [
            f"| {x.change} | {x.rule_id} | {x.severity} | {md_cell(x.location)} "
            f"| {md_cell(x.reason)} |"
            for x in d.findings
        ]
        out.append("")
    return "\n".join(out)
