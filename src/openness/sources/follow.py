"""`--follow-links`: links in a release's documents to GitHub repositories become places.

Only the release's own repositories are followed (the owner of one of its places and a name
that shares a word with the release's), at most `max_links` of them, each at most `max_bytes`
in all. A repository is read as a `gh:` place, so offline only what the git mirror
(`--git-mirror`) or the clone cache holds is read. Every link that is not read is kept as
"linked, not verified" with the reason, and shown among the places.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import TargetError
from ..limits import Limits
from ..model import Member
from .github import GitHubSource
from .interface import READ_ERRORS, Release
from .manifest import ManifestRelease, Place
from .places import PlaceSpec

DEFAULT_MAX_LINKS = 5
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_DOCUMENT_BYTES = 512 * 1024  # of each document scanned for links
MAX_DOCUMENTS = 200
MAX_LISTED = 50  # links not read, listed one by one; the rest are counted

_TEXT = (".md", ".markdown", ".rst", ".txt", ".cff")
_GITHUB = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9_.-]{1,100})",
    re.I,
)
#: github.com paths that are not repositories
_NOT_OWNERS = frozenset(
    {"orgs", "settings", "features", "topics", "marketplace", "sponsors", "about", "apps"}
)
_GENERIC = frozenset({"model", "models", "code", "the", "and", "github", "main", "docs", "open"})


@dataclass(frozen=True)
class Link:
    owner: str
    name: str
    found_in: str

    @property
    def target(self) -> str:
        return f"gh:{self.owner}/{self.name}"


@dataclass(frozen=True)
class Unverified:
    link: Link
    reason: str


class LinkedRelease(ManifestRelease):
    """The release with the repositories its documents link to, each under `@OWNER+NAME/`."""

    def __init__(
        self,
        release: Release,
        followed: Sequence[tuple[Link, Release]],
        unverified: Sequence[Unverified],
    ):
        places = [
            (Place(f"{link.owner}+{link.name}", link.target, "code"), r) for link, r in followed
        ]
        super().__init__(release.origin.target, release, places)
        self.origin = release.origin
        self.place_specs = (
            tuple(getattr(release, "place_specs", ()))
            + tuple(
                PlaceSpec(
                    f"@{p.name}/", p.target, "link", p.target, "linked, read", r.origin.revision
                )
                for p, r in places
            )
            + tuple(
                PlaceSpec(
                    f"#unread/{u.link.target}",
                    u.link.target,
                    "link",
                    f"linked in {u.link.found_in}: {u.reason}",
                    "linked, not verified",
                )
                for u in unverified
            )
        )


def follow_links(
    release: Release,
    limits: Limits,
    max_links: int = DEFAULT_MAX_LINKS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Release:
    links = linked_repositories(release)
    own = _own_words(release)
    followed: list[tuple[Link, Release]] = []
    unverified: list[Unverified] = []
    for link in links:
        if (link.owner.lower(), link.name.lower()) in own.places:
            continue  # already a place of the release
        if not _is_own(link, own):
            unverified.append(Unverified(link, "not the release's own repository"))
        elif len(followed) >= max_links:
            unverified.append(Unverified(link, f"over the limit of {max_links} links followed"))
        else:
            reason, opened = _open(link, limits, max_bytes)
            if opened is None:
                unverified.append(Unverified(link, reason))
            else:
                followed.append((link, opened))
    if not links:
        return release
    if len(unverified) > MAX_LISTED:
        extra = len(unverified) - MAX_LISTED + 1
        more = Link("…", f"{extra} more", "the documents")
        unverified = [*unverified[: MAX_LISTED - 1], Unverified(more, "not listed one by one")]
    return LinkedRelease(release, followed, unverified)


def linked_repositories(release: Release) -> list[Link]:
    """GitHub repositories linked in the release's documents, first link of each kept."""
    seen: dict[tuple[str, str], Link] = {}
    for member in _documents(release.members):
        try:
            with release.open(member.path) as stream:
                text = stream.read(MAX_DOCUMENT_BYTES).decode("utf-8", "replace")
        except READ_ERRORS:
            continue
        for owner, name in _GITHUB.findall(text):
            name = name.removesuffix(".git").rstrip(".")
            key = (owner.lower(), name.lower())
            if owner.lower() in _NOT_OWNERS or not name or key in seen:
                continue
            seen[key] = Link(owner, name, member.path)
    return list(seen.values())


def _open(link: Link, limits: Limits, max_bytes: int) -> tuple[str, Release | None]:
    try:
        opened = GitHubSource().open(link.target, limits)
    except TargetError as exc:
        return str(exc), None
    size = sum(m.size for m in opened.members)
    if size > max_bytes:
        opened.close()
        return f"{size:,} bytes, over the limit of {max_bytes:,}", None
    return "", opened


def _documents(members: Sequence[Member]) -> list[Member]:
    docs = [m for m in members if m.path.lower().endswith(_TEXT)]
    docs.sort(key=lambda m: (m.path.count("/"), m.path))
    return docs[:MAX_DOCUMENTS]


@dataclass(frozen=True)
class _Own:
    places: frozenset[tuple[str, str]]  # (owner, name) of the release's repositories
    owners: frozenset[str]
    words: frozenset[str]


def _own_words(release: Release) -> _Own:
    """The release's repositories, their owners and distinctive words: its `OWNER+NAME`
    folders and its gh: target."""
    repos: set[tuple[str, str]] = set()
    target = release.origin.target
    if target.startswith(("gh:", "hf:")):
        owner, _, rest = target[3:].partition("/")
        repos.add((owner.lower(), rest.split("@", 1)[0].lower()))
    for member in release.members:
        top = member.path.split("/", 1)[0] if "/" in member.path else ""
        if "+" in top and not top.startswith("@"):
            owner, _, name = top.partition("+")
            repos.add((owner.lower(), name.lower()))
    return _Own(
        frozenset(repos),
        frozenset(o for o, _ in repos),
        frozenset(w for _, n in repos for w in _words(n)),
    )


def _is_own(link: Link, own: _Own) -> bool:
    """Same owner and a shared name word: an organisation's other releases (same owner) and
    others' ports named after the release (shared word) are not the release."""
    return link.owner.lower() in own.owners and bool(_words(link.name) & own.words)


def _words(text: str) -> set[str]:
    found = (re.sub(r"\d+$", "", w) for w in re.findall(r"[a-z][a-z0-9]*", text.lower()))
    return {w for w in found if len(w) >= 3 and w not in _GENERIC}


__all__ = ["LinkedRelease", "follow_links", "linked_repositories"]
