"""Governance and security-practice files of a checkout: found by name, read as bounded text.

Only the top folder, `.github/`, `.gitlab/` and `docs/` are looked at (where GitHub and GitLab
look for them too). Symlinks are followed only when they stay inside the checkout.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..lazy_re import lazy
from .model import HealthLimits

_PLACES = ("", ".github", ".gitlab", "docs")

KINDS: dict[str, re.Pattern[str]] = {
    "license": re.compile(r"^(licen[cs]e|copying)([-._].*)?$", re.I),
    "security_policy": re.compile(r"^security(\.(md|txt|rst|adoc))?$", re.I),
    "contributing": re.compile(r"^contributing(\.(md|txt|rst|adoc))?$", re.I),
    "code_of_conduct": re.compile(r"^code[-_]of[-_]conduct(\.(md|txt|rst|adoc))?$", re.I),
    "governance": re.compile(r"^governance(\.(md|txt|rst|adoc))?$", re.I),
    "maintainers": re.compile(r"^(maintainers|owners)(\.(md|txt|rst|adoc))?$", re.I),
    "codeowners": re.compile(r"^codeowners$", re.I),
    "funding": re.compile(r"^funding\.(yml|yaml|json)$", re.I),
}

# CI services and where each keeps its configuration.
_CI_FILES = (
    ".gitlab-ci.yml",
    ".travis.yml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "Jenkinsfile",
    ".drone.yml",
    "bitbucket-pipelines.yml",
    "appveyor.yml",
    ".buildkite/pipeline.yml",
    ".woodpecker.yml",
)
_CI_FOLDERS = (".github/workflows", ".woodpecker", ".forgejo/workflows", ".gitea/workflows")

_EMAIL = lazy(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = lazy(r"https?://[^\s)>\]\"'`]+")
_CHANNEL_WORDS = lazy(
    r"security/advisories|private vulnerability reporting|report a vulnerability|hackerone|"
    r"bugcrowd|huntr|intigriti",
    re.I,
)


@dataclass(frozen=True)
class FoundFile:
    kind: str
    path: str  # relative to the checkout, with forward slashes


@dataclass(frozen=True)
class Contact:
    kind: str  # email | url | channel
    value: str
    line: int


def find_governance_files(root: Path) -> list[FoundFile]:
    found: list[FoundFile] = []
    for place in _PLACES:
        for name in _list(root, place):
            rel = f"{place}/{name}" if place else name
            for kind, pattern in KINDS.items():
                if pattern.match(name) and _regular_inside(root, rel):
                    found.append(FoundFile(kind, rel))
    for rel in _CI_FILES:
        if _regular_inside(root, rel):
            found.append(FoundFile("ci", rel))
    for folder in _CI_FOLDERS:
        for name in _list(root, folder):
            rel = f"{folder}/{name}"
            if name.endswith((".yml", ".yaml")) and _regular_inside(root, rel):
                found.append(FoundFile("ci", rel))
    return found


def _list(root: Path, place: str) -> list[str]:
    folder = root / place if place else root
    if place and (folder.is_symlink() or not folder.is_dir()):
        return []
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _regular_inside(root: Path, rel: str) -> bool:
    path = root / rel
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            real = path.resolve(strict=True)
            if not real.is_relative_to(root.resolve()):
                return False
            st = real.stat()
    except (OSError, RuntimeError):
        return False
    return stat.S_ISREG(st.st_mode)


def read_text(root: Path, rel: str, limits: HealthLimits) -> str | None:
    """The start of a file as text (replacement characters for bad bytes), None if unreadable."""
    if not _regular_inside(root, rel):
        return None
    try:
        with open(root / rel, "rb") as handle:
            return handle.read(limits.max_text_bytes).decode("utf-8", "replace")
    except OSError:
        return None


def security_contacts(text: str) -> list[Contact]:
    """E-mail addresses, links and named reporting channels in a security policy, in order."""
    found: list[Contact] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += [Contact("email", m.group(0), number) for m in _EMAIL.finditer(line)]
        found += [Contact("url", m.group(0).rstrip(".,;"), number) for m in _URL.finditer(line)]
        found += [Contact("channel", m.group(0), number) for m in _CHANNEL_WORDS.finditer(line)]
    return found
