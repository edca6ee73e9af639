"""SARIF 2.1.0 for code-scanning dashboards: the rule catalog as `tool.driver.rules`, one result per
finding, with the file as `artifactLocation.uri`, the byte offset or line as `region`, the archive
member or key as a logical location, and a stable `partialFingerprints` entry.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..model import Assessment, Finding, Severity
from ..rules import RULES, RuleInfo
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
    Severity.INFO: "0.0",
}


def render(assessment: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    rule_ids = list(RULES)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "openness",
                "version": assessment.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(RULES[r], options.docs_url) for r in rule_ids],
            }
        },
        "originalUriBaseIds": {
            "RELEASE": {
                "uri": _base_uri(assessment.origin.path, assessment.origin.kind == "file"),
                "description": {"text": "release root"},
            }
        },
        "results": [_result(f, index) for f in assessment.findings],
        "invocations": [_invocation(assessment)],
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
        "properties": {
            "tags": tags,
            "security-severity": _SECURITY_SEVERITY[info.severity],
            "precision": "high",
        },
    }
    if docs_url:  # SARIF wants an absolute URI here; without a published site, none
        rule["helpUri"] = f"{docs_url.rstrip('/')}/{info.rule_id}.md"
    return rule


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
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
    if f.location.file:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": f.location.file, "uriBaseId": "RELEASE"}
        }
        region: dict[str, Any] = {}
        if f.location.offset is not None:
            region["byteOffset"] = f.location.offset
        if f.location.line is not None:
            region["startLine"] = max(f.location.line, 1)
        if region:
            physical["region"] = region
        location: dict[str, Any] = {"physicalLocation": physical}
        if f.location.key:
            location["logicalLocations"] = [
                {"fullyQualifiedName": f.location.key, "kind": "member"}
            ]
        result["locations"] = [location]
    return result


def _fingerprint(f: Finding) -> str:
    parts = (f.rule_id, f.location.file, f.location.key or "", f.trigger)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _invocation(assessment: Assessment) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if assessment.incomplete:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": f"incomplete: {reason}"}}
            for reason in assessment.incomplete
        ]
    return invocation


def _base_uri(path: str, is_file: bool) -> str:
    from pathlib import Path

    try:
        root = Path(path).resolve()
        uri = (root.parent if is_file else root).as_uri()
    except ValueError:
        return "file:///"
    return uri if uri.endswith("/") else uri + "/"
