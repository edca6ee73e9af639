"""The terminal report: the verdict first, then the evidence; readable at 80 columns.

Order: the four answers (commercial use, how open, safe to load, complete) and a legend in the
first lines; then the five attributes with their evidence, the findings, one line per framework
(every component with --details), the files and what could not be read.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from ..model import Assessment
from . import evidence, places, verdict, view
from . import release_facts as rf
from .interface import DEFAULT_OPTIONS, RenderOptions

MAX_FILES = 25
#: citations shown per rating in the terminal; HTML, Markdown and the dashboard show them all
MAX_CITES = 3
LABEL = 16
MARK = 13

FORMAT_NAME = "terminal"


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    from rich.console import Console  # imported here so `openness --help` stays fast
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
    _line(
        console,
        f"{rf.model_name(a)}: {s.architecture or 'architecture unknown'}, "
        f"{view.human_count(s.parameters)} parameters, {', '.join(s.formats) or 'no weights'}; "
        f"{len(a.files)} files, {view.human_bytes(sum(f.size for f in a.files))}",
    )
    for answer in verdict.answers(a):
        _answer(console, answer.question, answer)
    for i, answer in enumerate(verdict.openness_lines(a)):
        text = f"{answer.question}: {answer.text}"
        line = verdict.Answer("", answer.mark, answer.short, text)
        _answer(console, "How open" if i == 0 else "", line)
    console.print(Text("Legend  " + verdict.legend_text(), style="dim"))
    console.print()

    console.print(f"Memory    {view.memory_line(a)}")
    console.print(f"License   {view.license_line(a)}")
    if view.where(a):
        console.print(Text(f"          ↳ {view.where(a)}", style="dim"))
    console.print()
    console.print(_ratings(a))
    _findings(console, a)
    _frameworks(console, a, options.details)
    if a.places:
        console.print(Text(places.TITLE + " (every rating reads all of them)", style="bold"))
        for place_line in places.place_lines(a):
            console.print(f"  {place_line}", markup=False)
        console.print()
    _files(console, a)
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


def _line(console: Any, text: str, style: str = "") -> None:
    from rich.text import Text

    console.print(Text(text, style=style), no_wrap=True, overflow="ellipsis", crop=True)


def _answer(console: Any, label: str, answer: verdict.Answer) -> None:
    from rich.text import Text

    line = Text(f"{label:<{LABEL}}", style="bold", no_wrap=True, overflow="ellipsis")
    line.append(f"{answer.mark} {answer.short:<{MARK - 2}} ", style=answer.style)
    line.append(answer.text)
    console.print(line, no_wrap=True, overflow="ellipsis", crop=True)


def cited(text: Any, c: evidence.Citation) -> None:
    """A citation under a reason: the place on its own line, then what stands there."""
    text.append(f"\n↳ {c.where}", style="dim")
    if c.quote:
        text.append(f"\n  “{c.quote}”", style="italic")
    else:
        text.append(f"\n  {c.detail}", style="dim")


def _ratings(a: Assessment) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title="Five attributes of openness", title_justify="left", expand=True, show_lines=False
    )
    table.add_column("Attribute", ratio=3)
    table.add_column("Level", min_width=9, no_wrap=True)
    table.add_column("Why, and where to check", ratio=7, overflow="fold")
    for r in a.ratings:
        why = Text(r.rationale)
        cites = evidence.citations(r.evidence, a.origin)
        for c in cites[:MAX_CITES]:
            cited(why, c)
        if len(cites) > MAX_CITES:
            why.append(f"\n… {len(cites) - MAX_CITES} more (HTML or JSON report)", style="dim")
        table.add_row(
            r.attribute.label,
            Text(f"{view.LEVEL_MARK[r.level]} {r.level.value}", style=view.LEVEL_STYLE[r.level]),
            why,
        )
    return table


def _findings(console: Any, a: Assessment) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Findings: {view.severity_counts(a)}", style="bold"))
    if not a.findings:
        return
    findings = Table(expand=True, show_header=True)
    findings.add_column("Severity", no_wrap=True, min_width=8)
    findings.add_column("Rule", no_wrap=True, min_width=11)
    findings.add_column("Where and why", ratio=1, overflow="fold")
    for f in a.findings:
        detail = Text(str(f.location), style="dim")
        detail.append(f"\n{f.reason}", style="")
        if f.trigger:
            detail.append(f"\n  {f.trigger}", style="italic")
        findings.add_row(
            Text(f.severity.name.lower(), style=view.SEVERITY_STYLE[f.severity]),
            f.rule_id,
            detail,
        )
    console.print(findings)


def _frameworks(console: Any, a: Assessment, details: bool) -> None:
    from rich.text import Text

    from ..frameworks.report import headline, rich_tables

    if not a.frameworks:
        return
    if details:
        for table in rich_tables(a.frameworks):
            console.print(table)
        return
    console.print(Text("Frameworks", style="bold"))
    for f in a.frameworks:
        console.print(f"  {headline(f)}")
    console.print(Text("  every component, with its evidence: --details", style="dim"))


def _files(console: Any, a: Assessment) -> None:
    from rich.table import Table

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
