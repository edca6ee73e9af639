"""A self-contained HTML report: one page, inline CSS and SVG, no scripts, no external requests.

Every string that comes from the release (names, card headings, reasons, paths) is escaped, and a
Content-Security-Policy forbids scripts and remote loads even if something slipped through.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ..model import Assessment
from . import release_facts as rf
from . import view
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
"""


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    name = rf.model_name(a)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Openness assessment: {_e(name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Openness assessment: <code>{_e(name)}</code></h1>",
        _overview(a),
        '<h2 id="attributes">Five attributes of openness</h2>',
        attribute_chart(a.ratings),
        _ratings_table(a),
        '<h2 id="license">License</h2>',
        _license(a),
        f'<h2 id="findings">Findings ({_e(view.severity_counts(a))})</h2>',
        _findings(a),
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
            "<br>".join(f"<code>{_e(c)}</code>" for c in view.citations(r)) or "—",
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
    cited = [
        f"<li><code>{_e(e.location)}</code>: {_e(e.fact)} = {_e(e.value)}"
        + (f' <span class="note">({_e(e.note)})</span>' if e.note else "")
        + "</li>"
        for e in lic.evidence
    ]
    evidence = f"<p>Evidence:</p><ul>{''.join(cited)}</ul>" if cited else ""
    return table + evidence + _license_terms(a)


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


def _findings(a: Assessment) -> str:
    if not a.findings:
        return "<p>No findings.</p>"
    rows = (
        (
            f'<span class="sev-{f.severity.name.lower()}">{f.severity.name.lower()}</span>',
            f'<code title="{_e(f.docs)}">{_e(f.rule_id)}</code>',
            f"<code>{_e(f.location)}</code>",
            _e(f.reason) + (f" (<code>{_e(f.trigger)}</code>)" if f.trigger else ""),
        )
        for f in a.findings
    )
    return _table(("Severity", "Rule", "Location", "Reason"), rows)


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
