"""Folders of the Hugging Face cache (`~/.cache/huggingface/hub`), read as the release they hold.

A snapshot (`models--ORG--NAME/snapshots/REV/`) is a tree of symlinks into the repository's
`blobs/` folder; those links stay inside the cached repository, so they are followed (links
anywhere else are still refused). The repository folder itself stands for the snapshot its
`refs/main` names.
"""

from __future__ import annotations

from pathlib import Path

from ..lazy_re import lazy

_REPO = lazy(r"(?:models|datasets|spaces)--[^/]+")
_REV = lazy(r"[0-9a-f]{40}")


def blobs_of_snapshot(real_root: Path) -> Path | None:
    """The `blobs/` folder a snapshot's links point into, when `real_root` is a snapshot."""
    snapshots = real_root.parent
    repo = snapshots.parent
    if snapshots.name != "snapshots" or not _REPO.fullmatch(repo.name):
        return None
    blobs = repo / "blobs"
    return blobs if blobs.is_dir() else None


def snapshot_of_repo(folder: Path) -> Path | None:
    """The snapshot `refs/main` names, when `folder` is a cached repository folder."""
    if not _REPO.fullmatch(folder.name):
        return None
    try:
        revision = (folder / "refs" / "main").read_text("ascii", errors="replace").strip()
    except OSError:
        return None
    snapshot = folder / "snapshots" / revision
    return snapshot if _REV.fullmatch(revision) and snapshot.is_dir() else None
