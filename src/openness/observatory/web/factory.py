"""The app of one of several server processes (`openness serve --workers N`).

uvicorn starts each worker process fresh and builds its app by calling `from_environment`; the
store is named by the environment variable the parent set. The parent brings the schema up to
date before any worker starts, so workers never race to migrate it.
"""

from __future__ import annotations

import os
from typing import Any

DB_ENV = "OPENNESS_SERVE_WORKER_DB"


def from_environment() -> Any:
    from ...errors import OpennessError
    from ..store import open_store
    from .app import create_app
    from .warm import warm_in_background

    db = os.environ.get(DB_ENV)
    if not db:
        raise OpennessError(f"{DB_ENV} is not set: start workers with `openness serve --workers`")
    engine = open_store(db, migrate=False)
    warm_in_background(engine)
    return create_app(engine)
