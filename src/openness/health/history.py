"""Maintenance and people, read from `git log` as a stream: only counters stay in memory.

Windows (last 90 and 365 days) use the committer date, when a commit entered the history; people
are author e-mail addresses, lower-cased (the two forms of a forge's noreply address,
`ID+login@...` and `login@...`, are one person). A commit or tag counts as signed when it carries a
signature (`gpgsig` header, signed tag); signatures are not verified, as no trust store is known.

Organisations are read from e-mail domains, except personal addresses: a forge's noreply address
(`ID+login@users.noreply.github.com`) or a free-mail provider (gmail.com, qq.com, ...) says who a
person is, not whom they work for, so each such author is their own unaffiliated identity.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from .gitrun import run, stream
from .model import HealthLimits

DAY = 86_400


@dataclass
class HistoryStats:
    """Counters filled commit by commit; nothing per commit is kept."""

    now: float
    head: str = ""
    commits: int = 0
    signed: int = 0
    last_commit: str = ""
    last_time: float | None = None
    first_commit: str = ""
    first_time: float | None = None
    commits_90: int = 0
    commits_365: int = 0
    signed_365: int = 0
    authors: set[str] = field(default_factory=set)
    authors_90: set[str] = field(default_factory=set)
    by_author_365: Counter[str] = field(default_factory=Counter)
    by_domain_365: Counter[str] = field(default_factory=Counter)
    by_affiliation_365: Counter[str] = field(default_factory=Counter)
    organisations_365: set[str] = field(default_factory=set)
    personal_365: set[str] = field(default_factory=set)
    truncated: bool = False
    shallow: bool = False

    def add(self, sha: str, email: str, when: float, signed: bool) -> None:
        if not self.head:
            self.head = sha
        self.commits += 1
        self.signed += signed
        if self.last_time is None or when > self.last_time:
            self.last_commit, self.last_time = sha, when
        if self.first_time is None or when <= self.first_time:
            self.first_commit, self.first_time = sha, when
        group, personal = affiliation(email)
        person = group if personal else email  # a noreply address's two forms are one person
        self.authors.add(person)
        age = self.now - when
        if age <= 365 * DAY:
            self.commits_365 += 1
            self.signed_365 += signed
            self.by_author_365[person] += 1
            self.by_domain_365[domain_of(email)] += 1
            self.by_affiliation_365[group] += 1
            (self.personal_365 if personal else self.organisations_365).add(group)
            if age <= 90 * DAY:
                self.commits_90 += 1
                self.authors_90.add(person)

    @property
    def bus_factor(self) -> int:
        """Fewest authors whose commits cover at least half of the last year's commits."""
        covered = 0
        for n, (_, count) in enumerate(self.by_author_365.most_common(), start=1):
            covered += count
            if 2 * covered >= self.commits_365:
                return n
        return 0


def domain_of(email: str) -> str:
    _, at, domain = email.rpartition("@")
    return domain if at and domain else "(no domain)"


@dataclass(frozen=True)
class _PersonalMail:
    noreply_prefixes: tuple[str, ...]
    families: frozenset[str]
    domains: frozenset[str]


@cache
def _personal_mail() -> _PersonalMail:
    from ..datafiles import load_yaml  # PyYAML only once people are counted

    text = resources.files("openness.health").joinpath("personal_mail.yaml").read_text("utf-8")
    raw = load_yaml(text)
    return _PersonalMail(
        tuple(str(p) for p in raw["noreply_prefixes"]),
        frozenset(str(f) for f in raw["families"]),
        frozenset(str(d) for d in raw["domains"]),
    )


@lru_cache(maxsize=4096)  # authors repeat: one classification per address
def affiliation(email: str) -> tuple[str, bool]:
    """(group, personal): an organisation's e-mail domain, or for a personal address (a forge's
    noreply address, a free-mail provider) the person themself, as their own group.

    `1234+login@users.noreply.github.com` and `login@users.noreply.github.com` are one person.
    """
    local, at, domain = email.lower().rpartition("@")
    if not at or not domain:
        return (email or "(no e-mail)", True)  # no domain: nothing says whom they work for
    known = _personal_mail()
    if domain.startswith(known.noreply_prefixes):  # GitHub (and GHE), GitLab, Codeberg
        return (f"{local.partition('+')[2] or local}@{domain}", True)
    labels = domain.split(".")
    free = domain in known.domains or (
        labels[0] in known.families
        and 2 <= len(labels) <= 3
        and (len(labels) == 2 or labels[1] in {"co", "com"})
    )
    return (email.lower(), True) if free else (domain, False)


class _Truncated(Exception):
    pass


def read_history(git_dir: Path, now: float, limits: HealthLimits) -> HistoryStats:
    """Walk every commit reachable from HEAD. An empty repository gives empty stats."""
    stats = HistoryStats(now)
    if _unborn_head(git_dir):
        return stats
    stats.shallow = _shallow(git_dir)
    args = ("log", "--pretty=raw", "--no-show-signature", "--no-color", "HEAD", "--")
    try:
        with stream(git_dir, *args, timeout=limits.git_timeout_seconds) as lines:
            _parse_raw_log(lines, stats, limits.max_commits)
    except _Truncated:
        stats.truncated = True
    return stats


def _unborn_head(git_dir: Path) -> bool:
    """True when HEAD names a branch with no commit yet (a fresh `git init`)."""
    code, out = run(git_dir, "rev-parse", "--verify", "--quiet", "HEAD")
    return code != 0 or not out.strip()


def _shallow(git_dir: Path) -> bool:
    """True for a shallow clone (`git clone --depth N`): the history stops at a cut."""
    code, out = run(git_dir, "rev-parse", "--is-shallow-repository")
    return code == 0 and out.strip() == "true"


def _parse_raw_log(lines: Iterable[bytes], stats: HistoryStats, max_commits: int) -> None:
    sha, email, when, signed, in_header = "", "", 0.0, False, False

    def flush() -> None:
        if sha:
            if stats.commits >= max_commits:
                raise _Truncated
            stats.add(sha, email, when, signed)

    for raw in lines:
        if raw.startswith(b"commit "):
            flush()
            sha = raw[7:47].decode("ascii", "replace")
            email, when, signed, in_header = "", 0.0, False, True
        elif not in_header:
            continue
        elif raw in (b"\n", b"\r\n"):
            in_header = False
        elif raw.startswith(b"committer "):
            when = _timestamp(raw)
        elif raw.startswith(b"author "):
            email = _email(raw)
        elif raw.startswith((b"gpgsig ", b"gpgsig-sha256 ")):
            signed = True
    flush()


def _email(line: bytes) -> str:
    start, end = line.rfind(b"<"), line.rfind(b">")
    if start < 0 or end < start:
        return ""
    return line[start + 1 : end].decode("utf-8", "replace").strip().lower()


def _timestamp(line: bytes) -> float:
    parts = line[line.rfind(b">") + 1 :].split()
    try:
        return float(int(parts[0]))
    except (IndexError, ValueError):
        return 0.0


@dataclass(frozen=True)
class Tag:
    name: str
    commit: str
    when: float
    annotated: bool
    signed: bool


@dataclass(frozen=True)
class TagStats:
    tags: tuple[Tag, ...]
    now: float
    truncated: bool = False

    @property
    def latest(self) -> Tag | None:
        return max(self.tags, key=lambda t: t.when, default=None)

    @property
    def signed(self) -> int:
        return sum(t.signed for t in self.tags)

    @property
    def last_year(self) -> int:
        return sum(1 for t in self.tags if self.now - t.when <= 365 * DAY)

    @property
    def median_interval_days(self) -> float | None:
        times = sorted(t.when for t in self.tags)
        gaps = [(b - a) / DAY for a, b in zip(times, times[1:], strict=False)]
        return round(statistics.median(gaps), 1) if gaps else None


_TAG_FORMAT = (
    "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objectname)%00"
    "%(taggerdate:unix)%00%(committerdate:unix)%00%(*committerdate:unix)%00"
    "%(if)%(contents:signature)%(then)signed%(else)-%(end)"
)


def read_tags(git_dir: Path, now: float, limits: HealthLimits) -> TagStats:
    """Every tag with its date (the tagger's for annotated tags, else the commit's)."""
    tags: list[Tag] = []
    truncated = False
    args = ("for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags")
    with stream(git_dir, *args, timeout=limits.git_timeout_seconds) as lines:
        for raw in lines:
            fields = raw.rstrip(b"\n").decode("utf-8", "replace").split("\0")
            if len(fields) != 8:
                continue
            if len(tags) >= limits.max_tags:
                truncated = True
                continue
            name, kind, obj, target, tagged, committed, target_committed, sig = fields
            annotated = kind == "tag"
            when = _int(tagged) if annotated else _int(committed)
            if annotated and when is None:
                when = _int(target_committed)
            tags.append(
                Tag(
                    name, target if annotated else obj, float(when or 0), annotated, sig == "signed"
                )
            )
    return TagStats(tuple(tags), now, truncated)


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
