"""Server-rendered pages: the project's own Jinja2 templates, autoescape always on."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ... import __version__
from ...errors import OpennessError
from ...formats import context, html_sections
from ...model import Attribute
from ...serialize import assessment_from_data
from .. import report_store
from ..metrics import Metrics, compute
from ..tables import MOF_CLASSES, OSAID_RESULTS
from . import charts, list_rows, queries
from .cache import cache_for
from .links import Links
from .local_paths import without_local_paths

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
#: scripts and remote loads are forbidden; styles come from our own vendored sheet
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: meta CSP of the static site: `frame-ancestors` is ignored (and logged) in a <meta> element;
#: the server sends its full policy as a header instead
SITE_CSP = CSP.replace("; frame-ancestors 'none'", "")
UNRATED_COLOUR = "#8c959f"
ATTRIBUTES = [(a.value, a.label) for a in Attribute]


@cache
def environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        auto_reload=False,  # templates are package data: a stat per render was ~5% of a page
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, links: Links, **context: Any) -> str:
    template = environment().get_template(name)
    text: str = template.render(
        links=links,
        csp=SITE_CSP,
        version=__version__,
        attributes=ATTRIBUTES,
        when=when,
        count=count,
        **context,
    )
    return text


def when(value: object) -> str:
    """A stored time as a reader wants it: to the minute, UTC, no microseconds."""
    from datetime import datetime

    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value or "")


def count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "—"


def list_page(engine: sa.Engine, links: Links, filters: queries.Filters, page: queries.Page) -> str:
    from markupsafe import Markup

    def form() -> str:
        return _render(
            "list_form.html",
            links,
            filters=filters,
            families=queries.license_families(engine),
            levels=queries.LEVELS,
            commercial=queries.COMMERCIAL_USE,
            mof_classes=MOF_CLASSES,
            osaid_results=OSAID_RESULTS,
        )

    # the filter form (rendered with autoescape) is the same on every page of a filter: written
    # once per store version; the static site has none
    key = ("list form", queries.filter_key(filters))
    return _render(
        "list.html",
        links,
        page=page,
        rows=list_rows.rows_html(page.rows, links),
        form="" if links.static_site else Markup(cache_for(engine).get(key, form)),
        params=_with_per_page(filters.as_params(), page.per_page),
    )


def _with_per_page(params: dict[str, str], per_page: int) -> dict[str, str]:
    return params if per_page == queries.DEFAULT_PER_PAGE else {**params, "per_page": str(per_page)}


def model_page(
    engine: sa.Engine,
    links: Links,
    model: str,
    revision: str | None = None,
    shown_as: str | None = None,
) -> str:
    """The stored assessment, rendered by the HTML report's renderer (html_sections) from the
    same report context; `shown_as` names the model where its id must not be shown (a local
    path on a published site). The server's page uses the rendering stored with the assessment
    (report_store.py) when there is one of this renderer."""
    from markupsafe import Markup

    # a stored rendering holds the model's id and local links: not for a published site
    renderer = report_store.renderer() if shown_as is None and not links.static_site else None
    with queries.reading(engine) as conn:
        found = queries.model_revisions(conn, model, revision, renderer)
        record, history = found.record, found.history
        stored = report_store.from_parts(*found.rendering) if found.rendering else None
        document = queries.document_of(conn, record["id"]) if stored is None else None
    chart = charts.attribute_chart({a: record[a] for a, _ in ATTRIBUTES}, label=shown_as or model)
    if stored is not None:
        report, problem = stored.around(chart), ""
    else:
        report, problem = _report(links, model, document, chart, shown_as)
    return _render(
        "model.html",
        links,
        record=record,
        shown=shown_as or model,
        mof_classes=MOF_CLASSES,
        osaid_results=OSAID_RESULTS,
        chart=chart,
        report=Markup(report),  # built from escaped parts by html_sections
        problem=problem,
        history=history,
    )


def _report(
    links: Links, model: str, document: Any, chart: str, shown_as: str | None
) -> tuple[str, str]:
    """(report sections, "") rendered from the stored document, or ("", why it cannot be)."""
    try:
        if shown_as is not None:
            document = without_local_paths(document, model, shown_as)
        view = context.build(assessment_from_data(document))
    except OpennessError as exc:  # an older or damaged document: the record's columns remain
        return "", str(exc)
    return html_sections.sections(view, chart, local_links=not links.static_site), ""


def compare_page(engine: sa.Engine, links: Links, models: list[str]) -> str:
    records = [queries.model_record(engine, m, document=False) for m in models]
    columns = [
        {
            "record": r,
            "chart": charts.attribute_chart(
                {a: r[a] for a, _ in ATTRIBUTES}, label=r["model"], compact=True
            ),
        }
        for r in records
    ]
    return _render(
        "compare.html", links, columns=columns, mof_classes=MOF_CLASSES, osaid_results=OSAID_RESULTS
    )


def ecosystem_page(engine: sa.Engine, links: Links, metrics: Metrics | None = None) -> str:
    m = metrics or compute(engine, "assessments")
    return _render(
        "ecosystem.html",
        links,
        m=m,
        levels_chart=charts.level_distribution(m.levels),
        family_chart=charts.bar_chart(m.license_families[:15], "License families"),
        commercial_chart=charts.bar_chart(m.commercial_use, "Commercial use", "#8250df"),
        month_chart=charts.month_chart(m.months[-36:]),
        org_chart=charts.bar_chart(m.concentration[0].top, "Releases by organisation", "#bf8700"),
        mof_chart=_labelled_chart(m.mof_classes, MOF_CLASSES, "MOF class reached", "#1a7f37"),
        osaid_chart=_labelled_chart(m.osaid, OSAID_RESULTS, "OSAID 1.0", "#8250df"),
    )


def _labelled_chart(
    counts: tuple[tuple[str, int], ...], labels: dict[str, str], title: str, colour: str
) -> Any:
    # a release that reaches nothing is not drawn in the colour of the ones that do
    grey = {labels.get(k, k): UNRATED_COLOUR for k in ("none", "unknown", "fail")}
    return charts.bar_chart([(labels.get(k, k), n) for k, n in counts], title, colour, grey)


def error_page(links: Links, status: int, message: str) -> str:
    return _render("error.html", links, status=status, message=message)
