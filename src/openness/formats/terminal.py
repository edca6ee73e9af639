"""The terminal report: rich tables, readable at 80 columns."""

from __future__ import annotations

from io import StringIO

from ..model import Assessment
from . import view
from .interface import DEFAULT_OPTIONS, RenderOptions

MAX_FILES = 25


FORMAT_NAME = "terminal"


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    from rich.console import Console  # imported here so `openness --help` stays fast
    from rich.table import Table
    from rich.text import Text

    out = StringIO()
    console = Console(
        file=out,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        soft_wrap=False,
    )
    s = a.summary
    console.print(Text(f"openness {a.tool_version} · {a.origin.target}", style="bold"))
    console.print(
        f"Release   {a.origin.kind}, {len(a.files)} files, "
        f"{view.human_bytes(sum(f.size for f in a.files))}"
    )
    console.print(
        f"Model     {s.architecture or 'architecture unknown'}, "
        f"{view.human_count(s.parameters)} parameters, "
        f"formats: {', '.join(s.formats) or 'none'}"
    )
    console.print(f"Memory    {view.memory_line(a)}")
    console.print(f"License   {view.license_line(a)}  [dim]{view.where(a)}[/dim]")
    console.print()

    ratings = Table(
        title="Five attributes of openness", title_justify="left", expand=True, show_lines=False
    )
    ratings.add_column("Attribute", ratio=3)
    ratings.add_column("Level", min_width=9, no_wrap=True)
    ratings.add_column("Why, and where to check", ratio=7)
    for r in a.ratings:
        why = Text(r.rationale)
        for c in view.citations(r):
            why.append(f"\n↳ {c}", style="dim")
        ratings.add_row(
            r.attribute.label,
            Text(f"{view.LEVEL_MARK[r.level]} {r.level.value}", style=view.LEVEL_STYLE[r.level]),
            why,
        )
    console.print(ratings)
    from ..frameworks.report import rich_tables

    for table in rich_tables(a.frameworks):
        console.print(table)

    console.print(Text(f"Findings: {view.severity_counts(a)}", style="bold"))
    if a.findings:
        findings = Table(expand=True, show_header=True)
        findings.add_column("Severity", no_wrap=True, min_width=8)
        findings.add_column("Rule", no_wrap=True, min_width=11)
        findings.add_column("Where and why", ratio=1, overflow="fold")
        for f in a.findings:
            detail = Text(str(f.location), style="dim")
            detail.append(f"\n{f.reason}" + (f" ({f.trigger})" if f.trigger else ""), style="")
            findings.add_row(
                Text(f.severity.name.lower(), style=view.SEVERITY_STYLE[f.severity]),
                f.rule_id,
                detail,
            )
        console.print(findings)

    files = Table(title=f"Files ({len(a.files)})", title_justify="left", expand=True)
    files.add_column("Path", ratio=1, overflow="fold")
    files.add_column("Size", justify="right", no_wrap=True, min_width=8)
    files.add_column("Format", no_wrap=True, min_width=11)
    files.add_column("SHA-256", no_wrap=True, min_width=13)
    for entry in a.files[:MAX_FILES]:
        files.add_row(
            entry.path,
            view.human_bytes(entry.size),
            entry.format,
            (entry.sha256[:12] + "…") if entry.sha256 else "-",
        )
    if len(a.files) > MAX_FILES:
        files.add_row(f"… {len(a.files) - MAX_FILES} more (see --format json)", "", "", "")
    console.print(files)
    if a.incomplete:
        console.print(
            Text(
                "Incomplete: some content could not be read, so this is not a clean bill:",
                style="bold yellow",
            )
        )
        for reason in a.incomplete:
            console.print(f"  - {reason}")
    return out.getvalue()
