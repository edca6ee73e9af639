"""Which targets a client of the job API may ask the server to assess.

A target is a Hub id (`hf:ORG/NAME[@REVISION]`, unless the operator turned the Hub off) or an
absolute path that, with every `..` and symlink resolved, lies inside a folder the operator
allowed. Nothing else: no relative paths (they would depend on the server's working directory,
and a bare `ORG/NAME` is read as a Hub id when no such path exists), no release manifests (their
places may name any path on the server).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import OpennessError
from ...lazy_re import lazy
from ...sources.hub_target import HUB_PREFIX, REPO

MAX_TARGET_CHARS = 2048
_REVISION = lazy(r"^[\w.-]{1,128}(/[\w.-]{1,128}){0,3}$")
_MANIFEST_SUFFIXES = (".openness.yaml", ".openness.yml")


class RefusedTarget(OpennessError):
    """A target the server's configuration does not allow."""


@dataclass(frozen=True)
class TargetPolicy:
    allow_roots: tuple[Path, ...] = ()
    hub: bool = True

    @classmethod
    def of(cls, roots: list[str] | tuple[str, ...], hub: bool = True) -> TargetPolicy:
        """Each root resolved once, at start: it must be an existing folder."""
        resolved = []
        for root in roots:
            real = Path(os.path.realpath(root))
            if not real.is_dir():
                raise OpennessError(f"--allow-root {root}: not a folder")
            resolved.append(real)
        return cls(tuple(resolved), hub)


@dataclass(frozen=True)
class Admitted:
    given: str  # as the client wrote it (echoed back)
    target: str  # what the batch runs: the Hub id, or the fully resolved path


def admit(raw: str, policy: TargetPolicy) -> Admitted:
    """The target to run for `raw`, or RefusedTarget saying why not."""
    if not raw or len(raw) > MAX_TARGET_CHARS or any(ord(c) < 32 for c in raw):
        raise RefusedTarget("a target is 1 to 2048 printable characters")
    if raw.startswith(HUB_PREFIX):
        return Admitted(raw, _hub(raw, policy))
    return Admitted(raw, _local(raw, policy))


def _hub(raw: str, policy: TargetPolicy) -> str:
    if not policy.hub:
        raise RefusedTarget(f"{raw}: this server does not assess Hub targets")
    repo_id, at, revision = raw[len(HUB_PREFIX) :].partition("@")
    if not REPO.match(repo_id) or ".." in repo_id:
        raise RefusedTarget(f"{raw}: not a Hub model id; write hf:ORG/NAME or hf:ORG/NAME@REV")
    if at and (not _REVISION.match(revision) or ".." in revision):
        raise RefusedTarget(f"{raw}: not a Hub revision (a branch, tag or commit)")
    return raw


def _local(raw: str, policy: TargetPolicy) -> str:
    if not policy.allow_roots:
        raise RefusedTarget(
            f"{raw}: this server assesses no local paths (it was started without --allow-root)"
        )
    if not os.path.isabs(raw):
        raise RefusedTarget(
            f"{raw}: give an absolute path inside an allowed folder, or hf:ORG/NAME"
        )
    real = Path(os.path.realpath(raw))
    if not any(real == root or real.is_relative_to(root) for root in policy.allow_roots):
        raise RefusedTarget(f"{raw}: not inside a folder this server allows")
    if real.name.lower().endswith(_MANIFEST_SUFFIXES):
        raise RefusedTarget(
            f"{raw}: release manifests are not accepted here (they name other paths)"
        )
    if not (real.is_dir() or real.is_file()):
        raise RefusedTarget(f"{raw}: no such file or folder")
    return str(real)
