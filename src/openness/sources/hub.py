"""The Hugging Face Hub as a source: `hf:ORG/NAME[@REVISION]`, or a bare `ORG/NAME` that is not
a local path.

The revision is pinned to a commit at the start, so every later request reads the same tree.
The file list, sizes and LFS SHA-256 digests come from the Hub's model info; small documents and
configs are fetched whole into the Hub cache; weight files are read through HTTP range requests,
headers only. Code-bearing files (pickles, Keras, HDF5, NumPy archives) are recognised from their
first 4 KiB and read further only with `--deep` (`Limits.max_remote_code_bytes` > 0), up to that
many bytes each. With `HF_HUB_OFFLINE=1` everything comes from the cache, or the report says
precisely what was missing.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..documents.files import classify_document
from ..errors import TargetError
from ..lazy_re import lazy
from ..limits import Limits, MiB
from ..model import Evidence, Finding, Location, Member, Origin
from ..readers import detect
from ..readers.configs import is_config
from ..rules import finding
from .archive import unsafe_name
from .hub_client import HubClient, HubError
from .hub_facts import base_model_facts, dataset_facts, repo_facts
from .hub_stream import RangeStream, SegmentStore
from .hub_target import HUB_PREFIX, REPO, is_hub_target
from .interface import Release

#: formats that can run code when loaded: listed, recognised, read further only with --deep
CODE_FORMATS = detect.WEIGHT_FORMATS - detect.SAFE_WEIGHT_FORMATS
#: formats whose scan walks the whole file (a zip-based one reads only its pickle member)
_WHOLE_FILE_FORMATS = frozenset({detect.PICKLE, detect.TORCH_LEGACY})
#: what one non-code file may cost without --deep (headers are far smaller)
READ_BUDGET = 256 * MiB
_TEXT_SUFFIXES = (".json", ".md", ".txt", ".yaml", ".yml", ".jinja", ".gitattributes")
_REPO = REPO
_COMMIT = lazy(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class HubTarget:
    repo_id: str
    revision: str | None = None

    @property
    def name(self) -> str:
        return f"{HUB_PREFIX}{self.repo_id}"


def parse_target(target: str) -> HubTarget:
    text = target.removeprefix(HUB_PREFIX).strip()
    repo_id, at, revision = text.partition("@")
    if not _REPO.match(repo_id) or ".." in repo_id or (at and not revision):
        raise TargetError(
            f"{target} is not a Hub model id; write hf:ORG/NAME or hf:ORG/NAME@REVISION"
        )
    return HubTarget(repo_id, revision or None)


class HubSource:
    name = "hub"

    def accepts(self, target: str) -> bool:
        return is_hub_target(target)

    def open(self, target: str, limits: Limits) -> Release:
        return HubRelease(target, limits)


class HubRelease(Release):
    def __init__(self, target: str, limits: Limits, client: HubClient | None = None):
        self._target = parse_target(target)
        self._client = client or HubClient()
        self._limits = limits
        self._incomplete: list[str] = []
        repo_id = self._target.repo_id
        data = self._model_info()
        info = _parse_info(data, repo_id)
        self.commit = str(info.sha)
        self.origin = Origin("hub", target, self._target.name, revision=self.commit)
        self._sizes: dict[str, int] = {}
        self._lfs: dict[str, str] = {}
        self._findings: list[Finding] = []
        self._list_files(info)
        self.members = tuple(Member(p, s) for p, s in sorted(self._sizes.items()))
        page = self._client.web_url(repo_id)
        facts = [repo_facts(info, self._target.revision, page)]
        facts.append(dataset_facts(info.card_data, self._other_info, self._client.web_url))
        facts.append(base_model_facts(info.card_data, self._other_info, self._client.web_url))
        self.evidence = tuple(e for f in facts for e in f.evidence) + (self._traffic_note(),)
        self.findings = tuple(self._findings) + tuple(x for f in facts for x in f.findings)
        self.incomplete = tuple(self._incomplete)

    # ------------------------------------------------------------------ listing

    def _model_info(self) -> dict[str, Any]:
        repo_id, revision = self._target.repo_id, self._target.revision
        cache = _SideCache(self._client.side_cache, repo_id)
        if not self._client.offline:
            data = self._client.info("model", repo_id, revision)
            if isinstance(data.get("sha"), str) and _COMMIT.match(data["sha"]):
                cache.save(data, revision or "main")
            return data
        commit = cache.commit_for(revision or "main", self._client.hub_cache)
        if commit is None:
            raise HubError(
                f"offline (HF_HUB_OFFLINE=1): no cached revision {revision or 'main'!r} of "
                f"{repo_id} in {self._client.side_cache} or {self._client.hub_cache}; run "
                f"`openness assess hf:{repo_id}` once online"
            )
        cached = cache.load(commit)
        if cached is not None:
            return cached
        snapshot = self._client.hub_cache / _repo_folder(repo_id) / "snapshots" / commit
        if not snapshot.is_dir():
            raise HubError(
                f"offline (HF_HUB_OFFLINE=1): the file list of {repo_id} at {commit[:12]} is "
                f"not cached and there is no snapshot in {self._client.hub_cache}; run "
                f"`openness assess hf:{repo_id}` once online"
            )
        self._incomplete.append(
            f"offline: the Hub's file list for {repo_id} is not cached; only the files of the "
            f"local snapshot {snapshot} were assessed"
        )
        return _snapshot_info(repo_id, commit, snapshot)

    def _list_files(self, info: Any) -> None:
        siblings = list(info.siblings or ())
        if len(siblings) > self._limits.max_archive_members:
            raise HubError(
                f"{self._target.name} lists {len(siblings):,} files, over the limit of "
                f"{self._limits.max_archive_members:,}"
            )
        for sibling in siblings:
            path = str(sibling.rfilename)
            why = unsafe_name(path)
            if why is not None or path in self._sizes:
                why = why or "listed twice"
                self._findings.append(
                    finding("OPN-ARC-001", f"Hub file name refused: {why}", Location(path), path)
                )
                continue
            size = sibling.lfs.size if sibling.lfs is not None else sibling.size
            if not isinstance(size, int) or size < 0:
                self._incomplete.append(f"{path}: the Hub gave no size; not read")
                continue
            self._sizes[path] = size
            if sibling.lfs is not None and re.fullmatch(r"[0-9a-f]{64}", str(sibling.lfs.sha256)):
                self._lfs[path] = str(sibling.lfs.sha256)

    def _other_info(self, kind: str, repo_id: str) -> dict[str, Any]:
        """Info on a dataset or base model named by the card; cached for offline runs."""
        cache = _SideCache(self._client.side_cache, repo_id, kind)
        if self._client.offline:
            data = cache.load("main")
            if data is None:
                raise HubError(f"offline (HF_HUB_OFFLINE=1): no cached info for {kind} {repo_id}")
            return data
        data = self._client.info(kind, repo_id, None)
        cache.save_as(data, "main")
        return data

    def _traffic_note(self) -> Evidence:
        return Evidence(
            "hub.source",
            self._client.endpoint,
            Location(""),
            note="file list, sizes and LFS digests from the Hub's API"
            + (" (offline, from the cache)" if self._client.offline else ""),
        )

    # ------------------------------------------------------------------ reading

    def withheld(self, path: str, fmt: str) -> Finding | None:
        if fmt not in CODE_FORMATS or self._local(path) is not None:
            return None  # a file already in the Hub cache is read from disk: nothing to download
        cap = self._limits.max_remote_code_bytes
        if cap > 0:
            if fmt in _WHOLE_FILE_FORMATS and self._sizes[path] > cap:
                return finding(
                    "OPN-HUB-002",
                    f"{fmt} file of {self._sizes[path]:,} bytes not scanned: over the download "
                    f"cap of {cap:,} bytes (raise it with --max-download)",
                    Location(path),
                    fmt,
                )
            return None
        return finding(
            "OPN-HUB-001",
            f"{fmt} file on the Hub not scanned (use --deep); only its first 4 KiB were read "
            "to recognise it",
            Location(path),
            fmt,
        )

    def known_sha256(self, path: str) -> str | None:
        return self._lfs.get(path)

    def open(self, path: str) -> BinaryIO:
        size = self._sizes[path]
        local = self._local(path)
        if local is not None:
            return open(local, "rb")  # noqa: SIM115  (caller closes)
        if self._fetch_whole(path, size):
            return open(self._client.download(self._target.repo_id, path, self.commit), "rb")  # noqa: SIM115
        deep = self._limits.max_remote_code_bytes
        store = SegmentStore.for_file(
            self._client.side_cache, _repo_folder(self._target.repo_id), self.commit, path
        )
        repo_id, commit, client = self._target.repo_id, self.commit, self._client
        stream = RangeStream(
            path,
            size,
            lambda start, end: client.read_range(repo_id, path, commit, start, end),
            budget=deep or READ_BUDGET,
            store=store,
            cap_hint="raise it with --max-download" if deep else "read it with --deep",
        )
        return cast(BinaryIO, stream)

    def _fetch_whole(self, path: str, size: int) -> bool:
        if size > self._limits.max_json_bytes:
            return False
        name = posixpath.basename(path).lower()
        return (
            classify_document(path) is not None or is_config(path) or name.endswith(_TEXT_SUFFIXES)
        )

    def _local(self, path: str) -> Path | None:
        """The file in the Hub cache's snapshot of the pinned commit, if it is there whole."""
        repo_dir = self._client.hub_cache / _repo_folder(self._target.repo_id)
        candidate = repo_dir / "snapshots" / self.commit / path
        try:
            real = candidate.resolve(strict=True)
            if real.is_relative_to(repo_dir.resolve()) and real.stat().st_size == self._sizes[path]:
                return real
        except (OSError, RuntimeError):
            pass
        return None


def _parse_info(data: dict[str, Any], repo_id: str) -> Any:
    from huggingface_hub.hf_api import ModelInfo

    parse: Any = ModelInfo  # untyped constructor
    try:
        info = parse(**data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise HubError(f"the Hub's description of {repo_id} is malformed ({exc})") from None
    if not isinstance(info.sha, str) or not _COMMIT.match(info.sha):
        raise HubError(f"the Hub's description of {repo_id} names no commit to pin")
    if info.siblings is None:
        raise HubError(f"the Hub's description of {repo_id} has no file list")
    return info


def _snapshot_info(repo_id: str, commit: str, snapshot: Path) -> dict[str, Any]:
    """A model-info stand-in built from a Hub cache snapshot (symlinks into `blobs/`)."""
    siblings: list[dict[str, Any]] = []
    repo_dir = snapshot.parent.parent.resolve()
    for file in sorted(snapshot.rglob("*")):
        try:
            real = file.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if not real.is_file() or not real.is_relative_to(repo_dir):
            continue
        entry: dict[str, Any] = {
            "rfilename": file.relative_to(snapshot).as_posix(),
            "size": real.stat().st_size,
        }
        if re.fullmatch(r"[0-9a-f]{64}", real.name):  # LFS blobs are named by their SHA-256
            entry["lfs"] = {"sha256": real.name, "size": entry["size"], "pointerSize": 0}
        siblings.append(entry)
    return {"id": repo_id, "sha": commit, "siblings": siblings}


def _repo_folder(repo_id: str, kind: str = "model") -> str:
    return f"{kind}s--{repo_id.replace('/', '--')}"


class _SideCache:
    """Hub answers kept beside the Hub cache for offline runs: `HF_HOME/openness/<repo>/`."""

    def __init__(self, root: Path, repo_id: str, kind: str = "model"):
        self.folder = root / _repo_folder(repo_id, kind)

    def save(self, data: dict[str, Any], revision: str) -> None:
        self.save_as(data, str(data["sha"]))
        self._write(self.folder / "refs" / revision.replace("/", "--"), str(data["sha"]))

    def save_as(self, data: dict[str, Any], name: str) -> None:
        self._write(self.folder / "info" / f"{name}.json", json.dumps(data))

    def load(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / "info" / f"{name}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def commit_for(self, revision: str, hub_cache: Path) -> str | None:
        if _COMMIT.match(revision):
            return revision
        safe = revision.replace("/", "--")
        for ref in (
            self.folder / "refs" / safe,
            hub_cache / self.folder.name / "refs" / revision,
        ):
            try:
                text = ref.read_text("utf-8").strip()
            except OSError:
                continue
            if _COMMIT.match(text):
                return text
        return None

    @staticmethod
    def _write(target: Path, text: str) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(text, "utf-8")
            tmp.replace(target)
        except OSError:
            pass  # an unwritable cache only means no offline run later
