"""Per-framework tables for the terminal and Markdown reports (pure functions)."""

from __future__ import annotations

from typing import Any

from ..model import ComponentResult, FrameworkResult

MARK = {
    "open": "●",
    "pass": "●",
    "met": "●",
    "partial": "◐",
    "restricted": "◐",
    "claimed": "◌",
    "closed": "○",
    "absent": "○",
    "fail": "○",
    "not met": "○",
    "not checkable": "·",
}
STYLE = {"●": "green", "◐": "yellow", "◌": "yellow", "○": "red", "·": "dim"}
MAX_CITES = 3


def status_text(c: ComponentResult) -> str:
    return f"{MARK.get(c.status, '?')} {c.status}"


def citations(c: ComponentResult) -> list[str]:
    cites = [str(e.location) for e in c.evidence if e.location.file]
    unique = list(dict.fromkeys(cites))
    return unique[:MAX_CITES] + ([f"… {len(unique) - MAX_CITES} more"] if len(unique) > 3 else [])


def headline(f: FrameworkResult) -> str:
    progress = "; ".join(f"{p.name}: {p.met}/{p.required}" for p in f.classes)
    return f"{f.title} {f.version}: {f.verdict}" + (f" ({progress})" if progress else "")


def rich_tables(frameworks: tuple[FrameworkResult, ...]) -> list[Any]:
    from rich.table import Table  # imported here so `openness --help` stays fast
    from rich.text import Text

    tables = []
    for f in frameworks:
        table = Table(title=headline(f), title_justify="left", expand=True)
        table.add_column("Component", ratio=3)
        table.add_column("Status", no_wrap=True, min_width=10)
        table.add_column("Why, and where to check", ratio=6)
        for c in f.components:
            why = Text(c.rationale)
            for cite in citations(c):
                why.append(f"\n↳ {cite}", style="dim")
            mark = MARK.get(c.status, "?")
            table.add_row(c.title, Text(status_text(c), style=STYLE.get(mark, "")), why)
        tables.append(table)
    return tables


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_lines(frameworks: tuple[FrameworkResult, ...]) -> list[str]:
    lines: list[str] = []
    for f in frameworks:
        lines += ["", f"## {f.title} {f.version}: {f.verdict}", ""]
        for p in f.classes:
            missing = f" — missing: {', '.join(p.missing)}" if p.missing else ""
            lines.append(
                f"- **{p.name}:** {'reached' if p.reached else 'not reached'}, "
                f"{p.met}/{p.required}{missing}"
            )
        if f.classes:
            lines.append("")
        lines += ["| Component | Status | Why | Evidence |", "|---|---|---|---|"]
        for c in f.components:
            cites = "<br>".join(f"`{_cell(x)}`" for x in citations(c)) or "—"
            lines.append(
                f"| {_cell(c.title)} | {status_text(c)} | {_cell(c.rationale)} | {cites} |"
            )
    return lines
