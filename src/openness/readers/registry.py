"""Readers register here; built-ins use the same call a plugin would. Duplicates fail loudly."""

from __future__ import annotations

import threading

from .interface import Reader

_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    for fmt in reader.formats:
        if fmt in _READERS:
            raise ValueError(f"a reader for format {fmt!r} is already registered")
        _READERS[fmt] = reader
    return reader


def reader_for(fmt: str) -> Reader | None:
    _load_builtins()
    return _READERS.get(fmt)


_loaded = False
_load_lock = threading.Lock()


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    with _load_lock:  # readers are looked up from worker threads
        if not _loaded:
            from . import builtins  # noqa: F401  (registers on import)

            _loaded = True
