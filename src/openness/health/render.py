"""Health reports as JSON (canonical, versioned), Markdown and terminal text: pure functions."""

from __future__ import annotations

import json
from io import StringIO

from ..model import Evidence
from ..serialize import to_data
from ..text_rows import finding_line, md_cell
from .model import HealthReport

FORMATS = ("terminal", "json", "markdown")
_HEADLINE = (
    ("commits.total", "commits"),
    ("commits.last_90d", "commits, last 90 days"),
    ("commits.last_365d", "commits, last 365 days"),
    ("contributors.last_90d", "contributors, last 90 days"),
    ("contributors.last_365d", "contributors, last 365 days"),
    ("bus_factor", "bus factor (last year)"),
    ("domains.last_365d", "e-mail domains (last year)"),
    ("last_commit.days_ago", "days since the last commit"),
    ("tags.total", "release tags"),
    ("release.days_ago", "days since the last release"),
    ("release.interval_days", "median days between releases"),
    ("commits.signed_share", "signed commits (share)"),
    ("tags.signed_share", "signed tags (share)"),
    ("dependencies.declared", "declared dependencies"),
    ("dependencies.pinned", "pinned dependencies"),
    ("dependencies.lock_files", "lock files"),
    ("vulnerabilities", "known vulnerabilities"),
)


def to_json(report: HealthReport) -> str:
    data = to_data(report)
    for check, raw in zip(report.checks, data["checks"], strict=True):
        raw["level"] = check.level
    data["aggregate"] = to_data(report.aggregate)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _measures(report: HealthReport) -> list[tuple[str, str, str]]:
    first: dict[str, Evidence] = {}
    for e in report.evidence:
        first.setdefault(e.fact, e)
    rows = []
    for fact, label in _HEADLINE:
        found = first.get(f"health.{fact}")
        if found is not None:
            where = str(found.location) + (f" ({found.note})" if found.note else "")
            rows.append((label, str(found.value), where))
    return rows


def _score(score: int | None) -> str:
    return "?" if score is None else f"{score}/10"


def to_markdown(report: HealthReport) -> str:
    lines = [f"# Code health: `{report.target}`", "", "## Checks", ""]
    lines += ["| Check | Framework | Score | Level | Why |", "|---|---|---:|---|---|"]
    lines += [
        f"| {c.name} | {c.framework} | {_score(c.score)} | {c.level} | {md_cell(c.rationale)} |"
        for c in report.checks
    ]
    lines += ["", f"Aggregate: {md_cell(report.aggregate.describe())}."]
    lines += ["", "## Measures", "", "| Measure | Value | Where |", "|---|---:|---|"]
    lines += [f"| {a} | {b} | `{md_cell(c)}` |" for a, b, c in _measures(report)]
    lines += ["", f"## Findings ({len(report.findings)})", ""]
    if report.findings:
        lines += ["| Severity | Rule | Location | Reason |", "|---|---|---|---|"]
        lines += [
            f"| {f.severity.name.lower()} | [{f.rule_id}]({f.docs}) | `{md_cell(str(f.location))}` "
            f"| {md_cell(f.reason)} |"
            for f in report.findings
        ]
    else:
        lines.append("No findings.")
    if report.incomplete:
        lines += ["", "## Incomplete", ""] + [f"- {md_cell(r)}" for r in report.incomplete]
    return "\n".join(lines) + "\n"


def to_terminal(report: HealthReport, width: int = 80, color: bool = False) -> str:
    from rich.console import Console  # imported here so `openness --help` stays fast
    from rich.table import Table

    out = StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    console.print(f"[bold]openness {report.tool_version} · code health · {report.target}[/bold]")
    checks = Table(title="Checks", title_justify="left", expand=True)
    checks.add_column("Check", no_wrap=True)
    checks.add_column("Score", no_wrap=True, justify="right")
    checks.add_column("Why", ratio=1)
    for c in report.checks:
        style = {"good": "green", "fair": "yellow", "poor": "red"}.get(c.level, "dim")
        checks.add_row(c.name, f"[{style}]{_score(c.score)}[/{style}]", c.rationale)
    console.print(checks)
    console.print(f"Aggregate: {report.aggregate.describe()}")
    measures = Table(title="Measures", title_justify="left", expand=True)
    measures.add_column("Measure", no_wrap=True)
    measures.add_column("Value", justify="right", no_wrap=True)
    measures.add_column("Where", ratio=1, overflow="fold", style="dim")
    for row in _measures(report):
        measures.add_row(*row)
    console.print(measures)
    console.print(f"[bold]Findings: {len(report.findings)}[/bold]")
    for f in report.findings:
        console.print(f"  {finding_line(f)}")
    if report.incomplete:
        console.print("[bold yellow]Incomplete:[/bold yellow]")
        for reason in report.incomplete:
            console.print(f"  - {reason}")
    return out.getvalue()


def render(report: HealthReport, fmt: str, width: int = 80, color: bool = False) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    return to_terminal(report, width, color)
