"""Release documents by file name (card, license, notice, policy, security) and the facts that
license and policy files give.

Evidence facts: `license_file.present` (value: path; key "code" / "model" / None),
`license_file.spdx` (value: SPDX or LicenseRef id, with a confidence; note: the license name) or
`license_file.unrecognised` (value: path; note: the closest candidates when the text looks like a
modified license), `policy_file.present` (value: path) and `policy_file.id` (the policy named).
`license_detections()` and `readme_license()` give the same matches as `DetectedLicense` values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import PurePosixPath

from ..lazy_re import lazy
from ..licenses.detect import from_match
from ..licenses.match import IDENTIFIED, TextMatch, match_text
from ..licenses.parts import Part, concatenated
from ..licenses.rules import confidence_level
from ..licenses.text import MAX_TEXT_CHARS
from ..limits import DEFAULT_LIMITS, Limits
from ..model import DetectedLicense, Evidence, LicenseKind, LicenseScope, Location
from ..readers.common import fact
from .markdown_comments import is_markdown, without_html_comments

DOCUMENT_KINDS = ("card", "license", "notice", "policy", "security")

# Not documents even when the name starts like one (license_check.py, notice.json ...).
_CODE_SUFFIXES = frozenset(
    {
        ".py",
        ".js",
        ".ts",
        ".json",
        ".yaml",
        ".yml",
        ".toml",
        ".html",
        ".css",
        ".sh",
        ".ipynb",
        ".pyc",
        ".cfg",
        ".ini",
        ".xml",
        ".jsonl",
    }
)

# (kind, pattern on the lower-cased file name, root_only). First match wins.
DOCUMENT_RULES: tuple[tuple[str, str, bool], ...] = (
    (
        "policy",
        r"(acceptable[-_ ]?)?(use|usage)[-_ ]?polic(y|ies)\b.*|.*acceptable[-_ ]use.*",
        False,
    ),
    ("card", r"readme(\.(md|markdown|txt|rst))?", True),
    ("card", r"model[-_ ]?card(\.(md|markdown|txt))?", False),
    ("license", r"(licen[cs]e|copying)([-_. ].*)?", False),
    ("license", r".*[-_ ]licen[cs]e([-_. ].*)?", False),
    ("notice", r"notice([-_. ].*)?", False),
    ("security", r"security(\.(md|markdown|txt|rst))?", False),
)
_RULES = tuple((kind, lazy(p), root) for kind, p, root in DOCUMENT_RULES)
_CODE_KEY = lazy(r"[-_ .]code\b|\bcode[-_ .]|source")
_MODEL_KEY = lazy(r"model|weight|param")


def classify_document(path: str) -> str | None:
    """card | license | notice | policy | security, or None. Case-insensitive, any folder
    (a README counts as the card only at the top level)."""
    p = PurePosixPath(path.replace("\\", "/"))
    name = p.name.lower()
    if p.suffix.lower() in _CODE_SUFFIXES:
        return None
    top = len(p.parts) <= 1
    for kind, pattern, root_only in _RULES:
        if pattern.fullmatch(name) and (top or not root_only):
            return kind
    return None


def select_documents(paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Document paths by kind, top-level first (then by name)."""
    found: dict[str, list[str]] = {}
    for path in paths:
        kind = classify_document(path)
        if kind is not None:
            found.setdefault(kind, []).append(path)
    return {
        kind: tuple(sorted(v, key=lambda p: (p.count("/"), p.lower()))) for kind, v in found.items()
    }


def license_key(path: str) -> str | None:
    """ "code" or "model" when the file name says which part of the release it covers, or
    the folder of model licenses it is in (`model_licenses/LICENSE-FLUX1-dev`)."""
    p = PurePosixPath(path)
    name = p.name.lower()
    if _CODE_KEY.search(name):
        return "code"
    if _MODEL_KEY.search(name) or _MODEL_LICENSES.fullmatch(p.parent.name.lower()):
        return "model"
    return None


#: a top-level folder of the weights' licenses (one per model a code repository releases)
_MODEL_LICENSES = lazy(r"(model|weight)s?[-_ ]?licen[cs]es?")


def is_model_license_folder(folder: str, root: str) -> bool:
    """`model_licenses/` (or `weights-licenses/`) directly under the release root: its files
    are the licenses of the models a code repository releases, not of vendored code."""
    p = PurePosixPath(folder)
    return str(p.parent) in (root or ".", ".") and bool(_MODEL_LICENSES.fullmatch(p.name.lower()))


def _text(data: bytes) -> str:
    """The whole text the caller read (it bounds the read): a license after padding is found
    because the matcher reads a long text in windows, not only its start."""
    return data.decode("utf-8", errors="replace")


def _match(text: str, first_line: int = 1) -> TextMatch:
    # only short texts are cached: a cache must not pin megabytes of padding
    if len(text) <= MAX_TEXT_CHARS:
        return _match_cached(text, first_line)
    return match_text(text, first_line)


@lru_cache(maxsize=64)
def _match_cached(text: str, first_line: int = 1) -> TextMatch:
    return match_text(text, first_line)


@lru_cache(maxsize=64)
def _parts_cached(text: str) -> tuple[Part, ...]:
    return concatenated(text)


def _parts(text: str) -> tuple[Part, ...]:
    return _parts_cached(text) if len(text) <= MAX_TEXT_CHARS else concatenated(text)


def _own_license(text: str) -> TextMatch:
    """The file's own license: the first part of a file that concatenates licenses (the
    others are included third-party licenses), else the whole text."""
    own = [p.match for p in _parts(text) if not p.included]
    return own[0] if own else _match(text)


def read_license_file(
    path: str, data: bytes, limits: Limits = DEFAULT_LIMITS
) -> tuple[Evidence, ...]:
    key = license_key(path)
    out = [fact("license_file.present", path, path, key=key)]
    text = _text(data)
    parts = _parts(text)
    if parts and all(p.included for p in parts):
        return tuple(out)  # third-party licenses only (a THIRD_PARTY_LICENSES file)
    found = _own_license(text)
    if found.status == IDENTIFIED and found.license is not None:
        out.append(
            fact(
                "license_file.spdx",
                found.license.id,
                path,
                line=found.line,
                key=key,
                confidence=confidence_level(found.confidence),
                note=found.license.name,
            )
        )
    else:
        closest = ", ".join(f"{c.id} {c.score:.0%}" for c in found.candidates)
        note = f"{found.status}: closest {closest}" if closest else found.status
        out.append(fact("license_file.unrecognised", path, path, key=key, note=note))
    return tuple(out)


def license_detections(
    path: str, data: bytes, limits: Limits = DEFAULT_LIMITS, kind: str = "license"
) -> tuple[DetectedLicense, ...]:
    """The license (or use policy) a license or policy file holds, as one DetectedLicense; a
    file that concatenates licenses gives one per license, those after its own scoped
    `third-party`."""
    text = _text(data)
    key = license_key(path) if kind == "license" else None
    scope = LicenseScope(key) if key else None
    parts = _parts(text) if kind == "license" else ()
    if parts:
        return tuple(
            from_match(
                p.match,
                Location(path, line=p.match.line or p.first_line),
                LicenseScope.THIRD_PARTY if p.included else scope,
            )
            for p in parts
        )
    found = _match(text)
    if kind != "license" and found.status != IDENTIFIED and not found.candidates:
        return ()  # an unknown policy is already reported as policy_file.present
    where = Location(path, line=found.line)
    return (from_match(found, where, scope, kind=LicenseKind(kind)),)


_LICENSE_HEADING = lazy(r"^#{1,4}\s*(\W\s*)?licen[cs](e|ing)\b.*$", re.IGNORECASE | re.MULTILINE)
_HEADING = lazy(r"^#{1,4}\s", re.MULTILINE)


def readme_license(
    path: str, data: bytes, limits: Limits = DEFAULT_LIMITS
) -> tuple[DetectedLicense, ...]:
    """A license stated inside a README: a "License" section (a notice, a pointer or the full
    text), or a full license appended at the end without a heading. Nothing when neither."""
    text = _text(data)
    if is_markdown(path):
        text = without_html_comments(text)
    for m in _LICENSE_HEADING.finditer(text):
        body_start = m.end()
        nxt = _HEADING.search(text, body_start)
        section = text[body_start : nxt.start() if nxt else len(text)]
        # a license text may carry its own headings: read on while they belong to it
        if nxt is not None and len(section.split()) < 40:
            section = text[body_start:]
        offset_line = text.count("\n", 0, body_start) + 1
        # matched at the file's lines: the terms cite README lines, not the section's
        found = _match(section, offset_line)
        if found.status == IDENTIFIED or found.candidates:
            line = found.line or offset_line
            return (from_match(found, Location(path, line=line, key="license-section")),)
    # a license appended without a heading, anywhere in the README: the matcher locates it
    found = _match(text)
    if found.status == IDENTIFIED or found.candidates:
        return (from_match(found, Location(path, line=found.line, key="license-section")),)
    return ()


def read_policy_file(
    path: str, data: bytes, limits: Limits = DEFAULT_LIMITS
) -> tuple[Evidence, ...]:
    """`policy_file.present`, noting the policy's first line (its title, usually), and
    `policy_file.id` when the policy is one the catalog knows."""
    text = _text(data)
    first = next(
        ((n, line) for n, line in enumerate(text.split("\n")[:200], start=1) if line.strip()), None
    )
    if first is None:
        return (fact("policy_file.present", path, path),)
    title = " ".join(re.sub(r"[*#_`]+", " ", first[1][:300]).split())[:120]
    out = [fact("policy_file.present", path, path, line=first[0], note=title)]
    found = _match(text)
    if found.status == IDENTIFIED and found.license is not None:
        out.append(
            fact(
                "policy_file.id",
                found.license.id,
                path,
                line=found.line,
                confidence=confidence_level(found.confidence),
                note=found.license.name,
            )
        )
    return tuple(out)
