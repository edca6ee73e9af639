"""The observatory: many assessments stored, compared over time and summarised.

`store` (SQLAlchemy 2 + Alembic; SQLite by default, PostgreSQL for shared deployments),
`batch` (resumable runs over many targets, local pool or Dask), `diff`, `metrics` and
`metadata` (Hub-scale rating of a metadata snapshot with DuckDB). Everything here needs the
`observatory` extra and is imported lazily by the CLI.

>>> import openness.observatory as obs
>>> models = obs.load("obs.db")                     # doctest: +SKIP
>>> ratings = obs.load("obs.db", table="ratings")   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any


def load(db: Any, table: str = "assessments") -> Any:
    """A table of the store (a path, URL or SQLAlchemy engine) as a `pyarrow.Table`: one row
    per assessment (`assessments`) or per assessment and attribute (`ratings`); see
    observatory/dataframes.py and docs/observatory.md."""
    from .dataframes import load as load_table

    return load_table(db, table)
