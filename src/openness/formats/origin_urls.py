"""The web addresses of a release read from a repository (the Hugging Face Hub, GitHub): the
repository page, its tree at the pinned revision and its files, for the exports that name them.
A local release has none: no address is guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from ..model import Assessment
from . import evidence
from . import release_facts as rf

_GITHUB = re.compile(r"gh:([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})")
_REVISION = re.compile(r"[0-9A-Za-z._/-]{1,200}")


@dataclass(frozen=True)
class Repository:
    site: str  # https://huggingface.co or https://github.com
    owner: str
    name: str
    revision: str | None

    @property
    def hub(self) -> bool:
        return self.site == "https://huggingface.co"

    @property
    def url(self) -> str:
        return f"{self.site}/{self.owner}/{self.name}"

    def at_revision(self, view: str) -> str:
        """`view` (tree or blob) at the pinned revision, ending in a slash."""
        rev = self.revision if self.revision and _REVISION.fullmatch(self.revision) else "main"
        return f"{self.url}/{view}/{quote(rev, safe='')}/"


def repository(a: Assessment) -> Repository | None:
    """The Hub or GitHub repository the release was read from, if it was read from one."""
    if a.origin.kind == "hub":
        repo_id = a.origin.path.removeprefix("hf:")
        if rf.is_hub_id(repo_id):
            owner, name = repo_id.split("/", 1)
            return Repository("https://huggingface.co", owner, name, a.origin.revision)
    if a.origin.kind == "git" and (match := _GITHUB.match(a.origin.target)):
        return Repository("https://github.com", match[1], match[2], a.origin.revision)
    return None


def file_url(a: Assessment, path: str) -> str | None:
    """A release file's web address at the pinned revision (None for a local release)."""
    if repository(a) is None:
        return None
    return evidence.link(evidence.OriginRef.of(a.origin), path, None)
