"""`openness serve`: the observatory's dashboard and JSON API over a store (read-only).

Needs the `observatory` extra; FastAPI and uvicorn are imported only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from .observe import DB_HELP


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "serve",
        help="serve the observatory dashboard and JSON API (read-only)",
        description="Serve a store as a web dashboard (model list with filters, model pages, "
        "compare, ecosystem charts) and a read-only JSON API (spec at /openapi.json).",
        epilog="Example:\n  openness serve --db obs.db --port 8000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--db", default=None, help=DB_HELP)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (8000)")
    p.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from ..errors import OpennessError

    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise OpennessError(
            "the dashboard needs its extra: pip install 'openness[observatory]'"
        ) from None
    from ..observatory.store import DEFAULT_DB, open_store
    from ..observatory.web.app import create_app

    app = create_app(open_store(args.db or DEFAULT_DB))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return 0
