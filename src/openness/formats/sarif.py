"""SARIF 2.1.0 for code-scanning dashboards: the rule catalog as `tool.driver.rules`, one result per
finding, with the file as `artifactLocation.uri`, the byte offset or line as `region`, the archive
member or key as a logical location, and a stable `partialFingerprints` entry.

GitHub code scanning places an alert by `region.startLine` and a URI relative to the repository
root: with `RenderOptions.source_root` (the CLI passes the git repository holding the release, or
the working directory) URIs are relative to it under the `%SRCROOT%` base; a release outside it
keeps release-relative URIs under `RELEASE`. Binary files get `startLine` 1 next to the byte offset.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from typing import Any

from ..model import Assessment, Finding, Severity
from ..rules import RULES, RuleInfo
from . import origin_urls
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/openness/"
_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
#: GitHub code scanning ranks security results by this CVSS-like number
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}  # INFO has none: GitHub reads any number, even 0.0, as a security alert with a severity
SRCROOT = "%SRCROOT%"
_LOCAL = ("folder", "file", "archive")


def render(assessment: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    rule_ids = list(RULES)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    place = _Placement.of(assessment, options.source_root, options.working_directory)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "openness",
                "version": assessment.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(RULES[r], options.docs_url) for r in rule_ids],
            }
        },
        "originalUriBaseIds": place.base_ids(),
        "results": [_result(f, index, place) for f in assessment.findings],
        "invocations": [_invocation(assessment, options.working_directory)],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(info: RuleInfo, docs_url: str | None) -> dict[str, Any]:
    from ..security.rule_docs import render_page

    tags = ["security"] + ([info.cwe] if info.cwe else [])
    rule: dict[str, Any] = {
        "id": info.rule_id,
        "name": "".join(w.capitalize() for w in info.title.replace("-", " ").split()),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.advice},
        "help": {"text": info.advice, "markdown": render_page(info, standalone=True)},
        "defaultConfiguration": {"level": _LEVELS[info.severity]},
        "properties": {"tags": tags, "precision": "high"},
    }
    if info.severity in _SECURITY_SEVERITY:
        rule["properties"]["security-severity"] = _SECURITY_SEVERITY[info.severity]
    if docs_url:  # SARIF wants an absolute URI here; without a published site, none
        rule["helpUri"] = f"{docs_url.rstrip('/')}/{info.rule_id}.md"
    return rule


def _result(f: Finding, index: dict[str, int], place: _Placement) -> dict[str, Any]:
    text = f.reason + (f" (trigger: {f.trigger})" if f.trigger else "")
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": _LEVELS[f.severity],
        "message": {"text": text},
        "partialFingerprints": {"openness/v1": _fingerprint(f)},
        "properties": {"severity": f.severity.name.lower(), "trigger": f.trigger},
    }
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    # code scanning needs a place for every result: one about the whole release (no license,
    # no card) is placed on the release itself, the folder or file that was assessed
    uri, member = place.uri(f.location.file) if f.location.file else (place.release_uri(), "")
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": place.base_id}}
    # a line only where the reader found one (text); binary files are placed at line 1
    region: dict[str, Any] = {"startLine": max(f.location.line or 1, 1)}
    if f.location.offset is not None:
        region["byteOffset"] = f.location.offset
    physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = "!".join(p for p in (member, f.location.key) if p)
    if logical:
        location["logicalLocations"] = [{"fullyQualifiedName": logical, "kind": "member"}]
    result["locations"] = [location]
    return result


def _fingerprint(f: Finding) -> str:
    parts = (f.rule_id, f.location.file, f.location.key or "", f.trigger)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _invocation(assessment: Assessment, working_directory: str | None) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if working_directory:
        folder = _folder_uri(PurePath(working_directory))
        if folder:
            invocation["workingDirectory"] = {"uri": folder}
    if assessment.incomplete:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": f"incomplete: {reason}"}}
            for reason in assessment.incomplete
        ]
    return invocation


class _Placement:
    """Where the release's files sit: under `%SRCROOT%` (the repository root or working
    directory) when the release is inside it, else under `RELEASE` (the release folder)."""

    def __init__(self, base_id: str, base: str, prefix: PurePath | None, a: Assessment):
        self.base_id, self.base, self.prefix = base_id, base, prefix
        single = a.origin.kind in ("file", "archive")
        self.single = PurePath(a.origin.path).name if single else ""
        self.archive = self.single if a.origin.kind == "archive" else ""

    @classmethod
    def of(cls, a: Assessment, source_root: str | None, cwd: str | None) -> _Placement:
        repo = origin_urls.repository(a)
        if repo is not None:  # read from the Hub or GitHub: the files at the pinned revision
            return cls("RELEASE", repo.at_revision("blob"), None, a)
        if a.origin.kind not in _LOCAL:  # a manifest's places: release-relative, no base known
            return cls("RELEASE", "", None, a)
        release = PurePath(a.origin.path)
        if not release.is_absolute() and cwd:
            release = PurePath(cwd) / release
        folder = release.parent if a.origin.kind in ("file", "archive") else release
        if source_root and release.is_absolute():
            root = PurePath(source_root)
            if folder.is_relative_to(root):
                return cls(SRCROOT, _folder_uri(root), folder.relative_to(root), a)
        return cls("RELEASE", _folder_uri(folder), None, a)

    def uri(self, file: str) -> tuple[str, str]:
        """The artifact's URI and, for a file inside an archive, its path in the archive."""
        path, member = (self.archive, file) if self.archive else (file, "")
        if self.prefix is not None:
            path = (self.prefix / path).as_posix()
        return path, member

    def release_uri(self) -> str:
        path = (self.prefix or PurePath()) / self.single
        return path.as_posix()

    def base_ids(self) -> dict[str, Any]:
        text = "repository root or working directory" if self.prefix is not None else "release"
        base: dict[str, Any] = {"description": {"text": text}}
        if self.base:
            base["uri"] = self.base
        return {self.base_id: base}


def _folder_uri(path: PurePath) -> str:
    if not path.is_absolute():
        return ""
    uri = path.as_uri()
    return uri if uri.endswith("/") else uri + "/"
