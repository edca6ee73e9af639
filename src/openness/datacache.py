"""A JSON cache of data the tool derives from its own data files, checked by hash.

Parsing the catalog YAML or a library's large JSON index costs more than the rest of a small
command's start-up. The derived value is written once, as JSON, to the user's cache directory
under a name holding the BLAKE2b hash of the source bytes, and read back only when the file records
that same hash: an edited source gets a fresh entry, a damaged or foreign file is rebuilt. Only
JSON is read back (never pickle or marshal), so a planted cache file can at worst give wrong
data, not run code. Any failure to read or write the cache falls back to building the value.

The entries live in `data/` of the tool's cache (`OPENNESS_CACHE_DIR`, as for git clones);
`OPENNESS_DATA_CACHE=off` turns this cache off.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:  # the built-in BLAKE2: hashlib would load OpenSSL, a start-up cost of its own
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always has it
    from hashlib import blake2b

FORMAT = 2


def cache_dir() -> Path | None:
    """`data/` in the tool's cache (`OPENNESS_CACHE_DIR`, default ~/.cache/openness), or None
    when `OPENNESS_DATA_CACHE=off`."""
    if os.environ.get("OPENNESS_DATA_CACHE", "").strip().lower() in ("off", "0", "no"):
        return None
    base = os.environ.get("OPENNESS_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "openness"
    )
    return Path(base) / "data"


def derived(name: str, source: bytes, build: Callable[[bytes], Any]) -> Any:
    """`build(source)`, from the cache when an entry for exactly these bytes exists.

    `build` must return plain JSON data (dicts with string keys, lists, str, int, float, bool,
    None); a value that would not survive the JSON round trip is returned but not cached.
    """
    digest = blake2b(source, digest_size=32).hexdigest()
    where = cache_dir()
    path = where / f"{name}-{digest[:32]}.json" if where is not None else None
    if path is not None:
        found = _read(path, digest)
        if found is not None:
            return found[0]
    value = build(source)
    if path is not None:
        _write(path, digest, value)
    return value


def _read(path: Path, digest: str) -> tuple[Any] | None:
    try:
        entry = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(entry, dict)
        or entry.get("format") != FORMAT
        or entry.get("source_blake2b") != digest
        or "data" not in entry
    ):
        return None
    return (entry["data"],)


def _write(path: Path, digest: str, value: Any) -> None:
    try:
        text = json.dumps({"format": FORMAT, "source_blake2b": digest, "data": value})
        if json.loads(text)["data"] != value:
            return  # tuples, non-string keys, dates: the cache would change the value
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(text, "utf-8")
        os.replace(partial, path)
    except (OSError, TypeError, ValueError):
        return
