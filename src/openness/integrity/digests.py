"""Read a list of expected digests: `sha256sum` text, a JSON mapping, or the Hub's file listings.

Accepted shapes (the first that fits wins):
- text, one file a line: `<sha256>  path`, `<sha256> *path` (sha256sum), `SHA256 (path) = <hex>`;
- JSON object `{"path": "<sha256>", ...}`;
- JSON list of `{"path" | "rfilename" | "name" | "filename": ..., "sha256" | "digest": ...}`;
- the Hub's tree listing (`/api/models/<id>/tree/<rev>`): `{"type": "file", "path", "oid",
  "size", "lfs": {"oid": "<sha256>", ...}}` and model info (`/api/models/<id>?blobs=true`):
  `{"siblings": [{"rfilename", "blobId", "size", "lfs": {"sha256", ...}}]}`. Files without an
  LFS entry carry only their git blob id (SHA-1 of `blob <size>\\0<content>`), checked as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..errors import OpennessError
from ..lazy_re import lazy

MAX_LIST_BYTES = 64 * 1024 * 1024
_SHA256 = lazy(r"^[0-9a-fA-F]{64}$")
_SHA1 = lazy(r"^[0-9a-fA-F]{40}$")
_GNU = lazy(r"^([0-9a-fA-F]{64}) [ *](.+)$")
_BSD = lazy(r"^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$")
_PATH_KEYS = ("path", "rfilename", "name", "filename", "file")
_DIGEST_KEYS = ("sha256", "digest", "hash")


class DigestListError(OpennessError):
    """The digest list cannot be read; the message names the line or entry."""


@dataclass(frozen=True)
class Expected:
    """What the list says about one file; at least one digest is set."""

    path: str
    sha256: str | None = None
    git_sha1: str | None = None
    size: int | None = None
    line: int | None = None  # where in a text list


@dataclass(frozen=True)
class DigestList:
    name: str
    shape: str  # sha256sum | json-mapping | json-list | hub-tree | hub-siblings
    entries: tuple[Expected, ...]


def parse_digest_list(name: str, data: bytes) -> DigestList:
    if len(data) > MAX_LIST_BYTES:
        raise DigestListError(f"{name} is over {MAX_LIST_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DigestListError(f"{name} is not UTF-8 text (byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise DigestListError(f"{name} is not valid JSON: {exc}") from None
        shape, entries = _from_json(name, doc)
    else:
        shape, entries = "sha256sum", _from_text(name, text)
    if not entries:
        raise DigestListError(f"{name} lists no files")
    seen: set[str] = set()
    for e in entries:
        if e.path in seen:
            raise DigestListError(f"{name} lists {e.path} twice")
        seen.add(e.path)
    return DigestList(name, shape, tuple(entries))


def normalise(path: str) -> str:
    """Compare paths as the release lists them: posix, relative, no `./`."""
    parts = [p for p in PurePosixPath(path.replace("\\", "/")).parts if p not in (".", "/")]
    return "/".join(parts)


def _from_text(name: str, text: str) -> list[Expected]:
    out: list[Expected] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if m := _GNU.match(line):
            out.append(Expected(normalise(m.group(2)), sha256=m.group(1).lower(), line=number))
        elif m := _BSD.match(line):
            out.append(Expected(normalise(m.group(1)), sha256=m.group(2).lower(), line=number))
        else:
            raise DigestListError(
                f"{name}:{number}: expected '<sha256>  <path>' or 'SHA256 (<path>) = <sha256>'"
            )
    return out


def _from_json(name: str, doc: Any) -> tuple[str, list[Expected]]:
    if isinstance(doc, dict) and isinstance(doc.get("siblings"), list):
        return "hub-siblings", [e for i, s in enumerate(doc["siblings"]) if (e := _hub(name, i, s))]
    if isinstance(doc, dict):
        out = []
        for path, digest in doc.items():
            if not isinstance(digest, str) or not _SHA256.match(digest):
                raise DigestListError(f"{name}: {path!r} does not map to a SHA-256 hex digest")
            out.append(Expected(normalise(path), sha256=digest.lower()))
        return "json-mapping", out
    if isinstance(doc, list):
        hub = any(isinstance(x, dict) and ("oid" in x or "lfs" in x) for x in doc)
        entries = [
            e for i, x in enumerate(doc) if (e := _hub(name, i, x) if hub else _entry(name, i, x))
        ]
        return ("hub-tree" if hub else "json-list"), entries
    raise DigestListError(f"{name}: expected a JSON object or list")


def _entry(name: str, index: int, item: Any) -> Expected:
    if not isinstance(item, dict):
        raise DigestListError(f"{name}: entry {index} is not an object")
    path = next((item[k] for k in _PATH_KEYS if isinstance(item.get(k), str)), None)
    digest = next((item[k] for k in _DIGEST_KEYS if isinstance(item.get(k), str)), None)
    if path is None or digest is None:
        raise DigestListError(f"{name}: entry {index} needs a path and a sha256")
    digest = digest.removeprefix("sha256:")
    if not _SHA256.match(digest):
        raise DigestListError(f"{name}: entry {index} ({path}) has no SHA-256 hex digest")
    return Expected(normalise(path), sha256=digest.lower(), size=_size(item))


def _hub(name: str, index: int, item: Any) -> Expected | None:
    if not isinstance(item, dict):
        raise DigestListError(f"{name}: entry {index} is not an object")
    if item.get("type", "file") != "file":
        return None  # directories in a tree listing
    path = item.get("path", item.get("rfilename"))
    if not isinstance(path, str):
        raise DigestListError(f"{name}: entry {index} has no path")
    lfs = item.get("lfs")
    sha256 = None
    if isinstance(lfs, dict):
        sha256 = lfs.get("sha256", lfs.get("oid"))
        if not isinstance(sha256, str) or not _SHA256.match(sha256):
            raise DigestListError(f"{name}: {path}: the lfs entry has no SHA-256")
    blob = item.get("oid", item.get("blobId"))
    git_sha1 = blob.lower() if isinstance(blob, str) and _SHA1.match(blob) else None
    if sha256 is None and git_sha1 is None:
        raise DigestListError(f"{name}: {path}: neither an LFS SHA-256 nor a git blob id")
    size = lfs.get("size") if isinstance(lfs, dict) else item.get("size")
    return Expected(
        normalise(path),
        sha256=sha256.lower() if sha256 else None,
        git_sha1=None if sha256 else git_sha1,
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
    )


def _size(item: dict[str, Any]) -> int | None:
    size = item.get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) else None
