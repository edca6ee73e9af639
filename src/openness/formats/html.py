"""A self-contained HTML report: one page, inline CSS and SVG, no scripts, no external requests.

Every string that comes from the release (names, card headings, reasons, paths) is escaped, and a
Content-Security-Policy forbids scripts and remote loads even if something slipped through.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ..model import Assessment, ComponentResult, Finding, FrameworkResult
from . import evidence, verdict, view
from . import release_facts as rf
from .html_chart import LEVEL_COLOUR, attribute_chart
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "html"
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-size:.85rem;word-break:break-all}
.sev-critical,.sev-high{color:#cf222e;font-weight:bold}.sev-medium{color:#bf8700}
.note{color:#59636e}.chart{max-width:100%;height:auto}
.verdict td:first-child{white-space:nowrap}.mark-yes{color:#1a7f37}.mark-partly{color:#9a6700}
.mark-no{color:#cf222e}.mark-unknown{color:#59636e}
ul.cites{margin:.2rem 0;padding-left:1rem}ul.cites li{margin:.15rem 0}
.quote{font-style:italic}details summary{cursor:pointer;color:#0969da}
.claim{border-left:3px solid #cf222e;padding-left:.5rem;margin:.2rem 0}
"""
_MARK_CLASS = {verdict.YES: "yes", verdict.PARTLY: "partly", verdict.NO: "no"}
#: citations shown before the rest fold into a <details> element
VISIBLE_CITES = 2


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    name = rf.model_name(a)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Openness assessment: {_e(name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Openness assessment: <code>{_e(name)}</code></h1>",
        '<h2 id="verdict">Verdict</h2>',
        _verdict(a),
        '<h2 id="release">Release</h2>',
        _overview(a),
        '<h2 id="attributes">Five attributes of openness</h2>',
        attribute_chart(a.ratings),
        _ratings_table(a),
        f'<h2 id="findings">Findings ({_e(view.severity_counts(a))})</h2>',
        _findings(a),
        '<h2 id="frameworks">Openness frameworks</h2>',
        _frameworks(a),
        '<h2 id="license">License</h2>',
        _license(a),
    ]
    if a.sections:
        parts += ['<h2 id="card">Model card topics</h2>', _sections(a)]
    parts += [f'<h2 id="files">Files ({len(a.files)})</h2>', _files(a)]
    if a.incomplete:
        parts += [
            '<h2 id="incomplete">Incomplete</h2>',
            "<p>Some content could not be read; this is not a clean bill of health.</p>",
            "<ul>" + "".join(f"<li>{_e(r)}</li>" for r in a.incomplete) + "</ul>",
        ]
    parts += [
        f'<p class="note">openness {_e(a.tool_version)}, schema <code>{_e(a.schema)}</code>. '
        "Every claim cites the file and line, key or byte offset it rests on.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def cites_html(citations: list[evidence.Citation]) -> str:
    """Every citation: the place (a link to the file when one can be made) and what stands
    there; past the first few, folded into a <details> element a reader can open."""
    if not citations:
        return "—"

    def item(c: evidence.Citation) -> str:
        where = f"<code>{_e(c.where)}</code>"
        if c.url:
            where = f'<a href="{_e(c.url)}">{where}</a>'
        what = (
            f'<span class="quote">“{_e(c.quote)}”</span>'
            if c.quote
            else f'<span class="note">{_e(c.detail)}</span>'
        )
        return f'<li class="cite">{where} {what}</li>'

    shown = "".join(item(c) for c in citations[:VISIBLE_CITES])
    html = f'<ul class="cites">{shown}</ul>'
    rest = citations[VISIBLE_CITES:]
    if rest:
        more = "".join(item(c) for c in rest)
        html += (
            f'<details><summary>{len(rest)} more</summary><ul class="cites">{more}</ul></details>'
        )
    return html


def _verdict(a: Assessment) -> str:
    def row(ans: verdict.Answer, label: str) -> tuple[str, str, str]:
        css = _MARK_CLASS.get(ans.mark, "unknown")
        return (
            f"<b>{_e(label)}</b>",
            f'<span class="mark-{css}">{_e(ans.mark)} {_e(ans.short)}</span>',
            _e(ans.text),
        )

    rows = [row(ans, ans.question) for ans in verdict.answers(a)]
    rows += [row(ans, f"How open: {ans.question}") for ans in verdict.openness_lines(a)]
    legend = " · ".join(f"{_e(m)} {_e(t)}" for m, t in verdict.LEGEND)
    table = _table(("Question", "Answer", "Why"), rows).replace(
        "<table>", '<table class="verdict">'
    )
    return table + f'<p class="note">Legend: {legend}</p>'


def _overview(a: Assessment) -> str:
    s = a.summary
    items = [
        (
            "Release",
            f"{a.origin.kind}, {len(a.files)} files, "
            f"{view.human_bytes(sum(f.size for f in a.files))}",
        ),
        (
            "Model",
            f"{s.architecture or 'architecture unknown'}, "
            f"{view.human_count(s.parameters)} parameters",
        ),
        ("Weight formats", ", ".join(s.formats) or "none"),
        ("Memory for the weights", view.memory_line(a)),
        ("License", view.license_line(a)),
        ("Complete", "yes" if a.complete else "no — see Incomplete below"),
    ]
    return _table(("", ""), ((f"<b>{_e(k)}</b>", _e(v)) for k, v in items))


def _ratings_table(a: Assessment) -> str:
    rows = (
        (
            _e(r.attribute.label),
            f'<b style="color:{LEVEL_COLOUR[r.level]}">{_e(r.level.value)}</b>',
            _e(r.rationale),
            cites_html(evidence.citations(r.evidence, a.origin)),
        )
        for r in a.ratings
    )
    return _table(("Attribute", "Level", "Why", "Evidence"), rows)


def _license(a: Assessment) -> str:
    lic = a.license
    osi = {True: "yes", False: "no", None: "unknown"}[lic.osi_approved]
    rows = [
        ("Declared", lic.declared or "—"),
        ("SPDX", lic.spdx or "—"),
        ("Name", lic.name or "—"),
        ("Category", lic.category),
        ("OSI-approved", osi),
    ]
    table = _table(("Term", "Value"), ((_e(k), _e(v)) for k, v in rows))
    cited = evidence.citations(lic.evidence, a.origin)
    where = f"<p>Evidence:</p>{cites_html(cited)}" if cited else ""
    return table + where + _license_terms(a)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not stated"}[value]


def _license_terms(a: Assessment) -> str:
    """Each license or use policy found, with the terms that matter for reuse."""
    if not a.licenses:
        return ""
    rows = (
        (
            _e(d.spdx or d.id) + (f'<br><span class="note">{_e(d.name)}</span>' if d.name else ""),
            _e(d.kind) + (f" ({_e(d.scope)})" if d.scope else ""),
            f"<code>{_e(d.source)}</code>",
            _e(d.terms.commercial_use),
            _e(_yes_no(d.terms.use_restrictions)),
            _e(_yes_no(d.terms.attribution)),
            _e(_yes_no(d.terms.revocable)),
            _e(f"{d.status}, {d.confidence:.0%}"),
        )
        for d in a.licenses
    )
    headers = (
        "License",
        "Kind",
        "Found in",
        "Commercial use",
        "Use restrictions",
        "Attribution",
        "Revocable",
        "Status",
    )
    return "<p>Licenses and use policies found:</p>" + _table(headers, rows)


def _finding_where(a: Assessment, f: Finding) -> str:
    loc = f.location
    url = evidence.link(evidence.OriginRef.of(a.origin), loc.file, loc.line)
    code = f"<code>{_e(loc)}</code>"
    return f'<a href="{_e(url)}">{code}</a>' if url else code


def _findings(a: Assessment) -> str:
    if not a.findings:
        return "<p>No findings.</p>"
    rows = (
        (
            f'<span class="sev-{f.severity.name.lower()}">{f.severity.name.lower()}</span>',
            f'<code title="{_e(f.docs)}">{_e(f.rule_id)}</code>',
            _finding_where(a, f),
            _reason(f),
        )
        for f in a.findings
    )
    return _table(("Severity", "Rule", "Location", "Reason"), rows)


def _reason(f: Finding) -> str:
    """The reason; an openwashing finding quotes the claim and the evidence against it."""
    if f.rule_id.startswith("OPN-OWS-"):
        return f'<div class="claim">{_e(f.reason)}</div>' + (
            f"<div>but the evidence says: {_e(f.trigger)}</div>" if f.trigger else ""
        )
    return _e(f.reason) + (f" (<code>{_e(f.trigger)}</code>)" if f.trigger else "")


def _frameworks(a: Assessment) -> str:
    if not a.frameworks:
        return "<p>No framework ratings in this assessment.</p>"
    return "".join(_framework(a, f) for f in a.frameworks)


def _framework(a: Assessment, f: FrameworkResult) -> str:
    from ..frameworks.report import MARK

    head = f'<h3 id="fw-{_e(f.framework)}">{_e(f.title)} {_e(f.version)}: {_e(f.verdict)}</h3>'
    classes = "".join(
        f"<li><b>{_e(p.name)}</b>: {'reached' if p.reached else 'not reached'}, "
        f"{p.met}/{p.required}"
        + (f' <span class="note">missing: {_e(", ".join(p.missing))}</span>' if p.missing else "")
        + "</li>"
        for p in f.classes
    )

    def row(c: ComponentResult) -> tuple[str, str, str, str]:
        return (
            _e(c.title),
            _e(f"{MARK.get(c.status, '?')} {c.status}"),
            _e(c.rationale),
            cites_html(evidence.citations(c.evidence, a.origin)),
        )

    table = _table(("Component", "Status", "Why", "Evidence"), (row(c) for c in f.components))
    return head + (f"<ul>{classes}</ul>" if classes else "") + table


def _sections(a: Assessment) -> str:
    card = rf.card_file(a)
    rows = (
        (_e(s.topic), _e(s.heading), f"<code>{_e(card)}:{s.line}</code>", str(s.words))
        for s in a.sections
    )
    return _table(("Topic", "Heading", "Where", "Words"), rows)


def _files(a: Assessment) -> str:
    rows = (
        (
            f"<code>{_e(f.path)}</code>",
            str(f.size),
            _e(f.format),
            f"<code>{_e(f.sha256 or '—')}</code>",
        )
        for f in a.files
    )
    return _table(("Path", "Size (bytes)", "Format", "SHA-256"), rows)
