"""What every page needs from the whole store, built when the server starts, not by the first
reader: the model listing, the license families of the filter form, the ecosystem metrics.

Each server process (`--workers`) has its own caches, so each builds them; a store write
later invalidates them as usual and the next request rebuilds what it needs.
"""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any

import sqlalchemy as sa

from ...errors import OpennessError
from ..metrics import compute
from . import queries
from .cache import cache_for


def ecosystem_metrics(engine: sa.Engine) -> Any:
    """The ecosystem metrics of this store version."""
    return cache_for(engine).get(("metrics",), lambda: compute(engine))


def warm(engine: sa.Engine) -> None:
    queries.list_models(engine, queries.Filters(), 1)
    queries.license_families(engine)
    ecosystem_metrics(engine)
    # what start-up built (modules, caches) lives as long as the server: full collections
    # need not walk it again (tens of ms each, felt as a stall by every request in flight)
    gc.collect()
    gc.freeze()


def warm_in_background(engine: sa.Engine) -> threading.Thread:
    def run() -> None:
        try:
            warm(engine)
        except (sa.exc.SQLAlchemyError, OpennessError) as exc:
            print(f"openness serve: caches built on first use ({exc})", file=sys.stderr)

    thread = threading.Thread(target=run, name="openness-serve-warm", daemon=True)
    thread.start()
    return thread
