"""Sources turn a target string into a Release. Archives first, then local files and folders."""

from __future__ import annotations

from pathlib import Path

from ..errors import TargetError
from ..limits import Limits
from .archive import ArchiveSource
from .hub_target import is_hub_target
from .interface import MANIFEST_SUFFIXES, READ_ERRORS, Release, Source
from .local import LocalSource


class _HubSource:
    """Recognises Hub ids cheaply; the Hub client and its helpers load only to open one."""

    name = "hub"

    def accepts(self, target: str) -> bool:
        return is_hub_target(target)

    def open(self, target: str, limits: Limits) -> Release:
        from .hub import HubSource

        return HubSource().open(target, limits)


class _ManifestSource:
    """NAME.openness.yaml; the manifest reader (YAML, license detection) loads on first use."""

    name = "manifest"

    def accepts(self, target: str) -> bool:
        return target.lower().endswith(MANIFEST_SUFFIXES) and Path(target).is_file()

    def open(self, target: str, limits: Limits) -> Release:
        from .manifest import ManifestSource

        return ManifestSource().open(target, limits)


class _GitHubSource:
    """gh:OWNER/NAME[@REV]: a repository read from git objects (a mirror or a blob-less clone)."""

    name = "github"

    def accepts(self, target: str) -> bool:
        return target.startswith("gh:")

    def open(self, target: str, limits: Limits) -> Release:
        from .github import GitHubSource

        return GitHubSource().open(target, limits)


_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    if any(s.name == source.name for s in _SOURCES):
        raise ValueError(f"a source named {source.name!r} is already registered")
    _SOURCES.append(source)
    return source


register(ArchiveSource())
register(_GitHubSource())  # gh:OWNER/NAME[@REV]
register(_HubSource())  # only hf:ORG/NAME, or ORG/NAME when no such local path exists
register(_ManifestSource())  # NAME.openness.yaml: a release spread over several places
register(LocalSource())


def open_release(target: str, limits: Limits) -> Release:
    for source in _SOURCES:
        if source.accepts(target):
            return source.open(target, limits)
    raise TargetError(
        f"{target} does not exist; give a model folder, a weight file or an archive "
        "(.zip, .whl, .tar, .tar.gz, .7z)"
    )


__all__ = ["READ_ERRORS", "Release", "Source", "open_release", "register"]
