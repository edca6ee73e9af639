"""The source interface: turn a target string into a Release (files + a lazy byte reader)."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from abc import ABC, abstractmethod
from typing import BinaryIO, Protocol

from ..limits import Limits
from ..model import Evidence, Finding, Member, Origin

#: a release manifest (sources/manifest.py): NAME.openness.yaml lists the places of one release
MANIFEST_SUFFIXES = (".openness.yaml", ".openness.yml")

#: what reading a member can raise when the file or archive is damaged or vanishes
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,  # zip member with an unsupported compression method
    RuntimeError,  # encrypted zip member
)


class Release(ABC):
    """An opened release. Nothing but a Release reads the disk or the network."""

    origin: Origin
    members: tuple[Member, ...]
    #: problems found while listing (traversal, symlinks leaving the release, bombs...)
    findings: tuple[Finding, ...]
    #: True when members can be opened from several threads at once
    parallel_safe: bool = True
    #: reasons some content could not be listed; non-empty means the listing is incomplete
    incomplete: tuple[str, ...] = ()
    #: facts the source itself knows (e.g. the Hub's revision, scan status, dataset cards)
    evidence: tuple[Evidence, ...] = ()

    @abstractmethod
    def open(self, path: str) -> BinaryIO:
        """A seekable binary stream over one member; the caller closes it."""

    def known_sha256(self, path: str) -> str | None:
        """A digest the source already holds (e.g. the Hub's LFS hash), so the file need not be
        streamed; None means hash it. A source that returns one says where it came from."""
        return None

    def withheld(self, path: str, fmt: str) -> Finding | None:
        """A finding when a member of this format is listed but deliberately not read further
        (e.g. a remote pickle without --deep); None reads it. Called after format detection."""
        return None

    def local_path(self, path: str) -> str | None:
        """A filesystem path for the member when it is a plain local file (enables mmap)."""
        return None

    def close(self) -> None:  # noqa: B027  (optional hook)
        pass

    def __enter__(self) -> Release:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Source(Protocol):
    name: str

    def accepts(self, target: str) -> bool: ...

    def open(self, target: str, limits: Limits) -> Release: ...
