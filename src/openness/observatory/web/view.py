"""What a page shows of a stored assessment, read tolerantly from its JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...formats.evidence import Citation, citations_of_dicts
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


def cites(document: Mapping[str, Any], evidence: object) -> list[Citation]:
    """Every evidence object, one per place, with what stands there and a link to the file."""
    return citations_of_dicts(evidence, document.get("origin"))


def verdict(document: Mapping[str, Any]) -> list[Any]:
    """The report's verdict lines (commercial use, safe to load, complete, how open), read from
    the stored document; empty when the document does not parse as an assessment."""
    from ...formats import verdict as v
    from ...serialize import assessment_from_data

    try:
        a = assessment_from_data(document)
    except Exception:  # an old or partial document: the page shows the rest without a verdict
        return []
    return [*v.answers(a), *v.openness_lines(a)]


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
                "evidence": cites(document, r.get("evidence")),
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
            "trigger": str(f.get("trigger") or ""),
            "where": where(f.get("location")),
            "url": _finding_url(document, f.get("location")) or "",
        }
        for f in _dicts(document.get("findings"))
    ]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(found, key=lambda f: -rank.get(f["severity"], 0))


def _finding_url(document: Mapping[str, Any], location: object) -> str | None:
    loc: Mapping[str, Any] = location if isinstance(location, Mapping) else {}
    line = loc.get("line")
    found = cites(document, [{"location": {"file": loc.get("file"), "line": line}}])
    return found[0].url if found else None


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
                "rows": [
                    {
                        "title": str(c.get("title") or c.get("id") or "?"),
                        "status": str(c.get("status") or "unknown"),
                        "rationale": str(c.get("rationale") or ""),
                        "evidence": cites(document, c.get("evidence")),
                    }
                    for c in _dicts(f.get("components"))
                ],
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
