"""What changed between two assessments: license and terms, files and hashes, ratings, findings.

Works on the JSON data of two assessments (files, the store, or fresh runs), reading only the
keys it knows and comparing any other top-level key (e.g. framework ratings or license terms
added by later tool versions) as a whole, so it never breaks on a newer document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Attribute
from .licensing import commercial_use, family

#: keys compared field by field (or, like where a release was read from, not at all); every
#: other top-level key is compared as a whole
KNOWN_KEYS = frozenset(
    {
        "schema",
        "tool_version",
        "origin",
        "places",
        "summary",
        "license",
        "ratings",
        "findings",
        "artifacts",
        "files",
        "sections",
        "links",
        "evidence",
        "complete",
        "incomplete",
        "licenses",
    }
)


@dataclass(frozen=True)
class Change:
    what: str
    before: Any
    after: Any


@dataclass(frozen=True)
class FileChange:
    path: str
    change: str  # added | removed | changed
    before_sha256: str | None
    after_sha256: str | None
    before_size: int | None
    after_size: int | None


@dataclass(frozen=True)
class FindingChange:
    change: str  # added | removed
    rule_id: str
    severity: str
    location: str
    reason: str


@dataclass(frozen=True)
class FrameworkChange:
    """One framework's verdict, a class's progress or a component's status, before and after."""

    framework: str  # e.g. "Model Openness Framework 1.0"
    what: str  # "verdict", a class name, or a component's title
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Diff:
    before: str
    after: str
    license: tuple[Change, ...]
    ratings: tuple[Change, ...]
    summary: tuple[Change, ...]
    files: tuple[FileChange, ...]
    findings: tuple[FindingChange, ...]
    other: tuple[Change, ...]  # `frameworks` too, whole, for JSON readers
    frameworks: tuple[FrameworkChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.license
            or self.ratings
            or self.summary
            or self.files
            or self.findings
            or self.other
        )


def diff(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    labels: tuple[str, str] | None = None,
) -> Diff:
    """`labels` name the two sides (what the user gave); by default their origin targets."""
    return Diff(
        before=labels[0] if labels else _label(before),
        after=labels[1] if labels else _label(after),
        license=tuple(_license_changes(before, after)),
        ratings=tuple(_rating_changes(before, after)),
        summary=tuple(_field_changes(_dict(before, "summary"), _dict(after, "summary"), "")),
        files=tuple(_file_changes(before, after)),
        findings=tuple(_finding_changes(before, after)),
        other=tuple(
            Change(key, before.get(key), after.get(key))
            for key in sorted((set(before) | set(after)) - KNOWN_KEYS)
            if _canonical(before.get(key)) != _canonical(after.get(key))
        ),
        frameworks=tuple(_framework_changes(before, after)),
    )


def label(spec: str, data: Mapping[str, Any]) -> str:
    """What the user gave, with the release it assessed when that is not the same string."""
    origin = _label(data)
    return spec if origin in (spec, "?") else f"{spec} ({origin})"


def _label(data: Mapping[str, Any]) -> str:
    origin = _dict(data, "origin")
    target = str(origin.get("target") or "?")
    revision = origin.get("revision")
    return f"{target}@{revision}" if revision else target


def _dict(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


#: lists of places and quotes: what they support is compared, not the lists themselves
_NOT_COMPARED = ("evidence", "sources")


def _field_changes(a: Mapping[str, Any], b: Mapping[str, Any], prefix: str) -> list[Change]:
    """Changed fields; a field holding an object on both sides is compared field by field."""
    out: list[Change] = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if key in _NOT_COMPARED or _canonical(x) == _canonical(y):
            continue
        if isinstance(x, Mapping) and isinstance(y, Mapping):
            out += _field_changes(x, y, f"{prefix}{key}.")
        else:
            out.append(Change(prefix + key, x, y))
    return out


def _framework_changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[FrameworkChange]:
    a = {str(f.get("framework")): f for f in _list(before, "frameworks")}
    b = {str(f.get("framework")): f for f in _list(after, "frameworks")}
    out: list[FrameworkChange] = []
    for key in [*a, *(k for k in b if k not in a)]:
        fa, fb = a.get(key, {}), b.get(key, {})
        either = fa or fb
        name = f"{either.get('title') or key} {either.get('version') or ''}".strip()
        pairs = [("verdict", _text(fa.get("verdict")), _text(fb.get("verdict")))]
        pairs += _keyed(fa, fb, "classes", "name", _class_text)
        pairs += _keyed(fa, fb, "components", "title", lambda c: _text(c.get("status")))
        out += [FrameworkChange(name, what, x, y) for what, x, y in pairs if x != y]
    return out


def _keyed(
    fa: Mapping[str, Any], fb: Mapping[str, Any], field: str, key: str, text: Any
) -> list[tuple[str, str | None, str | None]]:
    a = {str(x.get(key)): text(x) for x in _list(fa, field)}
    b = {str(x.get(key)): text(x) for x in _list(fb, field)}
    return [(k, a.get(k), b.get(k)) for k in [*a, *(k for k in b if k not in a)]]


def _class_text(c: Mapping[str, Any]) -> str:
    reached = "reached" if c.get("reached") is True else "not reached"
    return f"{reached} ({c.get('met')}/{c.get('required')})"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _license_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    a, b = _dict(before, "license"), _dict(after, "license")
    changes = _field_changes(a, b, "")
    derived = [
        (
            "family",
            family(a.get("spdx") or a.get("declared"), str(a.get("category"))),
            family(b.get("spdx") or b.get("declared"), str(b.get("category"))),
        ),
        (
            "commercial use",
            commercial_use(str(a.get("category"))),
            commercial_use(str(b.get("category"))),
        ),
    ]
    changes += [Change(name, x, y) for name, x, y in derived if x != y]
    return changes + _detected_license_changes(before, after)


def _detected_license_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every license found (the `licenses` list, when the tool writes one): which appeared or
    went, and how the terms of one present in both changed."""
    a = {str(x.get("id")): x for x in _list(before, "licenses")}
    b = {str(x.get("id")): x for x in _list(after, "licenses")}
    out = [Change(f"license {key}", "present", None) for key in sorted(set(a) - set(b))]
    out += [Change(f"license {key}", None, "present") for key in sorted(set(b) - set(a))]
    for key in sorted(set(a) & set(b)):
        terms_a, terms_b = _dict(a[key], "terms"), _dict(b[key], "terms")
        out += _field_changes(terms_a, terms_b, f"{key} terms.")
    return out


def _rating_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    a = {r.get("attribute"): r.get("level") for r in _list(before, "ratings")}
    b = {r.get("attribute"): r.get("level") for r in _list(after, "ratings")}
    return [
        Change(attr.value, a.get(attr.value), b.get(attr.value))
        for attr in Attribute
        if a.get(attr.value) != b.get(attr.value)
    ]


def _file_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FileChange]:
    a = {str(f.get("path")): f for f in _list(before, "files")}
    b = {str(f.get("path")): f for f in _list(after, "files")}
    out = []
    for path in sorted(set(a) | set(b)):
        fa, fb = a.get(path), b.get(path)
        if fa is not None and fb is not None:
            same_hash = fa.get("sha256") == fb.get("sha256")
            if same_hash and fa.get("size") == fb.get("size"):
                continue
            change = "changed"
        else:
            change = "removed" if fb is None else "added"
        out.append(
            FileChange(
                path,
                change,
                fa.get("sha256") if fa else None,
                fb.get("sha256") if fb else None,
                fa.get("size") if fa else None,
                fb.get("size") if fb else None,
            )
        )
    return out


def _finding_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FindingChange]:
    a = {_finding_key(f): f for f in _list(before, "findings")}
    b = {_finding_key(f): f for f in _list(after, "findings")}
    out = [_finding_change("removed", a[k]) for k in sorted(set(a) - set(b))]
    out += [_finding_change("added", b[k]) for k in sorted(set(b) - set(a))]
    return out


def _finding_key(f: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(f.get("rule_id")), _location(f.get("location")), str(f.get("trigger") or ""))


def _finding_change(change: str, f: Mapping[str, Any]) -> FindingChange:
    return FindingChange(
        change,
        str(f.get("rule_id")),
        str(f.get("severity")),
        _location(f.get("location")),
        str(f.get("reason") or ""),
    )


def _location(loc: Any) -> str:
    if not isinstance(loc, Mapping):
        return ""
    text = str(loc.get("file") or "(release)")
    for key, mark in (("line", ":"), ("offset", "@"), ("key", "#")):
        if loc.get(key) is not None:
            text += f"{mark}{loc[key]}"
    return text
