"""The observatory: many assessments stored, compared over time and summarised.

`store` (SQLAlchemy 2 + Alembic; SQLite by default, PostgreSQL for shared deployments),
`batch` (resumable runs over many targets, local pool or Dask), `diff`, `metrics` and
`metadata` (Hub-scale rating of a metadata snapshot with DuckDB). Everything here needs the
`observatory` extra and is imported lazily by the CLI.
"""
