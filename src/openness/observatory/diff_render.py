"""A Diff as text: terminal, markdown or JSON. Pure functions."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .diff import Change, Diff

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


def _value(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, dict | list):
        text = json.dumps(v, sort_keys=True, default=str)
        return text if len(text) <= 80 else text[:77] + "..."
    return str(v)


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
        ("other", d.other),
    ):
        if changes:
            lines.append(f"\n{title}:")
            lines += [f"  {c.what}: {_value(c.before)} -> {_value(c.after)}" for c in changes]
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _change_table(changes: tuple[Change, ...]) -> list[str]:
    rows = ["| what | before | after |", "|---|---|---|"]
    rows += [
        f"| {_cell(c.what)} | {_cell(_value(c.before))} | {_cell(_value(c.after))} |"
        for c in changes
    ]
    return rows


def _markdown(d: Diff) -> str:
    out = [f"# Changes: `{_cell(d.before)}` → `{_cell(d.after)}`", ""]
    if d.empty:
        return "\n".join([*out, "No changes.", ""])
    for title, changes in (
        ("License and terms", d.license),
        ("Ratings", d.ratings),
        ("Summary", d.summary),
        ("Other", d.other),
    ):
        if changes:
            out += [f"## {title}", "", *_change_table(changes), ""]
    if d.files:
        out += [
            "## Files",
            "",
            "| file | change | sha256 before | sha256 after |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {_cell(f.path)} | {f.change} | {_short(f.before_sha256)} | "
            f"{_short(f.after_sha256)} |"
            for f in d.files
        ]
        out.append("")
    if d.findings:
        out += ["## Findings", "", "| change | rule | severity | where | reason |"]
        out.append("|---|---|---|---|---|")
        out += [
            f"| {x.change} | {x.rule_id} | {x.severity} | {_cell(x.location)} | {_cell(x.reason)} |"
            for x in d.findings
        ]
        out.append("")
    return "\n".join(out)
