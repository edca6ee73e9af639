"""The terminal report: the verdict first, then the evidence; readable at 80 columns.

Order: the four answers (commercial use, how open, safe to load, complete) and a legend in the
first lines; then the five attributes with their evidence, the findings, one line per framework
(every component with --details), the files and what could not be read.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from ..model import Assessment
from . import context, evidence, places
from .context import ReportContext
from .interface import DEFAULT_OPTIONS, RenderOptions

MAX_FILES = 25
#: citations shown per rating in the terminal; HTML, Markdown and the dashboard show them all
MAX_CITES = 3
LABEL = 16
MARK = 13

FORMAT_NAME = "terminal"
TONE_STYLE = {"good": "green", "mixed": "yellow", "bad": "red", "unknown": "dim"}
SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


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
    v = context.build(a)
    console.print(Text(f"openness {v.tool_version} · {v.target}", style="bold"))
    _line(
        console,
        f"{v.name.value}: {v.architecture}, {v.parameters_text} parameters, "
        f"{', '.join(v.formats) or 'no weights'}; {v.file_count} files, {v.total_size}",
    )
    for answer in v.answers:
        _answer(console, answer.question, answer.mark, answer.short, answer.text, answer.style)
    for i, answer in enumerate(v.openness):
        text = f"{answer.question}: {answer.text}"
        label = "How open" if i == 0 else ""
        _answer(console, label, answer.mark, answer.short, text, answer.style)
    console.print(Text("Legend  " + v.legend_text, style="dim"))
    console.print()

    console.print(f"Memory    {v.memory}")
    console.print(f"License   {v.license.line}")
    if v.license.where:
        console.print(Text(f"          ↳ {v.license.where}", style="dim"))
    console.print()
    console.print(_ratings(v))
    _findings(console, v)
    _frameworks(console, v, options.details)
    if v.places:
        console.print(Text(places.TITLE + " (every rating reads all of them)", style="bold"))
        for place_line in v.places:
            console.print(f"  {place_line}", markup=False)
        console.print()
    _files(console, v)
    if v.incomplete:
        console.print(
            Text(
                "Incomplete: some content could not be read, so this is not a clean bill:",
                style="bold yellow",
            )
        )
        for reason in v.incomplete:
            console.print(f"  - {reason}")
    return out.getvalue()


def _line(console: Any, text: str, style: str = "") -> None:
    from rich.text import Text

    console.print(Text(text, style=style), no_wrap=True, overflow="ellipsis", crop=True)


def _answer(console: Any, label: str, mark: str, short: str, text: str, style: str) -> None:
    from rich.text import Text

    line = Text(f"{label:<{LABEL}}", style="bold", no_wrap=True, overflow="ellipsis")
    line.append(f"{mark} {short:<{MARK - 2}} ", style=style)
    line.append(text)
    console.print(line, no_wrap=True, overflow="ellipsis", crop=True)


def cited(text: Any, c: evidence.Citation) -> None:
    """A citation under a reason: the place on its own line, then what stands there."""
    text.append(f"\n↳ {c.where}", style="dim")
    if c.quote:
        text.append(f"\n  “{c.quote}”", style="italic")
    else:
        text.append(f"\n  {c.detail}", style="dim")


def _ratings(v: ReportContext) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title="Five attributes of openness", title_justify="left", expand=True, show_lines=False
    )
    table.add_column("Attribute", ratio=3)
    table.add_column("Level", min_width=9, no_wrap=True)
    table.add_column("Why, and where to check", ratio=7, overflow="fold")
    for r in v.ratings:
        why = Text(r.rationale)
        cites = r.citations
        for c in cites[:MAX_CITES]:
            cited(why, c)
        if len(cites) > MAX_CITES:
            why.append(f"\n… {len(cites) - MAX_CITES} more (HTML or JSON report)", style="dim")
        table.add_row(r.label, Text(f"{r.mark} {r.level}", style=TONE_STYLE[r.tone]), why)
    return table


def _findings(console: Any, v: ReportContext) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Findings: {v.severity_counts}", style="bold"))
    if not v.findings:
        return
    findings = Table(expand=True, show_header=True)
    findings.add_column("Severity", no_wrap=True, min_width=8)
    findings.add_column("Rule", no_wrap=True, min_width=11)
    findings.add_column("Where and why", ratio=1, overflow="fold")
    for f in v.findings:
        detail = Text(f.where, style="dim")
        detail.append(f"\n{f.reason}", style="")
        if f.trigger:
            detail.append(f"\n  {f.trigger}", style="italic")
        findings.add_row(
            Text(f.severity, style=SEVERITY_STYLE.get(f.severity, "")),
            f.rule_id,
            detail,
        )
    console.print(findings)


def _frameworks(console: Any, v: ReportContext, details: bool) -> None:
    from rich.text import Text

    if not v.frameworks:
        return
    if details:
        for f in v.frameworks:
            console.print(_framework_table(f))
        return
    console.print(Text("Frameworks", style="bold"))
    for f in v.frameworks:
        console.print(f"  {f.headline}")
    console.print(Text("  every component, with its evidence: --details", style="dim"))


def _framework_table(f: context.FrameworkView) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f.headline, title_justify="left", expand=True)
    table.add_column("Component", ratio=3)
    table.add_column("Status", no_wrap=True, min_width=10)
    table.add_column("Why, and where to check", ratio=6)
    for c in f.components:
        why = Text(c.rationale)
        cites = [x.where for x in c.citations if x.file]
        for where in cites[:MAX_CITES]:
            why.append(f"\n↳ {where}", style="dim")
        if len(cites) > MAX_CITES:
            why.append(f"\n… {len(cites) - MAX_CITES} more", style="dim")
        table.add_row(c.title, Text(f"{c.mark} {c.status}", style=TONE_STYLE[c.tone]), why)
    return table


def _files(console: Any, v: ReportContext) -> None:
    from rich.table import Table

    files = Table(title=f"Files ({v.file_count})", title_justify="left", expand=True)
    files.add_column("Path", ratio=1, overflow="fold")
    files.add_column("Size", justify="right", no_wrap=True, min_width=8)
    files.add_column("Format", no_wrap=True, min_width=11)
    files.add_column("SHA-256", no_wrap=True, min_width=13)
    for entry in v.files[:MAX_FILES]:
        files.add_row(
            entry.path,
            entry.size_text,
            entry.format,
            (entry.sha256[:12] + "…") if entry.sha256 else "-",
        )
    if v.file_count > MAX_FILES:
        files.add_row(f"… {v.file_count - MAX_FILES} more (see --format json)", "", "", "")
    console.print(files)
