"""The places a release was read from, for the reports: the release itself, each repository
checkout in a folder of several (`DIR/OWNER+NAME/`), each place a manifest names, each link
followed. Which documents of each place were read comes from the `doc.read` facts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Evidence, PlaceRead
from .interface import Release

_CHECKOUT = re.compile(r"^[A-Za-z0-9][\w.-]*\+[\w.-]+$")


@dataclass(frozen=True)
class PlaceSpec:
    """A place as its source knows it, before counting what was read in it."""

    prefix: str
    name: str
    kind: str
    target: str
    role: str
    revision: str | None = None


def release_places(release: Release) -> tuple[PlaceSpec, ...]:
    """The release itself, the places its source names (`place_specs`), and each top-level
    `OWNER+NAME/` folder of a local folder, read as a checkout of that repository."""
    origin = release.origin
    specs = [PlaceSpec("", origin.target, origin.kind, origin.target, "release", origin.revision)]
    if origin.kind == "folder":
        tops = sorted({m.path.split("/", 1)[0] for m in release.members if "/" in m.path})
        specs += [
            PlaceSpec(
                f"{top}/",
                top.replace("+", "/", 1),
                "checkout",
                posixpath.join(origin.target, top),
                "checkout",
            )
            for top in tops
            if _CHECKOUT.match(top)
        ]
    specs += getattr(release, "place_specs", ())
    return tuple(specs)


def places_read(
    specs: Sequence[PlaceSpec], paths: Iterable[str], documents: Iterable[str]
) -> tuple[PlaceRead, ...]:
    """Each file and document counted for the place with the longest prefix it starts with; the
    release itself is listed only when files lie outside every other place."""
    ordered = sorted(specs, key=lambda s: -len(s.prefix))
    files: dict[str, int] = {s.prefix: 0 for s in specs}
    docs: dict[str, list[str]] = {s.prefix: [] for s in specs}
    for path in paths:
        files[_owner(ordered, path)] += 1
    for path in documents:
        docs[_owner(ordered, path)].append(path)
    return tuple(
        PlaceRead(
            s.name,
            s.kind,
            s.target,
            s.role,
            s.prefix,
            s.revision,
            files[s.prefix],
            tuple(docs[s.prefix]),
        )
        for s in specs
        if s.prefix or files[s.prefix] or len(specs) == 1
    )


def _owner(ordered: Sequence[PlaceSpec], path: str) -> str:
    return next(s.prefix for s in ordered if path.startswith(s.prefix))


def resting_places(evidence: Sequence[Evidence], places: Sequence[PlaceRead]) -> tuple[str, ...]:
    """The names of the places read that a rating rests on: those whose files its evidence
    cites, or every place read when it cites none (a judgement on absence reads them all)."""
    read = [p for p in places if p.files or p.role == "release"]
    ordered = sorted(read, key=lambda p: -len(p.prefix))
    cited = {
        next((p.name for p in ordered if e.location.file.startswith(p.prefix)), "")
        for e in evidence
        if e.location.file
    } - {""}
    return tuple(p.name for p in read if p.name in cited) or tuple(p.name for p in read)
