"""The analyzer interface: security checks that consume evidence (and the file list) only.

Readers turn bytes into evidence; an analyzer turns evidence into findings without touching the
release again, so it never reads, imports or renders anything. Built-ins register through the same
call a plugin would use; duplicate names fail loudly. One analyzer that raises does not stop the
others: its failure is a finding and an incomplete reason, never a silent "clean".
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import Evidence, FileEntry, Finding, Location
from ..rules import finding


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
            from .builtins import BUILTIN_ANALYZERS

            for make in BUILTIN_ANALYZERS:
                register(make())
        return list(_ANALYZERS.values())


def unregister(name: str) -> None:
    with _lock:
        _ANALYZERS.pop(name, None)


@dataclass(frozen=True)
class AnalyzerRun:
    findings: list[Finding]
    incomplete: tuple[str, ...]  # "analyzer failed: <name>: <error>", one per analyzer that raised


def run_analyzers(evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> AnalyzerRun:
    findings: list[Finding] = []
    failed: list[str] = []
    for analyzer in analyzers():
        try:
            findings.extend(analyzer.analyze(evidence, files))
        except Exception as exc:  # noqa: BLE001  (any bug in one analyzer, whatever it is)
            reason = f"analyzer failed: {analyzer.name}: {type(exc).__name__}: {exc}"
            failed.append(reason)
            findings.append(finding("OPN-SEC-001", reason, Location(""), analyzer.name))
    return AnalyzerRun(findings, tuple(failed))
