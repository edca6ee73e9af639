"""Wording the report context (context.py) builds its lines from: sizes, counts, license."""

from __future__ import annotations

from ..model import Assessment, Level, Severity

LEVEL_MARK = {Level.OPEN: "●", Level.PARTIAL: "◐", Level.CLOSED: "○", Level.UNKNOWN: "?"}


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def human_count(n: int | None) -> str:
    if n is None:
        return "unknown"
    for unit, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f}{unit}"
    return str(n)


def license_line(a: Assessment) -> str:
    lic = a.license
    if lic.category == "none":
        return "none stated"
    name = lic.spdx or lic.name or lic.declared or "unknown"
    osi = {True: ", OSI-approved", False: ", not OSI-approved", None: ""}[lic.osi_approved]
    line = f"{name} ({lic.category}{osi})"
    if lic.status == "conflict":
        line += f"; conflict, strictest reading: the card declares {lic.declared}"
    elif lic.status == "modified":
        line += f"; the license text differs from {lic.declared or 'any known license'}"
    return line


def where(a: Assessment) -> str:
    lic = a.license
    return str(lic.evidence[0].location) if lic.evidence else ""


def severity_counts(a: Assessment) -> str:
    counts = {s: 0 for s in Severity}
    for f in a.findings:
        counts[f.severity] += 1
    parts = [f"{counts[s]} {s.name.lower()}" for s in reversed(Severity) if counts[s]]
    return ", ".join(parts) if parts else "none"


def memory_line(a: Assessment) -> str:
    if not a.summary.memory:
        return "unknown (no readable weights)"
    return ", ".join(f"{human_bytes(m.bytes)} at {m.bits}-bit" for m in a.summary.memory)
