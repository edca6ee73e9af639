"""Read an OSV database (https://ossf.github.io/osv-schema/) from a folder or a zip of JSON files.

Only advisories about packages the checkout depends on are kept: a cheap scan of each record's
bytes for `"name": "..."` decides whether it is parsed at all, so a full ecosystem dump stays
fast and small in memory. Sizes are checked before reading; a zip member is never read past
its cap, whatever its header claims.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OpennessError
from . import python_deps
from .model import HealthLimits

_NAME = re.compile(rb'"name"\s*:\s*"([^"\\]{1,256})"')


@dataclass(frozen=True)
class Event:
    kind: str  # introduced | fixed | last_affected | limit
    version: str


@dataclass(frozen=True)
class Range:
    type: str  # ECOSYSTEM | SEMVER | GIT
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Affected:
    ecosystem: str
    name: str
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]
    severity_vectors: tuple[str, ...]
    severity_label: str | None


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity_vectors: tuple[str, ...]
    severity_label: str | None
    affected: tuple[Affected, ...]
    source: str  # file or zip member it was read from


@dataclass
class OsvDatabase:
    path: str
    by_package: dict[tuple[str, str], list[Advisory]] = field(default_factory=dict)
    records: int = 0
    withdrawn: int = 0
    malformed: list[str] = field(default_factory=list)

    def advisories(self, ecosystem: str, name: str) -> list[Advisory]:
        return self.by_package.get((ecosystem, package_key(ecosystem, name)), [])


def package_key(ecosystem: str, name: str) -> str:
    return python_deps.normalise(name) if ecosystem == "PyPI" else name


def load_osv(path: Path, wanted: set[str], limits: HealthLimits) -> OsvDatabase:
    """Advisories about any package whose (normalised) name is in `wanted`."""
    db = OsvDatabase(str(path))
    if path.is_dir():
        records = _folder_records(path, limits)
    elif zipfile.is_zipfile(path):
        records = _zip_records(path, limits)
    else:
        raise OpennessError(f"{path}: not an OSV folder or zip of OSV JSON files")
    for source, data in records:
        db.records += 1
        names = {python_deps.normalise(m.decode("utf-8", "replace")) for m in _NAME.findall(data)}
        if not names & wanted:
            continue
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError):
            db.malformed.append(source)
            continue
        for item in raw if isinstance(raw, list) else [raw]:
            _add(db, item, source)
    return db


def _folder_records(root: Path, limits: HealthLimits) -> Iterator[tuple[str, bytes]]:
    count = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            count += 1
            if count > limits.max_advisory_files:
                raise OpennessError(f"{root}: more than {limits.max_advisory_files:,} records")
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            try:
                if path.is_symlink() or path.stat().st_size > limits.max_advisory_bytes:
                    continue
                yield rel, path.read_bytes()
            except OSError:
                continue


def _zip_records(path: Path, limits: HealthLimits) -> Iterator[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise OpennessError(f"{path}: cannot open the OSV zip ({exc})") from None
    with archive:
        members = [i for i in archive.infolist() if i.filename.endswith(".json")]
        if len(members) > limits.max_advisory_files:
            raise OpennessError(f"{path}: more than {limits.max_advisory_files:,} records")
        if sum(i.file_size for i in members) > limits.max_osv_total_bytes:
            raise OpennessError(f"{path}: declares more than {limits.max_osv_total_bytes:,} bytes")
        for info in members:
            if info.is_dir() or info.file_size > limits.max_advisory_bytes:
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(limits.max_advisory_bytes + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
                continue
            if len(data) <= limits.max_advisory_bytes:
                yield info.filename, data


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _vectors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        f"{s.get('type')}:{s['score']}" if not str(s["score"]).startswith("CVSS:") else s["score"]
        for s in value
        if isinstance(s, dict) and isinstance(s.get("score"), str)
    )


def _label(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("severity"), str):
        text = value["severity"].strip().upper()
        return "MEDIUM" if text == "MODERATE" else text
    return None


def _add(db: OsvDatabase, item: Any, source: str) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        db.malformed.append(source)
        return
    if item.get("withdrawn"):
        db.withdrawn += 1
        return
    affected = tuple(a for a in map(_affected, _list(item.get("affected"))) if a is not None)
    advisory = Advisory(
        item["id"],
        _strings(item.get("aliases")),
        str(item.get("summary") or item.get("details") or "")[:300],
        _vectors(item.get("severity")),
        _label(item.get("database_specific")),
        affected,
        source,
    )
    for key in {(a.ecosystem, package_key(a.ecosystem, a.name)) for a in affected}:
        db.by_package.setdefault(key, []).append(advisory)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _affected(raw: Any) -> Affected | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("package"), dict):
        return None
    package = raw["package"]
    ecosystem, name = package.get("ecosystem"), package.get("name")
    if not isinstance(ecosystem, str) or not isinstance(name, str):
        return None
    ranges = []
    for r in _list(raw.get("ranges")):
        if not isinstance(r, dict) or not isinstance(r.get("type"), str):
            continue
        events = tuple(
            Event(kind, str(value))
            for e in _list(r.get("events"))
            if isinstance(e, dict)
            for kind, value in e.items()
            if kind in ("introduced", "fixed", "last_affected", "limit")
        )
        ranges.append(Range(r["type"], events))
    return Affected(
        ecosystem.split(":", 1)[0],
        name,
        tuple(ranges),
        _strings(raw.get("versions")),
        _vectors(raw.get("severity")),
        _label(raw.get("database_specific")) or _label(raw.get("ecosystem_specific")),
    )
