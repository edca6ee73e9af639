"""A Hub query as a batch: listed once, saved as a targets file, then run like any other list.

The Hub's listing changes by the minute (downloads reorder it, new commits move each `sha`), so
a run that is killed and restarted must not list again: it would assess a different set. The
first run writes the expansion — pinned `hf:ID@SHA` targets, one per line, with the query in a
comment — atomically to a file keyed by endpoint, query and limit; every rerun reads that file
until `refresh` lists again. The file is an ordinary TARGETS_FILE.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import OpennessError
from ..sources.hub_search import HubQuery, SearchResult
from .batch import BatchItem, read_targets

Search = Callable[[HubQuery, int], SearchResult]


@dataclass(frozen=True)
class Expansion:
    items: list[BatchItem]
    path: Path
    listed: SearchResult | None  # None when the saved expansion was reused


def expansion_path(db: str, endpoint: str, query: HubQuery, limit: int) -> Path:
    """Beside a SQLite store file (`obs.db.hub-KEY.targets`); else in the current folder."""
    key = hashlib.sha256(f"{endpoint}\n{query.canonical()}\n{limit}".encode()).hexdigest()[:12]
    sqlite_file = _sqlite_file(db)
    if sqlite_file is None:
        return Path.cwd() / f"openness-hub-{key}.targets"
    return sqlite_file.with_name(f"{sqlite_file.name}.hub-{key}.targets")


def _sqlite_file(db: str) -> Path | None:
    if "://" not in db:
        return Path(db).expanduser().resolve()
    prefix = "sqlite:///"
    if db.startswith(prefix) and len(db) > len(prefix) and ":memory:" not in db:
        return Path(db[len(prefix) :]).expanduser().resolve()
    return None


def expand(
    path: Path,
    query: HubQuery,
    limit: int,
    search: Search,
    *,
    endpoint: str,
    refresh: bool = False,
) -> Expansion:
    """The saved expansion at `path`, or a new listing written there."""
    if path.exists() and not refresh:
        try:
            return Expansion(read_targets(path.read_text(encoding="utf-8")), path, None)
        except (OSError, UnicodeDecodeError) as exc:
            raise OpennessError(f"cannot read the saved Hub listing {path}: {exc}") from None
    result = search(query, limit)
    header = [
        f"# openness observe run --hub-query '{query.canonical()}' --limit {limit}",
        f"# listed from {endpoint} at {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}: "
        f"{len(result.models)} models in {result.pages} page(s)",
    ]
    _write_atomically(path, "\n".join(header + [m.target for m in result.models]) + "\n")
    return Expansion([BatchItem(m.target) for m in result.models], path, result)


def _write_atomically(path: Path, text: str) -> None:
    """Whole or not at all: a kill while writing leaves no half list to resume from."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OpennessError(f"cannot save the Hub listing to {path}: {exc}") from None
