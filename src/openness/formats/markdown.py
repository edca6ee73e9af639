"""A Markdown report for pull requests, wikis and issues: the verdict first, then the evidence."""

from __future__ import annotations

from ..model import Assessment
from ..text_rows import md_cell
from . import context, evidence, places
from .context import FrameworkView, ReportContext
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "markdown"


def _code(text: str) -> str:
    """Inline code that a backtick in release text cannot close."""
    return "`` " + text.replace("\n", " ") + " ``" if "`" in text else f"`{text}`"


def cite(c: evidence.Citation) -> str:
    where = _code(c.where)
    # a local file:// link means nothing to the reader of a pull request: only the Hub or GitHub
    remote = c.url is not None and c.url.startswith("https://")
    place = f"[{where}](<{c.url}>)" if remote else where
    what = f"“{c.quote}”" if c.quote else c.detail
    return f"{place} {md_cell(what)}"


def verdict_lines(v: ReportContext) -> list[str]:
    lines = ["## Verdict", "", "| Question | Answer | Why |", "|---|---|---|"]
    for ans in v.answers:
        lines.append(f"| {ans.question} | {ans.mark} {ans.short} | {md_cell(ans.text)} |")
    for ans in v.openness:
        lines.append(f"| How open: {ans.question} | {ans.mark} {ans.short} | {md_cell(ans.text)} |")
    lines += ["", "Legend: " + " · ".join(f"{m} {t}" for m, t in v.legend)]
    return lines


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    v = context.build(a)
    exact = f"{v.parameters:,}" if v.parameters is not None else "unknown"
    lines = [f"# Openness assessment: {_code(v.name.value)}", ""]
    lines += verdict_lines(v)
    lines += [
        "",
        "## Release",
        "",
        f"- **Release:** {v.origin_kind} {_code(v.target)}, {v.file_count} files, {v.total_size}",
        f"- **Model:** {v.architecture}, {v.parameters_text} parameters ({exact}), "
        f"formats: {', '.join(v.formats) or 'none'}",
        f"- **Memory for the weights:** {v.memory}",
        f"- **License:** {v.license.line}" + (f" — `{v.license.where}`" if v.license.where else ""),
        f"- **Tool:** openness {v.tool_version}, schema `{v.schema}`",
        "",
        "## Five attributes of openness",
        "",
        "| Attribute | Level | Why | Evidence |",
        "|---|---|---|---|",
    ]
    for r in v.ratings:
        cites = "<br>".join(cite(c) for c in r.citations) or "—"
        lines.append(f"| {r.label} | {r.mark} {r.level} | {md_cell(r.rationale)} | {cites} |")
    lines += ["", f"## Findings ({v.severity_counts})", ""]
    if v.findings:
        lines += ["| Severity | Rule | Location | Reason |", "|---|---|---|---|"]
        for f in v.findings:
            reason = f.reason + (f" — {f.trigger}" if f.trigger else "")
            lines.append(
                f"| {f.severity} | [{f.rule_id}]({f.docs}) | `{md_cell(f.where)}` "
                f"| {md_cell(reason)} |"
            )
    else:
        lines.append("No findings.")
    lines += framework_lines(v.frameworks)
    if v.places:
        lines += ["", f"## {places.TITLE}", "", "Every rating reads all of them.", ""]
        lines += [f"- {md_cell(line)}" for line in v.places]
    if v.sections:
        lines += ["", "## Model card topics", ""]
        lines += [
            f"- {sec.topic}: “{md_cell(sec.heading)}” (line {sec.line}, {sec.words} words)"
            for sec in v.sections
        ]
    lines += [
        "",
        f"## Files ({v.file_count})",
        "",
        "| Path | Size | Format | SHA-256 |",
        "|---|---:|---|---|",
    ]
    lines += [
        f"| `{md_cell(f.path)}` | {f.size:,} | {f.format} | {f.sha256 or '—'} |" for f in v.files
    ]
    if v.incomplete:
        lines += [
            "",
            "## Incomplete",
            "",
            "Some content could not be read; this is not a clean bill of health.",
            "",
        ]
        lines += [f"- {md_cell(r)}" for r in v.incomplete]
    return "\n".join(lines) + "\n"


def framework_lines(frameworks: tuple[FrameworkView, ...]) -> list[str]:
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
            cites = "<br>".join(cite(x) for x in c.citations) or "—"
            lines.append(
                f"| {md_cell(c.title)} | {c.mark} {c.status} | {md_cell(c.rationale)} | {cites} |"
            )
    return lines
