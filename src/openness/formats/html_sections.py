"""The body of an assessment as HTML, from the report context: the one renderer behind both the
HTML report (formats/html.py) and the dashboard's model page.

Verdict, release, the five attributes, findings (openwashing with the evidence against the claim),
frameworks, licenses with their terms, card topics, files, what could not be read. Every string
from the release is escaped; no inline styles or scripts (the dashboard's CSP forbids both), only
classes that the report's <style> and the dashboard's stylesheet both define.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from .context import ComponentView, FindingView, FrameworkView, ReportContext
from .evidence import Citation

#: citations shown before the rest fold into a <details> element
VISIBLE_CITES = 2
#: a longer file list folds into a <details> element
VISIBLE_FILES = 25
#: the classes used here, for a page that has no stylesheet of its own (the HTML report)
CSS = """
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-size:.85rem;word-break:break-all}
.sev-critical,.sev-high{color:#cf222e;font-weight:bold}.sev-medium{color:#bf8700}
.note{color:#59636e}.chart{max-width:100%;height:auto}
.level-open{color:#1a7f37}.level-partial{color:#9a6700}.level-closed{color:#cf222e}
.level-unknown{color:#6e7781}.level{font-weight:bold}
.verdict td:first-child{white-space:nowrap}.mark-green{color:#1a7f37}.mark-yellow{color:#9a6700}
.mark-red{color:#cf222e}.mark-dim{color:#59636e}
ul.cites{margin:.2rem 0;padding-left:1rem}ul.cites li{margin:.15rem 0}
.quote{font-style:italic}details summary{cursor:pointer;color:#0969da}
.claim{border-left:3px solid #cf222e;padding-left:.5rem;margin:.2rem 0}
"""


def sections(v: ReportContext, chart: str, local_links: bool = True) -> str:
    """Every section of the report; `chart` is the attribute chart the page draws, and
    `local_links=False` leaves file:// links out (a published site: the reader has no such file)."""
    link = _Linker(local_links)
    parts = [
        '<h2 id="verdict">Verdict</h2>',
        _verdict(v),
        '<h2 id="release">Release</h2>',
        _overview(v, link),
        '<h2 id="attributes">Five attributes of openness</h2>',
        chart,
        _ratings(v, link),
        f'<h2 id="findings">Findings ({_e(v.severity_counts)})</h2>',
        _findings(v.findings, link),
        '<h2 id="frameworks">Openness frameworks</h2>',
        _frameworks(v.frameworks, link),
        '<h2 id="license">License</h2>',
        _license(v, link),
    ]
    if v.sections:
        parts += ['<h2 id="card">Model card topics</h2>', _sections(v)]
    parts += [f'<h2 id="files">Files ({v.file_count})</h2>', _files(v)]
    if v.places:
        parts += [
            '<h2 id="places">Places read</h2>',
            "<p>Every rating reads all of them.</p>",
            "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in v.places) + "</ul>",
        ]
    if v.incomplete:
        parts += [
            '<h2 id="incomplete">Incomplete</h2>',
            "<p>Some content could not be read; this is not a clean bill of health.</p>",
            "<ul>" + "".join(f"<li>{_e(r)}</li>" for r in v.incomplete) + "</ul>",
        ]
    return "\n".join(parts)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


class _Linker:
    def __init__(self, local: bool) -> None:
        self.local = local

    def __call__(self, url: str | None, inner: str) -> str:
        if not url or (not self.local and url.startswith("file:")):
            return inner
        return f'<a href="{_e(url)}">{inner}</a>'


Cell = str | tuple[str, str]  # html, or (class, html)


def _td(cell: Cell) -> str:
    if isinstance(cell, tuple):
        return f'<td class="{cell[0]}">{cell[1]}</td>'
    return f"<td>{cell}</td>"


def _table(headers: Iterable[str], rows: Iterable[Iterable[Cell]], css: str = "") -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in rows)
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def cites_html(citations: tuple[Citation, ...], link: _Linker) -> str:
    """Every citation: the place (a link to the file when one can be made) and what stands
    there; past the first few, folded into a <details> element a reader can open."""
    if not citations:
        return "—"

    def item(c: Citation) -> str:
        where = link(c.url, f"<code>{_e(c.where)}</code>")
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


def _evidence_cell(citations: tuple[Citation, ...], link: _Linker) -> tuple[str, str]:
    return "evidence", cites_html(citations, link)


def _verdict(v: ReportContext) -> str:
    rows = [
        (
            f"<b>{_e(label)}{_e(ans.question)}</b>",
            _mark(ans.style, ans.mark, ans.short),
            _e(ans.text),
        )
        for label, answers in (("", v.answers), ("How open: ", v.openness))
        for ans in answers
    ]
    legend = " · ".join(f"{_e(m)} {_e(t)}" for m, t in v.legend)
    table = _table(("Question", "Answer", "Why"), rows, "verdict")
    return table + f'<p class="note legend">Legend: {legend}</p>'


def _mark(style: str, mark: str, short: str) -> str:
    return f'<span class="mark-{_e(style)}">{_e(mark)} {_e(short)}</span>'


def _overview(v: ReportContext, link: _Linker) -> str:
    named = _e(v.name.source)
    if v.name_citation is not None:
        c = v.name_citation
        named += " " + link(c.url, f"<code>{_e(c.where)}</code>")
    items = [
        ("Name", f'<code>{_e(v.name.value)}</code> <span class="note">({named})</span>'),
        ("Release", _e(f"{v.origin_kind}, {v.file_count} files, {v.total_size}")),
        ("Model", _e(f"{v.architecture}, {v.parameters_text} parameters")),
        ("Weight formats", _e(", ".join(v.formats) or "none")),
        ("Memory for the weights", _e(v.memory)),
        ("License", _e(v.license.line)),
        ("Complete", "yes" if v.complete else "no — see Incomplete below"),
    ]
    return _table(("", ""), ((f"<b>{_e(k)}</b>", val) for k, val in items))


def _ratings(v: ReportContext, link: _Linker) -> str:
    rows = (
        (
            _e(r.label),
            f'<b class="level level-{_e(r.level)}">{_e(r.level)}</b>',
            _e(r.rationale),
            _evidence_cell(r.citations, link),
        )
        for r in v.ratings
    )
    return _table(("Attribute", "Level", "Why", "Evidence"), rows, "ratings")


def _findings(findings: tuple[FindingView, ...], link: _Linker) -> str:
    if not findings:
        return "<p>No findings.</p>"
    rows = (
        (
            f'<span class="sev-{_e(f.severity)}">{_e(f.severity)}</span>',
            f'<code title="{_e(f.docs)}">{_e(f.rule_id)}</code>',
            link(f.url, f"<code>{_e(f.where)}</code>"),
            _reason(f),
        )
        for f in findings
    )
    return _table(("Severity", "Rule", "Location", "Reason"), rows)


def _reason(f: FindingView) -> str:
    """The reason; an openwashing finding quotes the claim and the evidence against it."""
    if f.openwashing:
        return f'<div class="claim">{_e(f.reason)}</div>' + (
            f"<div>but the evidence says: {_e(f.trigger)}</div>" if f.trigger else ""
        )
    return _e(f.reason) + (f" (<code>{_e(f.trigger)}</code>)" if f.trigger else "")


def _frameworks(frameworks: tuple[FrameworkView, ...], link: _Linker) -> str:
    if not frameworks:
        return "<p>No framework ratings in this assessment.</p>"
    return "".join(_framework(f, link) for f in frameworks)


def _framework(f: FrameworkView, link: _Linker) -> str:
    head = f'<h3 id="fw-{_e(f.id)}">{_e(f.title)} {_e(f.version)}: {_e(f.verdict)}</h3>'
    classes = "".join(
        f"<li><b>{_e(p.name)}</b>: {'reached' if p.reached else 'not reached'}, "
        f"{p.met}/{p.required}"
        + (f' <span class="note">missing: {_e(", ".join(p.missing))}</span>' if p.missing else "")
        + "</li>"
        for p in f.classes
    )

    def row(c: ComponentView) -> tuple[str, str, str, Cell]:
        return (
            _e(c.title),
            f'<span class="level-{_e(_LEVEL_OF_TONE[c.tone])}">{_e(c.mark)} {_e(c.status)}</span>',
            _e(c.rationale),
            _evidence_cell(c.citations, link),
        )

    table = _table(("Component", "Status", "Why", "Evidence"), (row(c) for c in f.components))
    return head + (f"<ul>{classes}</ul>" if classes else "") + table


_LEVEL_OF_TONE = {"good": "open", "mixed": "partial", "bad": "closed", "unknown": "unknown"}


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not stated"}[value]


def _license(v: ReportContext, link: _Linker) -> str:
    lic = v.license
    rows = [
        ("Declared", lic.declared or "—"),
        ("SPDX", lic.spdx or "—"),
        ("Name", lic.name or "—"),
        ("Category", lic.category),
        ("OSI-approved", lic.osi_approved),
        ("Commercial use", lic.commercial_use),
    ]
    table = _table(("Term", "Value"), ((_e(k), _e(val)) for k, val in rows))
    where = f"<p>Evidence:</p>{cites_html(lic.citations, link)}" if lic.citations else ""
    return table + where + _licenses_found(v)


def _licenses_found(v: ReportContext) -> str:
    """Each license or use policy found, the terms that matter for reuse, then every term."""
    found = v.license.found
    if not found:
        return ""
    rows = (
        (
            _e(d.id) + (f'<br><span class="note">{_e(d.name)}</span>' if d.name else ""),
            _e(d.kind) + (f" ({_e(d.scope)})" if d.scope else ""),
            f"<code>{_e(d.source)}</code>",
            _e(d.commercial_use),
            _e(_yes_no(d.use_restrictions)),
            _e(_yes_no(d.attribution)),
            _e(_yes_no(d.revocable)),
            _e(f"{d.status}, {d.confidence:.0%}")
            + (
                f'<details class="terms"><summary>all {len(d.terms)} terms</summary>'
                + _table(
                    ("Term", "Value"),
                    ((f"<code>{_e(k)}</code>", _e(val)) for k, val in d.terms),
                )
                + "</details>"
                if d.terms
                else ""
            ),
        )
        for d in found
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


def _sections(v: ReportContext) -> str:
    rows = (
        (_e(s.topic), _e(s.heading), f"<code>{_e(s.file)}:{s.line}</code>", str(s.words))
        for s in v.sections
    )
    return _table(("Topic", "Heading", "Where", "Words"), rows)


def _files(v: ReportContext) -> str:
    rows = (
        (
            f"<code>{_e(f.path)}</code>",
            str(f.size),
            _e(f.format),
            f"<code>{_e(f.sha256 or '—')}</code>",
        )
        for f in v.files
    )
    table = _table(("Path", "Size (bytes)", "Format", "SHA-256"), rows)
    if v.file_count <= VISIBLE_FILES:
        return table
    return f"<details><summary>all {v.file_count} files</summary>{table}</details>"
