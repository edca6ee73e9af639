"""The checks run over each walked pickle, registered by name (as fickling registers analyses).

Each analyzer sees one walk and returns findings. One that raises does not stop the others: its
failure becomes an incomplete reason for that file ("analyzer failed: ..."), so a bug in a
check can never leave a file looking clean.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ...model import Finding, Location
from ...rules import finding
from . import policy
from .walker import Walk


@dataclass(frozen=True)
class WalkContext:
    """One walk of one file (or archive member), with the globals left to the pickle policy."""

    path: str
    walk: Walk
    key: str | None
    base: int  # added to the walk's offsets when the walk is of a member
    imports: tuple[tuple[str, str, int], ...]  # (module, name, file offset), exempt ones removed


@dataclass(frozen=True)
class PickleAnalyzer:
    name: str
    analyze: Callable[[WalkContext], list[Finding]]


@dataclass(frozen=True)
class Analysis:
    findings: list[Finding]
    failures: list[str]  # "analyzer failed: <name>: <error>", one per analyzer that raised


_ANALYZERS: dict[str, PickleAnalyzer] = {}
_lock = threading.Lock()


def register(analyzer: PickleAnalyzer) -> PickleAnalyzer:
    with _lock:
        if analyzer.name in _ANALYZERS:
            raise ValueError(f"a pickle analyzer named {analyzer.name!r} is already registered")
        _ANALYZERS[analyzer.name] = analyzer
    return analyzer


def unregister(name: str) -> None:
    with _lock:
        _ANALYZERS.pop(name, None)


def analyzers() -> list[PickleAnalyzer]:
    with _lock:
        return list(_ANALYZERS.values())


def analyze(ctx: WalkContext) -> Analysis:
    findings: list[Finding] = []
    failures: list[str] = []
    for analyzer in analyzers():
        try:
            findings.extend(analyzer.analyze(ctx))
        except Exception as exc:  # noqa: BLE001  (any bug in one check, whatever it is)
            reason = f"analyzer failed: {analyzer.name}: {type(exc).__name__}: {exc}"
            failures.append(reason)
            findings.append(
                finding(
                    "OPN-SEC-001",
                    reason,
                    Location(ctx.path, offset=ctx.base or None, key=ctx.key),
                    analyzer.name,
                )
            )
    return Analysis(findings, failures)


for _builtin in (
    PickleAnalyzer(
        "globals",
        lambda c: policy.global_findings(
            c.path, c.imports, key=c.key, instantiated=policy.instantiated_only(c.walk)
        ),
    ),
    PickleAnalyzer(
        "indirect-calls", lambda c: policy.indirect_call_findings(c.path, c.walk, c.key, c.base)
    ),
    PickleAnalyzer(
        "joblib-wrappers", lambda c: policy.wrapper_findings(c.path, c.walk, c.key, c.base)
    ),
):
    register(_builtin)
