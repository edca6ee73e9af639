"""The analyzer interface: security checks that consume evidence (and the file list) only.

Readers turn bytes into evidence; an analyzer turns evidence into findings without touching the
release again, so it never reads, imports or renders anything. Built-ins register through the same
call a plugin would use; duplicate names fail loudly.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from ..model import Evidence, FileEntry, Finding


class Analyzer(Protocol):
    @property
    def name(self) -> str: ...

    def analyze(self, evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> list[Finding]:
        """Findings about the release, each citing the location of the evidence it rests on."""
        ...


_ANALYZERS: dict[str, Analyzer] = {}
_lock = threading.Lock()
_loaded = False


def register(analyzer: Analyzer) -> Analyzer:
    if analyzer.name in _ANALYZERS:
        raise ValueError(f"an analyzer named {analyzer.name!r} is already registered")
    _ANALYZERS[analyzer.name] = analyzer
    return analyzer


def analyzers() -> list[Analyzer]:
    global _loaded
    with _lock:
        if not _loaded:
            _loaded = True
            from . import builtins  # noqa: F401  (registers on import)
    return list(_ANALYZERS.values())


def run_analyzers(evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> list[Finding]:
    return [f for a in analyzers() for f in a.analyze(evidence, files)]
