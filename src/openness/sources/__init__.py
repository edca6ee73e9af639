"""Sources turn a target string into a Release. Archives first, then local files and folders."""

from __future__ import annotations

from ..errors import TargetError
from ..limits import Limits
from .archive import ArchiveSource
from .hub import HubSource
from .interface import READ_ERRORS, Release, Source
from .local import LocalSource


def _manifest_source() -> Source:
    from ..frameworks.manifest import ManifestSource  # the frameworks package reads sources

    return ManifestSource()


_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    if any(s.name == source.name for s in _SOURCES):
        raise ValueError(f"a source named {source.name!r} is already registered")
    _SOURCES.append(source)
    return source


register(ArchiveSource())
register(HubSource())  # only hf:ORG/NAME, or ORG/NAME when no such local path exists
register(_manifest_source())  # NAME.openness.yaml: a release spread over several places
register(LocalSource())


def open_release(target: str, limits: Limits) -> Release:
    for source in _SOURCES:
        if source.accepts(target):
            return source.open(target, limits)
    raise TargetError(
        f"{target} does not exist; give a model folder, a weight file or an archive "
        "(.zip, .whl, .tar, .tar.gz)"
    )


__all__ = ["READ_ERRORS", "Release", "Source", "open_release", "register"]
