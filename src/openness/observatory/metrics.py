"""Ecosystem metrics over stored releases, computed in SQL so they scale to a Hub snapshot.

Sources: `assessments` (the latest stored revision of each model) or `hub` (one metadata
snapshot, the latest by default). Both carry the same release columns (see tables.py).

Framework classes: the distribution of the MOF class reached and of the OSAID result, for
`assessments` only (metadata alone cannot rate a framework: a Hub source reports none).

Openwashing: for an assessment with framework results it is the assessment's own openwashing
findings (OPN-OWS-001..006: the card claims open source, fully open, open weights, a MOF class
or OSAID conformance, and the evidence contradicts it), counted per rule too. Otherwise
(metadata-only Hub rows, assessments from tool versions before frameworks) it is the heuristic:
a release *claims open* when its tags say open source (`open-source`, `opensource`...) or its
license name says "open source", and is *openwashing* when it claims open while its license
category is neither open-source nor open-content. The rate is openwashing releases over
releases that claim open (a release with an openwashing finding counts as claiming open).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..errors import OpennessError
from .licensing import OPEN_CATEGORIES
from .tables import LEVEL_COLUMNS, MOF_CLASSES, OSAID_RESULTS, assessments, hub_models, snapshots

#: open to closed, to tell whether a derivative's license moved towards closed
CATEGORY_RANK = {
    "open-source": 0,
    "open-content": 0,
    "restricted": 1,
    "noncommercial": 2,
    "proprietary": 3,
    "none": 3,
    "unknown": 4,
}


@dataclass(frozen=True)
class Concentration:
    """Who holds the releases (or downloads): shares of the top k and the HHI (0..1)."""

    measure: str  # releases | downloads
    total: int
    organisations: int
    top: tuple[tuple[str, int], ...]  # the largest holders, biggest first
    top_k_share: tuple[tuple[int, float], ...]
    hhi: float


@dataclass(frozen=True)
class Drift:
    derivatives: int  # releases whose base_model is in the same source
    changed: int  # ... with another license family than their base
    more_restrictive: int
    less_restrictive: int
    pairs: tuple[tuple[str, str, int], ...]  # (base family, derivative family, count)


@dataclass(frozen=True)
class Metrics:
    source: str
    releases: int
    levels: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    license_categories: tuple[tuple[str, int], ...]
    license_families: tuple[tuple[str, int], ...]
    commercial_use: tuple[tuple[str, int], ...]
    claims_open: int
    openwashing: int
    concentration: tuple[Concentration, ...]
    months: tuple[tuple[str, int, int, int], ...]  # month, releases, open license, openwashing
    drift: Drift
    #: MOF class reached / OSAID result -> releases, in the tables.py order; () for a Hub source
    mof_classes: tuple[tuple[str, int], ...] = ()
    osaid: tuple[tuple[str, int], ...] = ()
    #: releases whose openwashing comes from OPN-OWS findings (the rest: the tag heuristic)
    openwashing_by_findings: int = 0
    openwashing_rules: tuple[tuple[str, int], ...] = ()  # rule id -> releases with it

    @property
    def openwashing_rate(self) -> float | None:
        return self.openwashing / self.claims_open if self.claims_open else None


def top_k_share(values: Sequence[int], k: int) -> float:
    total = sum(values)
    return sum(sorted(values, reverse=True)[:k]) / total if total else 0.0


def hhi(values: Sequence[int]) -> float:
    """Herfindahl–Hirschman index: the sum of squared shares (1 = one holder, ~0 = spread)."""
    total = sum(values)
    return sum((v / total) ** 2 for v in values) if total else 0.0


def releases_view(engine: sa.Engine, source: str, snapshot: int | None = None) -> sa.Subquery:
    """The rows metrics read: latest revision per model, or one Hub snapshot."""
    if source == "assessments":
        # the flag a trigger keeps (migration 0005): one range of the latest-first index
        return sa.select(assessments).where(assessments.c.latest).subquery("releases")
    if source != "hub":
        raise OpennessError(f"unknown metrics source {source!r}; use assessments or hub")
    if snapshot is None:
        with engine.connect() as conn:
            snapshot = conn.execute(
                sa.select(sa.func.max(snapshots.c.id)).where(snapshots.c.complete)
            ).scalar_one_or_none()
        if snapshot is None:
            raise OpennessError("no Hub snapshot in this store; run `openness observe ingest`")
    return sa.select(hub_models).where(hub_models.c.snapshot_id == snapshot).subquery("releases")


def compute(
    engine: sa.Engine,
    source: str = "assessments",
    *,
    snapshot: int | None = None,
    ks: Sequence[int] = (1, 5, 10),
    top: int = 10,
) -> Metrics:
    r = releases_view(engine, source, snapshot)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(r)).scalar_one()
        claims = conn.execute(
            sa.select(sa.func.count()).select_from(r).where(r.c.claims_open)
        ).scalar_one()
        washing = conn.execute(
            sa.select(sa.func.count()).select_from(r).where(r.c.openwashing)
        ).scalar_one()
        return Metrics(
            source=source,
            releases=total,
            levels=tuple((name, _counts(conn, r, r.c[name])) for name in LEVEL_COLUMNS),
            license_categories=_counts(conn, r, r.c.license_category),
            license_families=_counts(conn, r, r.c.license_family),
            commercial_use=_counts(conn, r, r.c.commercial_use),
            claims_open=claims,
            openwashing=washing,
            concentration=(
                _concentration(conn, r, "releases", sa.func.count(), ks, top),
                _concentration(
                    conn, r, "downloads", sa.func.coalesce(sa.func.sum(r.c.downloads), 0), ks, top
                ),
            ),
            months=_months(conn, r),
            drift=_drift(conn, r),
            **_frameworks(conn, r),
        )


def _frameworks(conn: sa.Connection, r: sa.Subquery) -> dict[str, Any]:
    if "mof_class" not in r.c:
        return {}
    rated = r.c.openwashing_rules.is_not(None)
    per_rule: dict[str, int] = {}
    # one row per combination of rules found (a few dozen at most), split here
    for combination, count in _counts(conn, r, r.c.openwashing_rules, rated):
        for rule in filter(None, combination.split(",")):
            per_rule[rule] = per_rule.get(rule, 0) + count
    return {
        "mof_classes": _ordered(_counts(conn, r, r.c.mof_class), MOF_CLASSES),
        "osaid": _ordered(_counts(conn, r, r.c.osaid), OSAID_RESULTS),
        "openwashing_by_findings": conn.execute(
            sa.select(sa.func.count()).select_from(r).where(rated)
        ).scalar_one(),
        "openwashing_rules": tuple(sorted(per_rule.items())),
    }


def _ordered(
    counts: tuple[tuple[str, int], ...], order: Iterable[str]
) -> tuple[tuple[str, int], ...]:
    """Counts in the vocabulary's order (most open first), anything unexpected after."""
    rank = {value: i for i, value in enumerate(order)}
    return tuple(sorted(counts, key=lambda c: (rank.get(c[0], len(rank)), c[0])))


def _counts(
    conn: sa.Connection, r: sa.Subquery, column: Any, *where: Any
) -> tuple[tuple[str, int], ...]:
    n = sa.func.count().label("n")
    query = sa.select(column, n).where(*where).group_by(column).order_by(n.desc(), column)
    return tuple((str(value), int(count)) for value, count in conn.execute(query).all())


def _concentration(
    conn: sa.Connection,
    r: sa.Subquery,
    measure: str,
    aggregate: Any,
    ks: Sequence[int],
    top: int,
) -> Concentration:
    query = (
        sa.select(r.c.author, aggregate.label("v"))
        .where(r.c.author.is_not(None))
        .group_by(r.c.author)
    )
    held = [(str(a), int(v)) for a, v in conn.execute(query).all() if v]
    held.sort(key=lambda x: (-x[1], x[0]))
    values = [v for _, v in held]
    return Concentration(
        measure=measure,
        total=sum(values),
        organisations=len(held),
        top=tuple(held[:top]),
        top_k_share=tuple((k, top_k_share(values, k)) for k in ks),
        hhi=hhi(values),
    )


def _months(conn: sa.Connection, r: sa.Subquery) -> tuple[tuple[str, int, int, int], ...]:
    open_license = sa.func.sum(sa.case((r.c.license_category.in_(OPEN_CATEGORIES), 1), else_=0))
    washing = sa.func.sum(sa.case((r.c.openwashing, 1), else_=0))
    query = (
        sa.select(r.c.created_month, sa.func.count(), open_license, washing)
        .where(r.c.created_month.is_not(None))
        .group_by(r.c.created_month)
        .order_by(r.c.created_month)
    )
    return tuple((str(m), int(n), int(o or 0), int(w or 0)) for m, n, o, w in conn.execute(query))


def _drift(conn: sa.Connection, r: sa.Subquery) -> Drift:
    parent = r.alias("parent")
    child = r.alias("child")
    n = sa.func.count().label("n")
    query = (
        sa.select(
            parent.c.license_family,
            child.c.license_family,
            parent.c.license_category,
            child.c.license_category,
            n,
        )
        .select_from(child.join(parent, child.c.base_model == parent.c.model))
        .group_by(
            parent.c.license_family,
            child.c.license_family,
            parent.c.license_category,
            child.c.license_category,
        )
    )
    derivatives = changed = tighter = looser = 0
    pairs: dict[tuple[str, str], int] = {}
    for pf, cf, pc, cc, count in conn.execute(query):
        derivatives += count
        if pf == cf:
            continue
        changed += count
        pairs[(pf, cf)] = pairs.get((pf, cf), 0) + count
        step = CATEGORY_RANK.get(cc, 4) - CATEGORY_RANK.get(pc, 4)
        tighter += count if step > 0 else 0
        looser += count if step < 0 else 0
    ordered = sorted(pairs.items(), key=lambda x: (-x[1], x[0]))
    return Drift(derivatives, changed, tighter, looser, tuple((p, c, k) for (p, c), k in ordered))
