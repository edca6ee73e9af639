"""Read-only queries the dashboard needs: the filtered model list, one model, its history."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ...errors import OpennessError
from ..licensing import OPEN_CATEGORIES
from ..tables import LEVEL_COLUMNS, assessments

LEVELS = ("open", "partial", "closed", "unknown")
COMMERCIAL_USE = ("yes", "conditional", "no", "unknown")
PER_PAGE_MAX = 200
DEFAULT_PER_PAGE = 50

#: the columns a list row shows (never the document: lists stay light at any size)
LIST_COLUMNS = (
    "model",
    "revision",
    "author",
    "assessed_at",
    "license_id",
    "license_family",
    "license_category",
    "commercial_use",
    "claims_open",
    "openwashing",
    "parameters",
    "findings",
    "max_severity",
    "complete",
    *LEVEL_COLUMNS,
    "mof_class",
    "osaid",
)


@dataclass(frozen=True)
class Filters:
    """What the model list can be narrowed by; None means any."""

    q: str | None = None  # a substring of the model id
    license_family: str | None = None
    commercial_use: str | None = None
    open_weights: bool | None = None
    levels: dict[str, str] = field(default_factory=dict)  # attribute -> level
    mof_class: str | None = None  # exactly this class (I, II, III, none, unknown)
    osaid: str | None = None  # pass, fail, unknown

    def with_frameworks(self, mof_class: str | None, osaid: str | None) -> Filters:
        return replace(self, mof_class=mof_class or None, osaid=osaid or None)

    def as_params(self) -> dict[str, str]:
        params = {
            k: v
            for k, v in (
                ("q", self.q),
                ("license_family", self.license_family),
                ("commercial_use", self.commercial_use),
                ("mof_class", self.mof_class),
                ("osaid", self.osaid),
            )
            if v
        }
        if self.open_weights is not None:
            params["open_weights"] = "true" if self.open_weights else "false"
        params.update({k: v for k, v in self.levels.items() if v})
        return params


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def is_latest() -> Any:
    """The row is its model's latest stored revision: no later row of the same model.

    Written as NOT EXISTS so both sides run on the listing index (migrations 0002, 0003), never
    on the large rows.
    """
    later = assessments.alias("later")
    return ~sa.exists().where(later.c.model == assessments.c.model, later.c.id > assessments.c.id)


def open_weights_clause() -> Any:
    """Weights were read (a parameter count) and the license is open-source or open-content."""
    return sa.and_(
        assessments.c.parameters.is_not(None),
        assessments.c.license_category.in_(OPEN_CATEGORIES),
    )


def _where(filters: Filters) -> list[Any]:
    c = assessments.c
    where: list[Any] = [is_latest()]
    if filters.q:
        where.append(c.model.contains(filters.q, autoescape=True))
    if filters.license_family:
        where.append(c.license_family == filters.license_family)
    if filters.commercial_use:
        where.append(c.commercial_use == filters.commercial_use)
    if filters.open_weights is not None:
        clause = open_weights_clause()
        where.append(clause if filters.open_weights else sa.not_(clause))
    for attribute, level in filters.levels.items():
        if attribute in LEVEL_COLUMNS and level:
            where.append(c[attribute] == level)
    if filters.mof_class:
        where.append(c.mof_class == filters.mof_class)
    if filters.osaid:
        where.append(c.osaid == filters.osaid)
    return where


def list_models(
    engine: sa.Engine, filters: Filters, page: int = 1, per_page: int = DEFAULT_PER_PAGE
) -> Page:
    per_page = min(max(per_page, 1), PER_PAGE_MAX)
    page = max(page, 1)
    where = _where(filters)
    # two steps: the page's ids from the listing index, then only those rows (large ones)
    ids = (
        sa.select(assessments.c.id)
        .where(*where)
        .order_by(assessments.c.model)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    columns = [assessments.c[name] for name in LIST_COLUMNS]
    with engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(assessments).where(*where)
        ).scalar_one()
        chosen = list(conn.execute(ids).scalars())
        query = sa.select(*columns).where(assessments.c.id.in_(chosen))
        rows = [_row(r) for r in conn.execute(query.order_by(assessments.c.model))]
    return Page(rows, int(total), page, per_page)


def license_families(engine: sa.Engine) -> list[str]:
    query = (
        sa.select(assessments.c.license_family).distinct().order_by(assessments.c.license_family)
    )
    with engine.connect() as conn:
        return [str(v) for v in conn.execute(query).scalars()]


def model_record(engine: sa.Engine, model: str, revision: str | None = None) -> dict[str, Any]:
    """The stored row of model@revision (latest without one), document included."""
    query = sa.select(assessments).where(assessments.c.model == model)
    query = query.where(assessments.c.revision == revision) if revision else query
    with engine.connect() as conn:
        row = conn.execute(query.order_by(assessments.c.id.desc()).limit(1)).first()
    if row is None:
        at = f"@{revision}" if revision else ""
        raise OpennessError(f"no stored assessment for {model}{at}")
    return _row(row)


def model_history(engine: sa.Engine, model: str) -> list[dict[str, Any]]:
    columns = [assessments.c[name] for name in LIST_COLUMNS]
    query = (
        sa.select(*columns).where(assessments.c.model == model).order_by(assessments.c.id.desc())
    )
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def all_models(engine: sa.Engine) -> list[str]:
    query = sa.select(assessments.c.model).where(is_latest())
    with engine.connect() as conn:
        return [str(m) for m in conn.execute(query.order_by(assessments.c.model)).scalars()]


def _row(row: Any) -> dict[str, Any]:
    """A row as a dict; SQLite gives back naive datetimes, which were stored as UTC."""
    out = dict(row._mapping)
    when = out.get("assessed_at")
    if isinstance(when, datetime) and when.tzinfo is None:
        out["assessed_at"] = when.replace(tzinfo=UTC)
    return out
