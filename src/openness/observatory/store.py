"""Open a store by URL and bring its schema up to date with Alembic.

SQLite (the default) runs in WAL mode with one writer: the batch runner writes from its parent
process only, so readers (metrics, a dashboard) never block it. PostgreSQL serves shared
deployments (`postgresql://user@host/db`, driven by psycopg 3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import OpennessError

DEFAULT_DB = "openness-observatory.db"


def engine_url(db: str) -> str:
    """A SQLAlchemy URL for `--db`: a URL as given, or a bare path meaning a SQLite file."""
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser()}"
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    return db


def open_store(db: str, *, migrate: bool = True) -> sa.Engine:
    """An engine on an up-to-date store; a clear OpennessError when it cannot be reached."""
    url = engine_url(db)
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise OpennessError(f"cannot use database {db!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        try:
            upgrade(engine)
        except sa.exc.DatabaseError as exc:  # unreachable, or not a database at all
            raise OpennessError(f"cannot open database {db!r}: {exc.orig}") from None
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        rev: str | None = MigrationContext.configure(connection).get_current_revision()
        return rev
