"""Readers register here; built-ins use the same call a plugin would. Duplicates fail loudly."""

from __future__ import annotations

import importlib
import threading

from .builtins import BUILTIN_READERS
from .interface import Reader

_READERS: dict[str, Reader] = {}
_lock = threading.Lock()  # readers are looked up from worker threads


def register(reader: Reader) -> Reader:
    with _lock:
        _register(reader)
    return reader


def _register(reader: Reader) -> None:
    for fmt in reader.formats:
        if fmt in _READERS:
            raise ValueError(f"a reader for format {fmt!r} is already registered")
        _READERS[fmt] = reader


def reader_for(fmt: str) -> Reader | None:
    found = _READERS.get(fmt)
    if found is not None or fmt not in BUILTIN_READERS:
        return found
    with _lock:
        if fmt not in _READERS:
            module, name = BUILTIN_READERS[fmt]
            reader_class = getattr(importlib.import_module(f"{__package__}.{module}"), name)
            reader = reader_class()
            for taken in reader.formats:  # a plugin registered first keeps its formats
                _READERS.setdefault(taken, reader)
        return _READERS.get(fmt)
