"""A release spread over several places, named by a small YAML manifest.

    # my-model.openness.yaml (paths relative to this file; any target openness accepts)
    model: ./weights              # the card, config and weights
    places:
      code: {path: ../train-repo, role: code}
      paper: {path: ./paper.pdf, role: paper}
      data: {path: ./data, role: data}

`openness assess my-model.openness.yaml` reads every place with the existing sources. The model's
files keep their paths; the others are listed as `@<place>/<path>`, so every citation says where
a component was found. A place's role tells what its files are when their names do not (a paper
named `2404.01234.pdf`); a code place's own OSI-approved license covers its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import yaml

from ..documents.files import classify_document, license_detections
from ..errors import TargetError
from ..lazy_re import lazy
from ..limits import Limits
from ..model import Evidence, Finding, Location, Member, Origin
from .interface import MANIFEST_SUFFIXES, READ_ERRORS, Release
from .places import PlaceSpec

MAX_MANIFEST_BYTES = 64 * 1024
MAX_PLACES = 32
#: role -> the file role every file of such a place has (code places keep their path roles)
ROLE_FACTS = {
    "paper": "file.role.research_paper",
    "report": "file.role.technical_report",
    "data": "file.role.dataset",
    "data_card": "file.role.data_card",
    "evaluation_data": "file.role.evaluation_data",
    "samples": "file.role.sample_outputs",
    "checkpoints": "file.role.intermediate_checkpoint",
}
ROLES = frozenset({*ROLE_FACTS, "code", "docs"})
_NAME = lazy(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Place:
    name: str
    target: str
    role: str


def is_manifest(target: str) -> bool:
    return target.lower().endswith(MANIFEST_SUFFIXES) and Path(target).is_file()


def parse_manifest(data: bytes, where: str, base: Path) -> tuple[str, tuple[Place, ...]]:
    """The model target and the other places, paths resolved against `base`."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise TargetError(f"{where}: a release manifest is at most {MAX_MANIFEST_BYTES} bytes")
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TargetError(f"{where}: not a valid YAML release manifest ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("model"), str):
        raise TargetError(f"{where}: a release manifest needs `model: PATH`")
    places_raw = raw.get("places") or {}
    if not isinstance(places_raw, dict) or len(places_raw) > MAX_PLACES:
        raise TargetError(f"{where}: `places` must map at most {MAX_PLACES} names to places")
    places = []
    for name, value in places_raw.items():
        spec = {"path": value} if isinstance(value, str) else value
        if not isinstance(name, str) or not _NAME.fullmatch(name) or not isinstance(spec, dict):
            raise TargetError(
                f"{where}: place {name!r}: give `NAME: PATH` or `NAME: {{path, role}}`"
            )
        path, role = spec.get("path"), spec.get("role", "code" if name == "code" else "docs")
        if not isinstance(path, str) or role not in ROLES:
            raise TargetError(f"{where}: place {name}: needs a path and a role in {sorted(ROLES)}")
        places.append(Place(name, _resolve(path, base), role))
    return _resolve(raw["model"], base), tuple(places)


def _resolve(path: str, base: Path) -> str:
    if path.startswith(("hf:", "gh:")):
        return path
    if path.lower().endswith(MANIFEST_SUFFIXES):
        raise TargetError(f"{path}: a manifest cannot name another manifest")
    return str((base / path).resolve())


class ManifestRelease(Release):
    def __init__(self, target: str, model: Release, places: list[tuple[Place, Release]]):
        self.origin = Origin("manifest", target, str(Path(target).resolve()))
        self._model = model
        self._places = {f"@{p.name}/": (p, r) for p, r in places}
        self.place_specs = tuple(
            PlaceSpec(f"@{p.name}/", p.name, r.origin.kind, p.target, p.role, r.origin.revision)
            for p, r in places
        )
        self.members = model.members + tuple(
            Member(f"@{p.name}/{m.path}", m.size) for p, r in places for m in r.members
        )
        self.findings = model.findings + tuple(f for _, r in places for f in r.findings)
        self.incomplete = model.incomplete + tuple(i for _, r in places for i in r.incomplete)
        self.parallel_safe = model.parallel_safe and all(r.parallel_safe for _, r in places)
        self.evidence = model.evidence + tuple(
            e for p, r in places for e in (*r.evidence, *_place_facts(p, r))
        )

    def _route(self, path: str) -> tuple[Release, str]:
        if path.startswith("@"):
            prefix = path[: path.index("/") + 1] if "/" in path else path
            if prefix in self._places:
                return self._places[prefix][1], path[len(prefix) :]
        return self._model, path

    def open(self, path: str) -> BinaryIO:
        release, inner = self._route(path)
        return release.open(inner)

    def known_sha256(self, path: str) -> str | None:
        release, inner = self._route(path)
        return release.known_sha256(inner)

    def withheld(self, path: str, fmt: str) -> Finding | None:
        release, inner = self._route(path)
        return release.withheld(inner, fmt)

    def local_path(self, path: str) -> str | None:
        release, inner = self._route(path)
        return release.local_path(inner)

    def close(self) -> None:
        self._model.close()
        for _, release in self._places.values():
            release.close()


def _place_facts(place: Place, release: Release) -> list[Evidence]:
    note = f"place {place.name} ({place.target}), role {place.role}"
    out = [
        Evidence(ROLE_FACTS[place.role], m.path, Location(f"@{place.name}/{m.path}"), note=note)
        for m in release.members
        if place.role in ROLE_FACTS
    ]
    if place.role == "code":
        out += _code_license(place, release, note)
    return out


def _code_license(place: Place, release: Release, note: str) -> list[Evidence]:
    out = []
    for member in release.members:
        if "/" in member.path or classify_document(member.path) != "license":
            continue
        try:
            with release.open(member.path) as stream:
                data = stream.read(256 * 1024)
        except READ_ERRORS:
            continue  # the inventory reports the unreadable file
        where = f"@{place.name}/{member.path}"
        out += [
            Evidence("fw.license.code", lic.id, Location(where), note=note)
            for lic in license_detections(where, data)
            if lic.osi_approved and lic.status == "identified"
        ]
    return out


class ManifestSource:
    name = "manifest"

    def accepts(self, target: str) -> bool:
        return is_manifest(target)

    def open(self, target: str, limits: Limits) -> Release:
        from . import open_release  # the registry holds this source: resolved on use

        path = Path(target)
        try:
            with path.open("rb") as f:
                data = f.read(MAX_MANIFEST_BYTES + 1)
        except OSError as exc:
            raise TargetError(f"cannot read release manifest {target}: {exc.strerror}") from None
        model_target, places = parse_manifest(data, target, path.parent)
        opened: list[Release] = []
        try:
            model = open_release(model_target, limits)
            opened.append(model)
            pairs = []
            for place in places:
                release = open_release(place.target, limits)
                opened.append(release)
                pairs.append((place, release))
        except BaseException:
            for release in opened:
                release.close()
            raise
        return ManifestRelease(target, model, pairs)
