"""A Markdown report for pull requests, wikis and issues: the verdict first, then the evidence."""

from __future__ import annotations

from ..model import Assessment
from . import evidence, places, verdict, view
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "markdown"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """Inline code that a backtick in release text cannot close."""
    return "`` " + text.replace("\n", " ") + " ``" if "`" in text else f"`{text}`"


def cite(c: evidence.Citation) -> str:
    where = _code(c.where)
    # a local file:// link means nothing to the reader of a pull request: only the Hub or GitHub
    remote = c.url is not None and c.url.startswith("https://")
    place = f"[{where}](<{c.url}>)" if remote else where
    what = f"“{c.quote}”" if c.quote else c.detail
    return f"{place} {_cell(what)}"


def verdict_lines(a: Assessment) -> list[str]:
    lines = ["## Verdict", "", "| Question | Answer | Why |", "|---|---|---|"]
    for ans in verdict.answers(a):
        lines.append(f"| {ans.question} | {ans.mark} {ans.short} | {_cell(ans.text)} |")
    for ans in verdict.openness_lines(a):
        lines.append(f"| How open: {ans.question} | {ans.mark} {ans.short} | {_cell(ans.text)} |")
    lines += ["", "Legend: " + " · ".join(f"{m} {t}" for m, t in verdict.LEGEND)]
    return lines


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    s = a.summary
    lines = [f"# Openness assessment: `{a.origin.target}`", ""]
    lines += verdict_lines(a)
    lines += [
        "",
        "## Release",
        "",
        f"- **Release:** {a.origin.kind}, {len(a.files)} files, "
        f"{view.human_bytes(sum(f.size for f in a.files))}",
        f"- **Model:** {s.architecture or 'architecture unknown'}, "
        f"{view.human_count(s.parameters)} parameters "
        f"({f'{s.parameters:,}' if s.parameters is not None else 'unknown'}), "
        f"formats: {', '.join(s.formats) or 'none'}",
        f"- **Memory for the weights:** {view.memory_line(a)}",
        f"- **License:** {view.license_line(a)}"
        + (f" — `{view.where(a)}`" if view.where(a) else ""),
        f"- **Tool:** openness {a.tool_version}, schema `{a.schema}`",
        "",
        "## Five attributes of openness",
        "",
        "| Attribute | Level | Why | Evidence |",
        "|---|---|---|---|",
    ]
    for r in a.ratings:
        cites = "<br>".join(cite(c) for c in evidence.citations(r.evidence, a.origin)) or "—"
        lines.append(
            f"| {r.attribute.label} | {view.LEVEL_MARK[r.level]} {r.level.value} | "
            f"{_cell(r.rationale)} | {cites} |"
        )
    lines += ["", f"## Findings ({view.severity_counts(a)})", ""]
    if a.findings:
        lines += ["| Severity | Rule | Location | Reason |", "|---|---|---|---|"]
        for f in a.findings:
            reason = f.reason + (f" — {f.trigger}" if f.trigger else "")
            lines.append(
                f"| {f.severity.name.lower()} | [{f.rule_id}]({f.docs}) | "
                f"`{_cell(str(f.location))}` | {_cell(reason)} |"
            )
    else:
        lines.append("No findings.")
    from ..frameworks.report import markdown_lines

    lines += markdown_lines(a.frameworks)
    if a.places:
        lines += ["", f"## {places.TITLE}", "", "Every rating reads all of them.", ""]
        lines += [f"- {_cell(line)}" for line in places.place_lines(a)]
    if a.sections:
        lines += ["", "## Model card topics", ""]
        lines += [
            f"- {sec.topic}: “{_cell(sec.heading)}” (line {sec.line}, {sec.words} words)"
            for sec in a.sections
        ]
    lines += [
        "",
        f"## Files ({len(a.files)})",
        "",
        "| Path | Size | Format | SHA-256 |",
        "|---|---:|---|---|",
    ]
    lines += [
        f"| `{_cell(f.path)}` | {f.size:,} | {f.format} | {f.sha256 or '—'} |" for f in a.files
    ]
    if a.incomplete:
        lines += [
            "",
            "## Incomplete",
            "",
            "Some content could not be read; this is not a clean bill of health.",
            "",
        ]
        lines += [f"- {_cell(r)}" for r in a.incomplete]
    return "\n".join(lines) + "\n"
