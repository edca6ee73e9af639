"""What `openness scan` shows: security findings only, as text or JSON. Pure functions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model import Assessment, Finding, Severity
from ..text_rows import finding_line

#: rule families about the safety of loading the artifacts (plus remote code in configs)
SECURITY_FAMILIES = (
    "SRC",
    "ARC",
    "FMT",
    "PKL",
    "NPY",
    "KRS",
    "ONX",
    "TSC",
    "TFS",
    "TPL",
    "SEC",
    "BIN",
)
SECURITY_RULES = frozenset({"OPN-CFG-001", "OPN-HUB-001", "OPN-HUB-003"})
SCAN_SCHEMA = "openness.scan/1"


def is_security(rule_id: str) -> bool:
    parts = rule_id.split("-")
    return rule_id in SECURITY_RULES or (len(parts) == 3 and parts[1] in SECURITY_FAMILIES)


def security_only(assessment: Assessment) -> Assessment:
    return replace(
        assessment, findings=tuple(f for f in assessment.findings if is_security(f.rule_id))
    )


def verdict(assessment: Assessment, fail_on: Severity | None) -> str:
    worst = assessment.max_severity()
    if fail_on is not None and worst is not None and worst >= fail_on:
        return f"FAIL: findings at or above {fail_on.name.lower()}"
    if not assessment.complete:
        return "INCOMPLETE: some content could not be read; not known to be clean"
    if assessment.findings:
        return "PASS: findings below the threshold only"
    return "CLEAN: no security findings"


def render_text(assessment: Assessment, fail_on: Severity | None) -> str:
    lines = [f"openness scan {assessment.origin.target}", ""]
    counts = {s: 0 for s in Severity}
    for f in assessment.findings:
        counts[f.severity] += 1
        lines.append(_line(f))
    if assessment.findings:
        lines.append("")
    summary = ", ".join(f"{n} {s.name.lower()}" for s, n in reversed(counts.items()) if n)
    lines.append(f"{len(assessment.files)} files scanned; findings: {summary or 'none'}")
    for reason in assessment.incomplete:
        lines.append(f"incomplete: {reason}")
    lines.append(verdict(assessment, fail_on))
    return "\n".join(lines) + "\n"


def _line(f: Finding) -> str:
    trigger = f" [{f.trigger}]" if f.trigger else ""
    return f"{finding_line(f, f.severity.name)}{trigger}  ({f.docs})"


def render_json(assessment: Assessment, fail_on: Severity | None) -> str:
    data: dict[str, Any] = {
        "schema": SCAN_SCHEMA,
        "tool_version": assessment.tool_version,
        "target": assessment.origin.target,
        "complete": assessment.complete,
        "incomplete": list(assessment.incomplete),
        "verdict": verdict(assessment, fail_on),
        "files": [{"path": e.path, "size": e.size, "format": e.format} for e in assessment.files],
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity.name.lower(),
                "reason": f.reason,
                "trigger": f.trigger,
                "location": {
                    "file": f.location.file,
                    "line": f.location.line,
                    "offset": f.location.offset,
                    "key": f.location.key,
                },
                "docs": f.docs,
            }
            for f in assessment.findings
        ],
    }
    import json  # only for this format: the terminal report starts faster without it

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
