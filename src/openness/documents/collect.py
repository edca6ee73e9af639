"""Find the release's documents and configs, read them as bounded text, and gather their facts."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..limits import Limits
from ..model import DetectedLicense, Evidence, Finding, Link, Location, Member, Section
from ..readers.configs import is_config, read_config
from ..rules import finding
from ..sources import READ_ERRORS, Release

_ROOT_MARKERS = ("readme.md", "config.json", "model_card.md", "model_index.json")


@dataclass
class Documents:
    evidence: list[Evidence] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    licenses: list[DetectedLicense] = field(default_factory=list)


def release_root(members: tuple[Member, ...]) -> str:
    """The folder that holds the model card or config: a wheel nests the model in a package."""
    folders = [
        posixpath.dirname(m.path)
        for m in members
        if posixpath.basename(m.path).lower() in _ROOT_MARKERS
    ]
    return min(folders, key=lambda f: (f.count("/") + (1 if f else 0), f)) if folders else ""


def collect_configs(release: Release, limits: Limits) -> Documents:
    """Only the configuration and tokenizer files at the release root (what `scan` needs: chat
    templates and auto_map), without the card and license machinery."""
    docs = Documents()
    root = release_root(release.members)
    all_paths = frozenset(m.path for m in release.members)
    for member in release.members:
        if posixpath.dirname(member.path) != root or not is_config(member.path):
            continue
        data = _read_text(release, member, limits, docs)
        if data is not None:
            config = read_config(member.path, data, all_paths)
            docs.evidence.extend(config.evidence)
            docs.findings.extend(config.findings)
    return docs


def collect_documents(release: Release, limits: Limits) -> Documents:
    from .card import read_card  # the card and license machinery loads only when assessing
    from .files import (
        classify_document,
        license_detections,
        read_license_file,
        read_policy_file,
        readme_license,
    )

    docs = Documents()
    root = release_root(release.members)
    all_paths = frozenset(m.path for m in release.members)
    card_seen = False
    for member in release.members:
        folder = posixpath.dirname(member.path)
        if folder not in (root, ""):
            continue
        kind = classify_document(posixpath.basename(member.path) if folder == root else member.path)
        if kind is None and not (folder == root and is_config(member.path)):
            continue
        data = _read_text(release, member, limits, docs)
        if data is None:
            continue
        if kind == "card" and not card_seen:
            card_seen = True
            card = read_card(member.path, data)
            docs.evidence.extend(card.evidence)
            docs.sections.extend(card.sections)
            docs.links.extend(card.links)
            docs.findings.extend(card.findings)
            docs.licenses.extend(readme_license(member.path, data, limits))
        elif kind == "license":
            docs.evidence.extend(read_license_file(member.path, data))
            docs.licenses.extend(license_detections(member.path, data, limits))
        elif kind == "policy":
            docs.evidence.extend(read_policy_file(member.path, data))
            docs.licenses.extend(license_detections(member.path, data, limits, kind="use-policy"))
        elif kind is None:
            config = read_config(member.path, data, all_paths)
            docs.evidence.extend(config.evidence)
            docs.findings.extend(config.findings)
    if not card_seen:
        docs.findings.append(
            finding("OPN-DOC-005", "no model card (README.md) in the release", Location(root))
        )
    return docs


def _read_text(release: Release, member: Member, limits: Limits, docs: Documents) -> bytes | None:
    cap = limits.max_json_bytes if member.path.lower().endswith(".json") else limits.max_text_bytes
    try:
        with release.open(member.path) as stream:
            data = stream.read(cap + 1)
    except READ_ERRORS as exc:
        docs.findings.append(
            finding("OPN-SRC-005", f"file could not be read: {_why(exc)}", Location(member.path))
        )
        return None
    if len(data) > cap:
        docs.findings.append(
            finding(
                "OPN-DOC-004",
                f"document larger than {cap:,} bytes; only the start was read",
                Location(member.path),
            )
        )
        data = data[:cap]
    return data


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
