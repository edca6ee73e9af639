"""`openness serve`: the observatory's dashboard and JSON API over a store.

Read-only unless a token is configured (`--token-file` or OPENNESS_SERVE_TOKEN): then the API
also starts assessments. Needs the `observatory` extra; FastAPI and uvicorn are imported only
when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .store_option import add_db_option, store_of

if TYPE_CHECKING:
    from ..observatory.web.jobs import JobsConfig

TOKEN_ENV = "OPENNESS_SERVE_TOKEN"
MAX_TOKEN_FILE_BYTES = 4096


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "serve",
        help="serve the observatory dashboard and JSON API (read-only unless given a token)",
        description="Serve a store as a web dashboard (model list with filters, model pages, "
        "compare, ecosystem charts) and a JSON API (spec at /openapi.json).\n\n"
        "Read-only by default. With a token (--token-file FILE, or the environment variable\n"
        f"{TOKEN_ENV}), POST /api/assessments starts assessments of Hub ids and of paths\n"
        "inside the --allow-root folders, for requests carrying `Authorization: Bearer TOKEN`.",
        epilog="Examples:\n  openness serve --db obs.db --port 8000\n"
        "  openness serve --db obs.db --token-file token.txt --allow-root /srv/models",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes (1); on a machine with several cores, up to one per core "
        "serves more readers at once (read-only mode only)",
    )
    p.add_argument(
        "--prerender",
        action="store_true",
        help="first render the model pages' report sections of assessments stored before "
        "this version (about 25 ms each), then serve: their pages are then read, not rendered",
    )
    jobs = p.add_argument_group("starting assessments over the API (off without a token)")
    jobs.add_argument(
        "--token-file",
        metavar="FILE",
        help=f"file holding the bearer token (at least 16 characters; else ${TOKEN_ENV})",
    )
    jobs.add_argument(
        "--allow-root",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder whose files and subfolders clients may have assessed (repeatable; "
        "default: none, only hf: ids)",
    )
    jobs.add_argument("--no-hub", action="store_true", help="refuse hf: targets (local paths only)")
    jobs.add_argument(
        "--max-targets", type=int, default=50, metavar="N", help="targets per job (50)"
    )
    jobs.add_argument(
        "--max-jobs", type=int, default=2, metavar="N", help="jobs running at once (2)"
    )
    jobs.add_argument(
        "--job-workers", type=int, default=2, metavar="N", help="worker processes per job (2)"
    )
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
    from ..observatory.store import open_store
    from ..observatory.web.app import create_app
    from ..observatory.web.warm import warm_in_background

    jobs = jobs_config(args)
    if args.prerender:
        _prerender(store_of(args))
    if not 1 <= args.workers <= 64:
        raise OpennessError("--workers must be between 1 and 64")
    if args.workers > 1:
        if jobs is not None:  # the job board lives in one process's memory
            raise OpennessError("--workers needs read-only mode (no token): jobs use one process")
        return _serve_workers(args, uvicorn)
    engine = open_store(store_of(args))
    warm_in_background(engine)  # the listing and metrics, before the first reader asks
    app = create_app(engine, jobs)
    if jobs is not None:
        import multiprocessing

        # job workers start from a clean server process, not a fork of this threaded one
        multiprocessing.set_start_method("forkserver", force=True)
        roots = ", ".join(str(r) for r in jobs.policy.allow_roots) or "none"
        hub = "on" if jobs.policy.hub else "off"
        print(
            f"openness serve: POST /api/assessments is on (bearer token); "
            f"allowed folders: {roots}; Hub targets: {hub}",
            file=sys.stderr,
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return 0


def _prerender(db: str) -> None:
    from ..observatory.report_store import prerender
    from ..observatory.store import open_store
    from .output import count_progress

    engine = open_store(db)
    with count_progress("rendering model pages") as progress:
        rendered, unreadable = prerender(engine, progress=progress)
    engine.dispose()
    skipped = f"; {unreadable} stored document(s) cannot be shown as a report" if unreadable else ""
    print(f"openness serve: rendered {rendered} model page(s){skipped}", file=sys.stderr)


def _serve_workers(args: argparse.Namespace, uvicorn: Any) -> int:
    from ..observatory.store import open_store
    from ..observatory.web.factory import DB_ENV

    db = store_of(args)
    open_store(db).dispose()  # migrate once, here, before any worker opens the store
    os.environ[DB_ENV] = db
    uvicorn.run(
        "openness.observatory.web.factory:from_environment",
        factory=True,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level="warning",
        server_header=False,
    )
    return 0


def jobs_config(args: argparse.Namespace) -> JobsConfig | None:
    """The job endpoints' configuration, or None (read-only) when no token is given."""
    from ..errors import OpennessError
    from ..observatory.web.job_board import JobLimits
    from ..observatory.web.job_targets import TargetPolicy
    from ..observatory.web.jobs import JobsConfig

    token = _token(args.token_file)
    if token is None:
        if args.allow_root or args.no_hub:
            raise OpennessError(
                f"--allow-root and --no-hub need a token (--token-file FILE or ${TOKEN_ENV})"
            )
        return None
    for name in ("max_targets", "max_jobs", "job_workers"):
        if not 1 <= getattr(args, name) <= 1000:
            raise OpennessError(f"--{name.replace('_', '-')} must be between 1 and 1000")
    limits = JobLimits(
        targets=args.max_targets, running_jobs=args.max_jobs, workers=args.job_workers
    )
    policy = TargetPolicy.of(args.allow_root, hub=not args.no_hub)
    return JobsConfig(token, policy, limits)


def _token(token_file: str | None) -> str | None:
    from ..errors import OpennessError

    if token_file is None:
        return os.environ.get(TOKEN_ENV) or None
    try:
        with Path(token_file).open("rb") as f:
            raw = f.read(MAX_TOKEN_FILE_BYTES + 1)
    except OSError as exc:
        raise OpennessError(f"cannot read --token-file {token_file}: {exc.strerror}") from None
    if len(raw) > MAX_TOKEN_FILE_BYTES:
        raise OpennessError(f"--token-file {token_file} is not a token (over 4 KiB)")
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise OpennessError(f"--token-file {token_file} is not UTF-8 text") from None
