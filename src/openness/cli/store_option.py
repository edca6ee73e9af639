"""The `--db` option every store-reading command takes: one help text, one default."""

from __future__ import annotations

import argparse

STORE_HELP = "store: a SQLite file path or URL, or postgresql://..."
DB_HELP = f"{STORE_HELP} (default: openness-observatory.db)"
REQUIRED_DB_HELP = f"{STORE_HELP} (the observatory's store)"


def add_db_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """`--db`; optional ones fall back to the default store through `store_of`."""
    if required:
        parser.add_argument("--db", required=True, help=REQUIRED_DB_HELP)
    else:
        parser.add_argument("--db", default=None, help=DB_HELP)


def store_of(args: argparse.Namespace) -> str:
    """The store `--db` names, else the default one (imported late: the store needs the
    `observatory` extra)."""
    from ..observatory.store import DEFAULT_DB

    return str(args.db or DEFAULT_DB)
