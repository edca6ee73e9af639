"""Read-only queries the dashboard needs: the filtered model list, one model, its history."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ...errors import OpennessError
from ..licensing import OPEN_CATEGORIES
from ..tables import LEVEL_COLUMNS, LIST_COLUMNS, assessments, report_sections
from . import listing
from .cache import cache_for

LEVELS = ("open", "partial", "closed", "unknown")
COMMERCIAL_USE = ("yes", "conditional", "no", "unknown")
PER_PAGE_MAX = 200
DEFAULT_PER_PAGE = 50


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
    #: the keyset cursor of the next page (its rows sort after this model id), None on the last
    next_after: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def is_latest() -> Any:
    """The row is its model's latest stored revision: the flag a database trigger keeps on every
    insert (migration 0005), first column of the listing index `ix_assessments_latest`."""
    return assessments.c.latest == sa.true()


def open_weights_clause() -> Any:
    """Weights were read (a parameter count) and the license is open-source or open-content."""
    return sa.and_(
        assessments.c.parameters.is_not(None),
        assessments.c.license_category.in_(OPEN_CATEGORIES),
    )


def _where(filters: Filters) -> list[Any]:
    """The filters in SQL: what `listing.Listing.select` computes in memory, and must match."""
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
    engine: sa.Engine,
    filters: Filters,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    after: str | None = None,
) -> Page:
    """One page of the latest revisions, by model id: page `page`, or with `after` the page
    that starts right after that model id (keyset pagination).

    The models a filter keeps come from the listing held in memory per store version
    (`listing.py`) with their rows, never from skipping rows.
    """
    per_page = min(max(per_page, 1), PER_PAGE_MAX)
    cache = cache_for(engine)
    listed = cache.get(("listing",), lambda: listing.load(engine))
    kept = cache.get(("kept", filter_key(filters)), lambda: listed.select(filters))
    total = len(kept)
    models = listed.columns["model"]
    if after is not None:
        first = bisect_right(_KeyedBy(models, kept), after)
        page = first // per_page + 1
    else:
        page = max(page, 1)
        first = (page - 1) * per_page
    chosen = [int(i) for i in kept[first : first + per_page + 1]]
    more = len(chosen) > per_page
    rows = [_row_of(r) for r in listed.rows(chosen[:per_page])]
    if after is not None and not rows:
        page = -(-total // per_page) + 1
    return Page(rows, total, page, per_page, rows[-1]["model"] if more else None)


class _KeyedBy:
    """The kept models' ids as a sorted sequence, for bisect (without copying them out)."""

    def __init__(self, models: list[str], kept: Any) -> None:
        self.models, self.kept = models, kept

    def __len__(self) -> int:
        return len(self.kept)

    def __getitem__(self, i: int) -> str:
        return self.models[int(self.kept[i])]


def filter_key(filters: Filters) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(filters.as_params().items()))


def license_families(engine: sa.Engine) -> list[str]:
    query = (
        sa.select(assessments.c.license_family).distinct().order_by(assessments.c.license_family)
    )

    def read() -> list[str]:
        with engine.connect() as conn:
            return [str(v) for v in conn.execute(query).scalars()]

    families: list[str] = cache_for(engine).get(("families",), read)
    return families


def model_record(
    engine: sa.Engine | sa.Connection,
    model: str,
    revision: str | None = None,
    *,
    document: bool = True,
) -> dict[str, Any]:
    """The stored row of model@revision (latest without one), document included unless
    `document=False` (a page that shows only the columns: the ~30 KB JSON is not decoded)."""
    columns = [c for c in assessments.c if document or c.name != "document"]
    query = sa.select(*columns).where(assessments.c.model == model)
    query = query.where(assessments.c.revision == revision) if revision else query
    with connected(engine) as conn:
        row = conn.execute(query.order_by(assessments.c.id.desc()).limit(1)).first()
    if row is None:
        at = f"@{revision}" if revision else ""
        raise OpennessError(f"no stored assessment for {model}{at}")
    return _row(row)


@dataclass(frozen=True)
class Revisions:
    """What a model page shows of the store: the chosen row, every row of the model (newest
    first), the stored rendering's parts of the chosen row (None when there is none)."""

    record: dict[str, Any]
    history: list[dict[str, Any]]
    rendering: tuple[bytes, bytes] | None


def model_revisions(
    conn: sa.Connection, model: str, revision: str | None, renderer: str | None = None
) -> Revisions:
    """The row of model@revision (latest without one) and every stored row of the model, the
    document left out; with `renderer`, the chosen row's stored rendering of that renderer
    too. One query (on PostgreSQL each round trip was a fifth of a model page)."""
    a, r = assessments.c, report_sections.c
    columns = [c for c in assessments.c if c.name != "document"]
    chosen_id = sa.select(sa.func.max(a.id)).where(a.model == model)
    if revision:
        chosen_id = chosen_id.where(a.revision == revision)
    joined = assessments.outerjoin(
        report_sections,
        sa.and_(
            r.assessment_id == a.id,
            r.renderer == (renderer or ""),
            a.id == chosen_id.scalar_subquery(),
        ),
    )
    query = sa.select(*columns, r.head, r.tail).select_from(joined).where(a.model == model)
    history, rendering = [], None
    for row in conn.execute(query.order_by(a.id.desc())):
        values = dict(row._mapping)
        head, tail = values.pop("head"), values.pop("tail")
        if head is not None and tail is not None:
            rendering = (bytes(head), bytes(tail))
        history.append(_row_of(values))
    chosen = next((h for h in history if not revision or h["revision"] == revision), None)
    if chosen is None:
        at = f"@{revision}" if revision else ""
        raise OpennessError(f"no stored assessment for {model}{at}")
    return Revisions(chosen, history, rendering if renderer else None)


def document_of(conn: sa.Connection, assessment_id: int) -> Any:
    """The stored document of an assessment read by its id."""
    query = sa.select(assessments.c.document).where(assessments.c.id == assessment_id)
    return conn.execute(query).scalar_one()


def model_history(engine: sa.Engine | sa.Connection, model: str) -> list[dict[str, Any]]:
    columns = [assessments.c[name] for name in LIST_COLUMNS]
    query = (
        sa.select(*columns).where(assessments.c.model == model).order_by(assessments.c.id.desc())
    )
    with connected(engine) as conn:
        return [_row(r) for r in conn.execute(query)]


@contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection for a page's reads, outside any transaction: on PostgreSQL the BEGIN and
    the pool's ROLLBACK were two of a model page's five round trips."""
    with engine.connect() as conn:
        yield conn.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def connected(bind: sa.Engine | sa.Connection) -> Iterator[sa.Connection]:
    """A connection: the one given (a page's queries share one checkout, ~0.3 ms each), or a
    new one from the engine."""
    if isinstance(bind, sa.Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def all_models(engine: sa.Engine) -> list[str]:
    query = sa.select(assessments.c.model).where(is_latest())
    with engine.connect() as conn:
        return [str(m) for m in conn.execute(query.order_by(assessments.c.model)).scalars()]


class Row(dict[str, Any]):
    """A stored row: a plain dict (JSON, the API) whose columns templates also read as
    attributes. Jinja tries an attribute before an item; on a bare dict every `r.model` raised
    and caught an AttributeError first, a third of a list page's rendering."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.__dict__.update(values)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.__dict__[key] = value


def _row(row: Any) -> dict[str, Any]:
    return _row_of(dict(row._mapping))


def _row_of(out: dict[str, Any]) -> dict[str, Any]:
    """A row as a dict; SQLite gives back naive datetimes, which were stored as UTC."""
    when = out.get("assessed_at")
    if isinstance(when, datetime) and when.tzinfo is None:
        out["assessed_at"] = when.replace(tzinfo=UTC)
    return Row(out)
