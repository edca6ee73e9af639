"""`openness observe`: the observatory — batch runs into a store, Hub snapshots, metrics.

Needs the `observatory` extra (SQLAlchemy, Alembic, DuckDB...); imported only when run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .store_option import add_db_option, store_of


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "observe",
        help="batch runs, Hub metadata snapshots and ecosystem metrics in a store",
        description="The observatory: store many assessments (keyed by model and revision), "
        "rate Hub metadata snapshots, and summarise the ecosystem.",
        epilog="Examples:\n  openness observe run targets.txt --db obs.db\n"
        "  openness observe ingest hub-snapshot.parquet --db obs.db\n"
        "  openness observe metrics --db obs.db --source hub --format markdown",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="observe_command", metavar="ACTION", required=True)

    run = sub.add_parser(
        "run",
        help="assess every target in a file, or a Hub query, and store the results (resumable)",
        description="Assess every target listed in TARGETS_FILE (one per line; `MODEL<TAB>"
        "TARGET`\nnames the model; # comments), or the models a Hub search lists "
        "(--hub-query), and store\neach assessment as it completes. Rerunning skips targets "
        "already stored unchanged,\nand retries failures.",
        epilog=HUB_QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "targets_file", metavar="TARGETS_FILE", nargs="?", help="targets, one per line"
    )
    run.add_argument(
        "--hub-query",
        metavar="QUERY",
        help="instead of TARGETS_FILE: the models this Hub search lists, e.g. "
        "'author=meta-llama&pipeline_tag=text-generation&sort=downloads'",
    )
    run.add_argument(
        "--limit",
        type=int,
        default=None,
        help="with --hub-query: at most this many models (default 100, at most 10,000)",
    )
    run.add_argument(
        "--refresh",
        action="store_true",
        help="with --hub-query: list again instead of resuming the saved listing",
    )
    run.add_argument(
        "--expansion",
        metavar="FILE",
        help="with --hub-query: where the listing is saved (default: beside a SQLite store, "
        "else in the current folder)",
    )
    add_db_option(run)
    run.add_argument("-j", "--workers", type=int, default=2, help="parallel assessments (2)")
    run.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run on Dask distributed: a scheduler address, or `local` for a LocalCluster",
    )
    run.add_argument("--retries", type=int, default=2, help="Dask retries per target (2)")
    run.set_defaults(run=_run)

    ingest = sub.add_parser(
        "ingest",
        help="rate every row of a Hub metadata snapshot (Parquet) and store it",
        description="Rate each model of a Hub metadata snapshot on what metadata alone can "
        "show (license, weights formats, config, card metadata), vectorised with DuckDB.",
    )
    ingest.add_argument("snapshot", metavar="SNAPSHOT.parquet")
    add_db_option(ingest)
    ingest.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    ingest.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB")
    ingest.set_defaults(run=_ingest)

    metrics = sub.add_parser("metrics", help="ecosystem metrics over the store")
    add_db_option(metrics)
    metrics.add_argument(
        "--source",
        choices=("assessments", "hub"),
        default="assessments",
        help="stored assessments (latest per model) or the latest Hub snapshot",
    )
    metrics.add_argument("--snapshot", type=int, default=None, help="Hub snapshot id")
    metrics.add_argument(
        "-f", "--format", choices=("terminal", "markdown", "json"), default="terminal"
    )
    metrics.add_argument("-o", "--output", metavar="FILE")
    metrics.set_defaults(run=_metrics)

    history = sub.add_parser("list", help="stored assessments: model, revision, levels")
    add_db_option(history)
    history.add_argument("model", nargs="?", help="only this model")
    history.set_defaults(run=_list)

    export = sub.add_parser(
        "export",
        help="write the store as Parquet or CSV: one row per assessment, or per rating",
        description="Write a table of the store for pandas, DuckDB, spreadsheets: "
        "`assessments` (one row per stored assessment, the store's columns without the JSON "
        "document) or `ratings` (one row per assessment and attribute of openness: level and "
        "rationale, joined to assessments by assessment_id).",
        epilog="Examples:\n  openness observe export --db obs.db -o models.parquet\n"
        "  openness observe export --db obs.db --table ratings --format csv -o ratings.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_option(export)
    export.add_argument(
        "--table", choices=("assessments", "ratings"), default="assessments", help="(assessments)"
    )
    export.add_argument("-f", "--format", choices=("parquet", "csv"), default="parquet")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(run=_export)

    publish = sub.add_parser(
        "publish",
        help="write the dashboard's pages and data (JSON, Parquet) as a static site",
        description="Write the model list, a page per model, the ecosystem page and the data "
        "(data/models.json, data/models.parquet, data/models/*.json, data/metrics.json) into a "
        "folder any web server can host. Filters and compare need `openness serve`.",
    )
    add_db_option(publish)
    publish.add_argument("--out", required=True, metavar="DIR", help="output folder")
    publish.set_defaults(run=_publish)


HUB_QUERY_HELP = """\
A Hub query is what the Hub's model search (GET /api/models) takes, written as a URL query:
  search=TEXT          ids containing TEXT
  author=ORG           one user or organisation
  filter=TAG           a tag (repeat, or comma-separate: all must match); library=NAME too
  pipeline_tag=TASK    e.g. text-generation
  sort=KEY             downloads, likes, trendingScore, createdAt, lastModified
  direction=-1         descending (the only order the Hub offers)
Each listed model is pinned to the commit the listing gives (hf:ID@SHA). The listing is saved
beside the store (obs.db.hub-KEY.targets, or --expansion FILE) and reused by every rerun, so a
run killed halfway resumes the same list; --refresh lists again (new commits become new targets,
those already stored are skipped).

Examples:
  openness observe run targets.txt --db obs.db
  openness observe run --db obs.db --limit 100 \\
      --hub-query 'author=meta-llama&pipeline_tag=text-generation&sort=downloads'
"""


def _engine(args: argparse.Namespace) -> Any:
    from ..observatory.store import open_store

    return open_store(store_of(args))


def _needs_extra() -> None:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        from ..errors import OpennessError

        raise OpennessError(
            "the observatory needs its extra: pip install 'openness[observatory]'"
        ) from None


def _run(args: argparse.Namespace) -> int:
    _needs_extra()
    from ..errors import OpennessError
    from ..observatory.batch import read_targets, run_batch
    from .main import EXIT_FINDINGS, EXIT_OK

    if (args.targets_file is None) == (args.hub_query is None):
        raise OpennessError("give either TARGETS_FILE or --hub-query QUERY (exactly one)")
    if args.hub_query is None:
        if args.limit is not None or args.refresh or args.expansion:
            raise OpennessError("--limit, --refresh and --expansion go with --hub-query only")
        try:
            items = read_targets(Path(args.targets_file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise OpennessError(f"cannot read {args.targets_file}: {exc}") from None
        engine = _engine(args)
    else:
        query, limit = _hub_query(args)  # usage errors before anything is opened
        engine = _engine(args)  # an unreachable store fails before the Hub is asked anything
        items = _hub_items(args, query, limit)
    _stop_on_sigterm()
    with _bar(len(items)) as tick:
        report = run_batch(
            engine, items, workers=args.workers, dask=args.dask, retries=args.retries, on_item=tick
        )
    print(
        f"{report.total} targets: {report.stored} stored, {report.unchanged} unchanged, "
        f"{report.skipped} skipped (done before), {len(report.failed)} failed"
    )
    for target, error in report.failed:
        print(f"  failed: {target}: {error}", file=sys.stderr)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the batch stops its worker processes on the way out."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)


def _hub_query(args: argparse.Namespace) -> tuple[Any, int]:
    from ..sources.hub_search import DEFAULT_LIMIT, check_limit, parse_query

    query = parse_query(args.hub_query)
    return query, check_limit(DEFAULT_LIMIT if args.limit is None else args.limit)


def _hub_items(args: argparse.Namespace, query: Any, limit: int) -> list[Any]:
    from ..observatory.hub_targets import expand, expansion_path
    from ..sources.hub_client import HubClient
    from ..sources.hub_search import search_models

    client = HubClient()
    path = (
        Path(args.expansion)
        if args.expansion
        else expansion_path(store_of(args), client.endpoint, query, limit)
    )
    expansion = expand(
        path,
        query,
        limit,
        lambda q, n: search_models(q, n, client),
        endpoint=client.endpoint,
        refresh=args.refresh,
    )
    if expansion.listed is None:
        print(
            f"resuming the saved Hub listing {path} ({len(expansion.items)} models; "
            "--refresh lists again)"
        )
    else:
        listed = expansion.listed
        ignored = f", {listed.ignored} entries ignored" if listed.ignored else ""
        print(
            f"listed {len(listed.models)} models in {listed.pages} page(s){ignored}; "
            f"saved to {path}"
        )
    return expansion.items


class _bar:
    """A rich progress bar over targets on a terminal; nothing on a pipe."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.progress: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = self.progress.add_task("assessing", total=self.total)
        self.progress.start()

        def tick(report: Any) -> None:
            done = report.skipped + report.stored + report.unchanged + len(report.failed)
            self.progress.update(task, completed=done)

        return tick

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _ingest(args: argparse.Namespace) -> int:
    _needs_extra()
    from ..observatory.metadata import ingest

    engine = _engine(args)
    report = ingest(
        engine, Path(args.snapshot), threads=args.threads, memory_limit=args.memory_limit
    )
    state = "already ingested" if report.skipped else "ingested"
    print(f"snapshot {report.snapshot_id}: {report.rows} models {state}")
    return 0


def _metrics(args: argparse.Namespace) -> int:
    _needs_extra()
    from ..observatory.metrics import compute
    from ..observatory.metrics_render import render
    from .output import write_report

    text = render(compute(_engine(args), args.source, snapshot=args.snapshot), args.format)
    write_report(text, args.output)
    return 0


def _list(args: argparse.Namespace) -> int:
    _needs_extra()
    from ..observatory.repository import history

    for row in history(_engine(args), args.model):
        levels = " ".join(
            str(v)
            for v in (
                row.open_code,
                row.open_license,
                row.inputs_transparency,
                row.threats_transparency,
                row.open_standards,
            )
        )
        print(
            f"{row.model}@{row.revision[:19]}  {row.assessed_at:%Y-%m-%d %H:%M}  "
            f"{row.license_id or '-'}  findings={row.findings}  {levels}"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    _needs_extra()
    from ..observatory.dataframes import export

    rows = export(store_of(args), args.table, args.format, Path(args.output))
    print(f"{rows} {args.table} rows written to {args.output}", file=sys.stderr)
    return 0


def _publish(args: argparse.Namespace) -> int:
    _needs_extra()
    from ..errors import OpennessError

    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise OpennessError("publishing needs: pip install 'openness[observatory]'") from None
    from ..observatory.web.publish import site_files

    out = Path(args.out)
    count = 0
    try:
        for relative, data in site_files(_engine(args)):
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
    except OSError as exc:
        raise OpennessError(f"cannot write the site to {out}: {exc}") from None
    print(f"{count} files written to {out}")
    return 0
