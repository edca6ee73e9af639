"""GitHub repositories as places: `gh:OWNER/NAME[@REV]`, read from git objects, never checked out.

Offline, from a mirror of bare repositories (`--git-mirror DIR` or `OPENNESS_GIT_MIRROR`, laid
out as `DIR/OWNER+NAME/` or `DIR/OWNER+NAME.git/`). Otherwise a blob-less bare clone of
`OPENNESS_GITHUB_URL/OWNER/NAME` (default https://github.com) is made once in the cache
(`OPENNESS_CACHE_DIR`, default ~/.cache/openness/git); a file's content is fetched only when it
is read. Only git itself runs: no hook, no checkout, no filter or attribute of the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..errors import TargetError
from ..lazy_re import lazy
from ..limits import Limits
from ..model import Evidence, Finding, Location, Member, Origin
from ..rules import finding
from .interface import Release

PREFIX = "gh:"
_TARGET = lazy(
    r"^gh:(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>[A-Za-z0-9._-]{1,100})"
    r"(@(?P<rev>[A-Za-z0-9._/-]{1,200}))?$"
)
MIRROR_ENV = "OPENNESS_GIT_MIRROR"
BASE_URL_ENV = "OPENNESS_GITHUB_URL"
CACHE_ENV = "OPENNESS_CACHE_DIR"
MAX_ENTRIES = 200_000
GIT_TIMEOUT = 600
#: keeps a repository's own configuration from running anything: no hooks, no fsmonitor, no
#: credential prompts, only the protocols a mirror or GitHub needs
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_ALLOW_PROTOCOL": "https:file",
    "GIT_LFS_SKIP_SMUDGE": "1",
}
_GIT_SAFE = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")


def is_github_target(target: str) -> bool:
    return target.startswith(PREFIX)


def parse_target(target: str) -> tuple[str, str, str | None]:
    match = _TARGET.match(target)
    if not match or match.group("name") in (".", ".."):
        raise TargetError(
            f"{target}: give a GitHub repository as gh:OWNER/NAME or gh:OWNER/NAME@REV"
        )
    return match.group("owner"), match.group("name"), match.group("rev")


def _git(repo: Path | None, *args: str, input_: bytes | None = None) -> bytes:
    command = ["git", *_GIT_SAFE]
    if repo is not None:
        command += ["--git-dir", str(repo)]
    try:
        done = subprocess.run(
            [*command, *args],
            input=input_,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env={**os.environ, **_GIT_ENV},
            check=False,
        )
    except FileNotFoundError:
        raise TargetError("reading gh: places needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise TargetError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TargetError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _mirror_repo(owner: str, name: str) -> Path | None:
    mirror = os.environ.get(MIRROR_ENV)
    if not mirror:
        return None
    for candidate in (f"{owner}+{name}", f"{owner}+{name}.git"):
        path = Path(mirror) / candidate
        if (path / "HEAD").is_file() and (path / "objects").is_dir():
            return path
    raise TargetError(
        f"gh:{owner}/{name} is not in the git mirror {mirror} "
        f"(expected a bare repository at {owner}+{name}/)"
    )


def _cached_clone(owner: str, name: str, rev: str | None) -> Path:
    base = os.environ.get(BASE_URL_ENV, "https://github.com").rstrip("/")
    cache = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "openness") / "git"
    repo = cache / f"{owner}+{name}.git"
    url = f"{base}/{owner}/{name}"
    if not (repo / "HEAD").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{owner}+{name}.", dir=cache))
        try:
            _git(None, "clone", "--bare", "--filter=blob:none", "--no-tags", "--quiet", url,
                 str(staging / "r"))  # fmt: skip
            (staging / "r").rename(repo)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    elif rev is not None and not _has_commit(repo, rev):
        _git(repo, "fetch", "--quiet", "--filter=blob:none", "origin", rev)
    return repo


def _has_commit(repo: Path, rev: str) -> bool:
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except TargetError:
        return False
    return True


class GitRelease(Release):
    """The tree of one commit; members are blobs, read with `git cat-file` when opened."""

    parallel_safe = True

    def __init__(self, target: str, repo: Path, rev: str | None, limits: Limits):
        spec = rev or "HEAD"
        try:
            commit = _git(repo, "rev-parse", "--verify", f"{spec}^{{commit}}").decode().strip()
        except TargetError:
            commit = ""
            if rev is not None:
                # a branch of the remote that the bare clone keeps under its own name
                commit = _git(repo, "rev-parse", "--verify", "FETCH_HEAD^{commit}").decode().strip()
        self.origin = Origin("git", target, str(repo), commit)
        self._repo = repo
        self._objects: dict[str, str] = {}
        members: list[Member] = []
        findings: list[Finding] = []
        absent: list[str] = []
        self.incomplete: tuple[str, ...] = ()
        listing = _git(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", commit)
        for record in listing.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, obj, size = meta.split(None, 3)
            path = raw_path.decode("utf-8", "replace")
            if kind != b"blob":
                continue  # submodules are other places
            if mode == b"120000":
                findings.append(
                    finding(
                        "OPN-SRC-002",
                        "symbolic link in the repository: not followed",
                        Location(path),
                    )
                )
                continue
            if len(members) >= MAX_ENTRIES:
                self.incomplete += (f"more than {MAX_ENTRIES:,} files; the rest were not listed",)
                break
            if not size.strip().isdigit():  # a blob-less or partial clone lacks the object
                absent.append(path)
                continue
            members.append(Member(path, int(size)))
            self._objects[path] = obj.decode()
        if absent:
            self.incomplete += (
                f"{len(absent)} file(s) listed in the commit but absent from the repository "
                f"(not read), e.g. {absent[0]}",
            )
        self.members = tuple(members)
        self.findings = tuple(findings)
        self.evidence = (
            Evidence(
                "place.git",
                target,
                Location(""),
                note=f"commit {commit}" + (f" of {rev}" if rev and rev != commit else ""),
            ),
        )
        self._limits = limits

    def open(self, path: str) -> BinaryIO:
        obj = self._objects.get(path)
        if obj is None:
            raise FileNotFoundError(path)
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        try:
            spool.write(_git(self._repo, "cat-file", "blob", obj))
        except TargetError as exc:
            spool.close()
            raise OSError(str(exc)) from None
        spool.seek(0)
        return spool  # type: ignore[return-value]


class GitHubSource:
    name = "github"

    def accepts(self, target: str) -> bool:
        return is_github_target(target)

    def open(self, target: str, limits: Limits) -> Release:
        owner, name, rev = parse_target(target)
        repo = _mirror_repo(owner, name) or _cached_clone(owner, name, rev)
        return GitRelease(target, repo, rev, limits)
