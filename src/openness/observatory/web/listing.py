"""The latest revision of every model as columns in memory, read once per store version.

A filter the dashboard has not seen since the last write used to cost one pass over the listing
index in SQL (15-35 ms at 100,000 assessments, for its count and page boundaries). Here the pass
is made once per store version for every filter: the filtered columns are kept as arrays of
small integer codes, a filter is a few vectorised comparisons (well under a millisecond), a
search a substring test over the model ids. Every column a list row shows is kept too, so a page
of rows costs no query (reading them by id was a fifth of a list page's server time).

Matching follows the SQL it replaces: a search is SQL `LIKE`, which folds ASCII case on SQLite
and not on PostgreSQL; models are kept in the database's `ORDER BY model` order.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from ..licensing import OPEN_CATEGORIES
from ..tables import LEVEL_COLUMNS, LIST_COLUMNS, assessments

if TYPE_CHECKING:
    import numpy as np

#: kept per model: what a list row shows and what filters read
COLUMNS = LIST_COLUMNS
#: few distinct values, kept once each
SHARED = ("author", "license_id", "license_family", "license_category", "commercial_use",
          "max_severity", *LEVEL_COLUMNS, "mof_class", "osaid")  # fmt: skip
CODED = ("license_family", "commercial_use", *LEVEL_COLUMNS, "mof_class", "osaid")
SEPARATOR = "\0"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Filters(Protocol):
    """What a list is narrowed by (queries.Filters); None or empty means any."""

    @property
    def q(self) -> str | None: ...
    @property
    def license_family(self) -> str | None: ...
    @property
    def commercial_use(self) -> str | None: ...
    @property
    def open_weights(self) -> bool | None: ...
    @property
    def levels(self) -> dict[str, str]: ...
    @property
    def mof_class(self) -> str | None: ...
    @property
    def osaid(self) -> str | None: ...


@dataclass(frozen=True)
class Coded:
    codes: np.ndarray  # one int32 per model
    code_of: dict[str, int]


@dataclass(frozen=True)
class Listing:
    columns: dict[str, list[Any]]  # COLUMNS -> one value per model, models in list order
    coded: dict[str, Coded]
    open_weights: np.ndarray  # bool per model: weights read and an open license category
    searched: list[str]  # the model ids as a search matches them
    fold_case: bool
    haystack: str  # the searched ids, each after a SEPARATOR
    starts: list[int]  # where each searched id starts in the haystack

    @property
    def size(self) -> int:
        return len(self.columns["model"])

    def select(self, filters: Filters) -> np.ndarray:
        """Positions (in list order) of the models the filters keep."""
        import numpy as np

        keep = np.ones(self.size, dtype=bool)
        wanted = {
            "license_family": filters.license_family,
            "commercial_use": filters.commercial_use,
            **{k: v for k, v in filters.levels.items() if k in LEVEL_COLUMNS},
            "mof_class": filters.mof_class,
            "osaid": filters.osaid,
        }
        for column, value in wanted.items():
            if value:
                coded = self.coded[column]
                code = coded.code_of.get(value)
                if code is None:
                    return np.empty(0, dtype=np.int64)
                keep &= coded.codes == code
        if filters.open_weights is not None:
            keep &= self.open_weights if filters.open_weights else ~self.open_weights
        if filters.q:
            needle = filters.q.translate(_ASCII_LOWER) if self.fold_case else filters.q
            found = np.array(self._containing(needle), dtype=np.int64)
            return found[keep[found]] if len(found) else found
        return np.flatnonzero(keep)

    def _containing(self, needle: str) -> list[int]:
        """Positions of the models whose (searched) id contains `needle`, in order: found in
        one string of every id, each after a NUL, so a model costs nothing unless it matches
        (a search that matches most models tests each id: one find per match costs more)."""
        text, starts, found = self.haystack, self.starts, []
        if SEPARATOR in needle or text.count(needle) > max(len(starts) // 16, 64):
            return [i for i, m in enumerate(self.searched) if needle in m]
        at = text.find(needle)
        while at >= 0:
            i = bisect_right(starts, at) - 1
            found.append(i)
            at = text.find(needle, starts[i + 1]) if i + 1 < len(starts) else -1
        return found

    def rows(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        columns = self.columns
        return [{name: columns[name][i] for name in COLUMNS} for i in positions]


def load(engine: sa.Engine) -> Listing:
    """Read the listing once: every list column of the latest revision of every model, by id."""
    import numpy as np

    latest = assessments.c.latest == sa.true()  # the flag of migration 0005, as queries.py reads it
    query = sa.select(*(assessments.c[n] for n in COLUMNS)).where(latest)
    with engine.connect() as conn:
        found = conn.execute(query.order_by(assessments.c.model)).all()
    columns: dict[str, list[Any]] = {n: [r[i] for r in found] for i, n in enumerate(COLUMNS)}
    for name in SHARED:
        once: dict[Any, Any] = {}
        columns[name] = [once.setdefault(v, v) for v in columns[name]]
    coded = {name: _coded(columns[name]) for name in CODED}
    weights = np.fromiter(
        (p is not None and c in OPEN_CATEGORIES
         for p, c in zip(columns["parameters"], columns["license_category"], strict=True)),
        dtype=bool, count=len(found),
    )  # fmt: skip
    fold = engine.dialect.name == "sqlite"  # SQLite's LIKE folds ASCII case
    searched = [m.translate(_ASCII_LOWER) for m in columns["model"]] if fold else columns["model"]
    built = Listing(columns, coded, weights, searched, fold, *search_index(searched))
    # long-lived: a full collection walked its columns' items on every pass, a ~90 ms pause of
    # every request at 100,000 assessments; frozen objects are still freed when unreferenced
    gc.freeze()
    return built


def search_index(searched: list[str]) -> tuple[str, list[int]]:
    """(every id after a SEPARATOR in one string, where each id starts in it)."""
    starts, at = [], 0
    for m in searched:
        starts.append(at + 1)
        at += len(m) + 1
    return "".join(SEPARATOR + m for m in searched), starts


def _coded(values: list[Any]) -> Coded:
    import numpy as np

    code_of: dict[str, int] = {}
    codes = np.fromiter(
        (code_of.setdefault(v, len(code_of)) for v in values), dtype=np.int32, count=len(values)
    )
    return Coded(codes, code_of)
