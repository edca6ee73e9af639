"""`openness diff A B`: what changed between two assessments."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .store_option import add_db_option, store_of


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "diff",
        help="what changed between two assessments: license, files, ratings, findings",
        description="Compare two assessments. A and B are each an assessment JSON file "
        "(`openness assess --format json`), a release to assess now (folder, file, archive), "
        "or MODEL@REVISION from the store (--db; a unique revision prefix is enough, and "
        "MODEL@ alone means the latest stored revision).",
        epilog="Examples:\n  openness diff old.json new.json\n  openness diff ./v1 ./v2 "
        "--format markdown\n  openness diff /models/foo@sha256:1a2b /models/foo@sha256:9f8e "
        "--db obs.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    add_db_option(p)
    p.add_argument("-f", "--format", choices=("terminal", "markdown", "json"), default="terminal")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when anything changed (like `git diff --exit-code`)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..observatory.diff import diff, label
    from ..observatory.diff_render import render
    from .output import write_report

    before, after = _load(args.a, args), _load(args.b, args)
    result = diff(before, after, (label(args.a, before), label(args.b, after)))
    write_report(render(result, args.format), args.output)
    return 1 if args.exit_code and not result.empty else 0


def _load(spec: str, args: argparse.Namespace) -> dict[str, Any]:
    """An assessment's JSON data from a JSON file, a release, or model@revision in the store."""
    from ..errors import OpennessError
    from ..serialize import assessment_from_data, to_data

    path = Path(spec)
    if path.is_file() and path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise OpennessError(f"cannot read {spec} as assessment JSON: {exc}") from None
        assessment_from_data(data)  # validates the schema id and shape; extra keys are kept
        result: dict[str, Any] = data
        return result
    if path.exists() or spec.startswith("hf:"):
        from ..pipeline import assess

        fresh: dict[str, Any] = to_data(assess(spec, health=False))
        return fresh
    if "@" in spec:
        db = store_of(args)  # the default store, as the help says, when --db is not given
        if args.db is None and not Path(db).is_file():  # reading must not create a store
            raise OpennessError(f"{spec}: MODEL@REVISION reads the store; none at {db}: give --db")
        from ..observatory.repository import load_document
        from ..observatory.store import open_store

        model, _, revision = spec.rpartition("@")
        return load_document(open_store(db), model, revision or None)
    if path.suffix == ".json" or "/" in spec or spec.startswith("."):
        raise OpennessError(f"{spec}: not found")
    raise OpennessError(f"{spec}: not a JSON file, a release or MODEL@REVISION")
