"""npm manifests: package.json (declared ranges) and package-lock.json (resolved versions)."""

from __future__ import annotations

import json
from typing import Any

from . import semver
from .model import Dependency

ECOSYSTEM = "npm"
_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
_MAX_NESTING = 64


def _line_index(text: str) -> dict[str, int]:
    """First line on which each `"key":` appears, for locating entries."""
    index: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith('"'):
            key = stripped[1:].split('"', 1)[0]
            index.setdefault(key, number)
    return index


def parse_package_json(text: str, file: str) -> list[Dependency]:
    data = json.loads(text)
    if not isinstance(data, dict):
        return []
    lines = _line_index(text)
    found: list[Dependency] = []
    for section in _SECTIONS:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for name, spec in table.items():
            if not isinstance(spec, str) or _not_registry(spec):
                continue
            exact = spec.strip().lstrip("=v").strip() if semver.is_exact(spec) else None
            found.append(Dependency(ECOSYSTEM, name, spec, exact, file, lines.get(name)))
    return found


def _not_registry(spec: str) -> bool:
    prefixes = ("file:", "link:", "git", "http:", "https:", "workspace:", "npm:", "github:")
    return spec.startswith(prefixes) or "/" in spec.split("@")[0]


def parse_package_lock(text: str, file: str) -> list[Dependency]:
    data = json.loads(text)
    if not isinstance(data, dict):
        return []
    lines = _line_index(text)
    found: list[Dependency] = []
    packages = data.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for key, entry in packages.items():
            if not key or not isinstance(entry, dict) or entry.get("link"):
                continue
            name = entry.get("name") or key.rpartition("node_modules/")[2]
            version = entry.get("version")
            if isinstance(name, str) and isinstance(version, str) and "node_modules/" in key:
                found.append(_locked(name, version, file, lines.get(key)))
        return found
    _walk_v1(data.get("dependencies"), file, lines, found, 0)
    return found


def _walk_v1(
    table: Any, file: str, lines: dict[str, int], found: list[Dependency], depth: int
) -> None:
    if not isinstance(table, dict) or depth > _MAX_NESTING:
        return
    for name, entry in table.items():
        if not isinstance(entry, dict):
            continue
        version = entry.get("version")
        if isinstance(version, str) and semver.parse(version) is not None:
            found.append(_locked(name, version, file, lines.get(name)))
        _walk_v1(entry.get("dependencies"), file, lines, found, depth + 1)


def _locked(name: str, version: str, file: str, line: int | None) -> Dependency:
    return Dependency(ECOSYSTEM, name, version, version, file, line, locked=True)
