"""Find the release's documents and configs, read them as bounded text, and gather their facts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..lazy_re import lazy
from ..limits import Limits
from ..model import DetectedLicense, Evidence, Finding, Link, Location, Member, Section
from ..readers.configs import is_config_at, read_config
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
        if not is_config_at(member.path, root):
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
        is_model_license_folder,
        license_detections,
        read_license_file,
        read_policy_file,
        readme_license,
    )

    docs = Documents()
    root = release_root(release.members)
    all_paths = frozenset(m.path for m in release.members)
    license_folders = _license_folders(release.members, root, classify_document)
    fallback = Documents()  # licenses of sub-folders: used when the release states none itself
    card_seen = False
    for member in release.members:
        folder = posixpath.dirname(member.path)
        for_weights = is_model_license_folder(folder, root)
        is_conf = is_config_at(member.path, root)  # named chat templates sit in a sub-folder
        if (
            folder not in (root, "")
            and folder not in license_folders
            and not for_weights
            and not is_conf
        ):
            continue
        own_folder = folder == root or folder in license_folders or for_weights
        kind = classify_document(posixpath.basename(member.path) if own_folder else member.path)
        if folder not in (root, "") and kind not in ("license", "policy") and not is_conf:
            continue
        if kind is None and not is_conf:
            continue
        # a license or policy is read far past the document cap: padding must not hide it (the
        # license reader looks at the start, the end and the title lines of a long text)
        cap = MAX_LICENSE_BYTES if kind in ("license", "policy") else None
        data = _read_text(release, member, limits, docs, cap)
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
        elif kind in ("license", "policy"):
            into = fallback if folder in license_folders and not for_weights else docs
            policy = kind == "policy"
            read = read_policy_file if policy else read_license_file
            into.evidence.extend(read(member.path, data))
            into.licenses.extend(
                license_detections(member.path, data, limits, kind="use-policy")
                if policy
                else license_detections(member.path, data, limits)
            )
        elif kind is None:
            config = read_config(member.path, data, all_paths)
            docs.evidence.extend(config.evidence)
            docs.findings.extend(config.findings)
    if not docs.licenses and not any(e.fact == "card.license" for e in docs.evidence):
        docs.evidence.extend(_package_metadata(release, limits, docs))
        docs.evidence.extend(fallback.evidence)
        docs.licenses.extend(fallback.licenses)
    if not card_seen:
        docs.findings.append(
            finding("OPN-DOC-005", "no model card (README.md) in the release", Location(root))
        )
    return docs


#: how much of a license or use-policy file is read (the card and other documents: max_text_bytes)
MAX_LICENSE_BYTES = 64 * 1024 * 1024

_VENDORED = lazy(
    r"(^|/)(third[-_]?party|vendor(ed)?|external|extern|node_modules|site-packages|deps|"
    r"submodules?|tests?|examples?|docs?)(/|$)",
    re.I,
)
_METADATA = lazy(r"(^|/)[^/]+\.(dist|egg)-info/(METADATA|PKG-INFO)$")
_LICENSE_HEADER = lazy(r"^(License-Expression|License):[ \t]*(\S.{0,200}?)\s*$", re.I)


def _license_folders(
    members: tuple[Member, ...], root: str, classify: Callable[[str], str | None]
) -> frozenset[str]:
    """When the release root holds no license, the shallowest folders that do (a wheel's
    package or `*.dist-info/licenses/`, each checkout of a folder of repositories); vendored
    code, tests and examples never speak for the release. Their licenses are used only when the
    release itself (its root, its card) states none: a wrapper package's MIT does not override
    the card of the model it carries."""
    by_depth: dict[int, set[str]] = {}
    for member in members:
        if classify(posixpath.basename(member.path)) not in ("license", "policy"):
            continue
        folder = posixpath.dirname(member.path)
        if folder in (root, ""):
            return frozenset()
        if _VENDORED.search(folder):
            continue
        by_depth.setdefault(folder.count("/"), set()).add(folder)
    return frozenset(by_depth[min(by_depth)]) if by_depth else frozenset()


def _package_metadata(release: Release, limits: Limits, docs: Documents) -> list[Evidence]:
    """A wheel's or sdist's METADATA: its `License-Expression` (or `License`) header is the
    package's declared license, as a card's `license:` is."""
    out: list[Evidence] = []
    for member in release.members:
        if not _METADATA.search(member.path) or member.path.count("/") > 3:
            continue
        data = _read_text(release, member, limits, docs)
        if data is None:
            continue
        found: dict[str, tuple[str, int]] = {}
        for number, line in enumerate(data.decode("utf-8", "replace").split("\n"), start=1):
            if not line.strip():
                break  # the headers end at the first blank line
            match = _LICENSE_HEADER.match(line)
            if match:
                found.setdefault(match.group(1).lower(), (match.group(2), number))
        value, line_no = found.get("license-expression") or found.get("license") or ("", 0)
        if value and value.upper() not in ("UNKNOWN", "NONE"):
            out.append(
                Evidence(
                    "card.license",
                    value,
                    Location(member.path, line=line_no),
                    note="declared in the package metadata",
                )
            )
            break
    return out


def _read_text(
    release: Release, member: Member, limits: Limits, docs: Documents, cap: int | None = None
) -> bytes | None:
    if cap is None:
        json_file = member.path.lower().endswith(".json")
        cap = limits.max_json_bytes if json_file else limits.max_text_bytes
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
