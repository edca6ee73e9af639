"""What a page shows of a stored assessment, read tolerantly from its JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model import Attribute

SEVERITIES = ("info", "low", "medium", "high", "critical")


def where(location: object) -> str:
    if not isinstance(location, Mapping):
        return ""
    out = str(location.get("file") or "")
    for key, mark in (("line", ":"), ("offset", "@"), ("key", "#")):
        if location.get(key) is not None:
            out += f"{mark}{location[key]}"
    return out


def ratings(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    by = {r.get("attribute"): r for r in _dicts(document.get("ratings"))}
    out = []
    for attribute in Attribute:
        r = by.get(attribute.value, {})
        out.append(
            {
                "attribute": attribute.label,
                "level": str(r.get("level") or "unknown"),
                "rationale": str(r.get("rationale") or ""),
                "evidence": [where(e.get("location")) for e in _dicts(r.get("evidence"))][:8],
            }
        )
    return out


def license_terms(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for entry in _dicts(document.get("licenses")):
        raw = entry.get("terms")
        terms: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        out.append(
            {
                "id": str(entry.get("id") or entry.get("name") or "?"),
                "category": str(entry.get("category") or ""),
                "source": where(entry.get("source")),
                "terms": [(str(k), _text(v)) for k, v in terms.items() if v not in (None, "", [])],
            }
        )
    return out


def findings(document: Mapping[str, Any]) -> list[dict[str, str]]:
    found = [
        {
            "rule_id": str(f.get("rule_id") or ""),
            "severity": str(f.get("severity") or ""),
            "reason": str(f.get("reason") or ""),
            "where": where(f.get("location")),
        }
        for f in _dicts(document.get("findings"))
    ]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(found, key=lambda f: -rank.get(f["severity"], 0))


def frameworks(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Framework ratings (MOF, OSAID, ...) when the document has them: verdict and classes."""
    out = []
    for f in _dicts(document.get("frameworks")):
        classes = [
            {
                "name": str(c.get("name") or ""),
                "reached": c.get("reached") is True,
                "met": _text(c.get("met")),
                "required": _text(c.get("required")),
                "missing": _text([m for m in c.get("missing") or [] if isinstance(m, str)]),
            }
            for c in _dicts(f.get("classes"))
        ]
        statuses: dict[str, int] = {}
        for component in _dicts(f.get("components")):
            status = str(component.get("status") or "unknown")
            statuses[status] = statuses.get(status, 0) + 1
        out.append(
            {
                "title": str(f.get("title") or f.get("framework") or "?"),
                "version": str(f.get("version") or ""),
                "verdict": str(f.get("verdict") or ""),
                "components": ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
                "classes": classes,
            }
        )
    return out


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
