"""The GitHub Action's step (action.yml): assess or scan the target once, write the SARIF file for
code scanning, an optional report in another format, a Markdown job summary
($GITHUB_STEP_SUMMARY) and the step outputs ($GITHUB_OUTPUT).

Inputs come as OPENNESS_* environment variables (action.yml maps its inputs to them). The step
itself exits 0 when the gate fails, so the SARIF upload still runs; the action fails the job
afterwards from the `failed` output. Exit 2 on a usage or input error, with the reason in the
summary.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from openness import formats
from openness.errors import OpennessError
from openness.model import Assessment, Finding, Severity

COMMANDS = ("scan", "check")
FAIL_ON = ("info", "low", "medium", "high", "critical", "never")
MAX_ROWS = 50  # findings listed in the summary; the SARIF file has them all
#: escaped in release text; `:` too, so that a URL is not turned into a link
_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~:"


@dataclass(frozen=True)
class Inputs:
    target: str
    command: str
    policy: str | None
    fail_on: str | None
    format: str | None
    report_file: str | None
    sarif_file: str

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Inputs:
        def get(name: str) -> str | None:
            value = env.get(f"OPENNESS_{name}", "").strip()
            return value or None

        command = get("COMMAND") or "scan"
        if command not in COMMANDS:
            raise OpennessError(f"command must be one of {', '.join(COMMANDS)}, not {command!r}")
        fmt = get("FORMAT")
        if fmt is not None and fmt not in formats.names():
            raise OpennessError(f"format must be one of {', '.join(formats.names())}")
        fail_on = get("FAIL_ON")
        if fail_on is not None and fail_on not in FAIL_ON:
            raise OpennessError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        return cls(
            target=get("TARGET") or ".",
            command=command,
            policy=get("POLICY"),
            fail_on=fail_on,
            format=fmt,
            report_file=get("REPORT_FILE") or (f"openness-report.{_suffix(fmt)}" if fmt else None),
            sarif_file=get("SARIF_FILE") or "openness.sarif",
        )


@dataclass(frozen=True)
class Outcome:
    assessment: Assessment
    failed: bool
    reasons: tuple[str, ...]  # what failed the gate, one line each


def main(env: dict[str, str]) -> int:
    try:
        inputs = Inputs.from_env(env)
        outcome = run(inputs)
        write_files(inputs, outcome, env)
    except OpennessError as exc:
        _append(env.get("GITHUB_STEP_SUMMARY"), f"## openness\n\n:x: error: {_escape(str(exc))}\n")
        print(f"openness: error: {exc}", file=sys.stderr)
        return 2
    print(summary(inputs, outcome))
    return 0


def run(inputs: Inputs) -> Outcome:
    from openness.cli.check import load_policy
    from openness.frameworks.policy import Policy, merge, violations
    from openness.pipeline import assess, scan
    from openness.security.report import security_only

    if inputs.command == "scan":
        a = security_only(scan(inputs.target))
        threshold = inputs.fail_on or "high"
        fail_on = None if threshold == "never" else Severity.parse(threshold)
        worst = a.max_severity()
        failed = fail_on is not None and worst is not None and worst >= fail_on
        reasons = (f"a finding at or above {threshold}",) if failed else ()
        return Outcome(a, failed, reasons)
    base, _ = load_policy(inputs.policy, inputs.target)
    policy = merge(base, Policy(), inputs.fail_on)
    a = assess(inputs.target, health=False)
    broken = tuple(violations(a, policy))
    return Outcome(a, bool(broken), broken)


def write_files(inputs: Inputs, outcome: Outcome, env: dict[str, str]) -> None:
    from openness.cli.output import docs_url, sarif_places, write_report
    from openness.formats import RenderOptions, get

    a = outcome.assessment
    root, cwd = sarif_places(a.origin.path)
    options = RenderOptions(docs_url=docs_url() or _action_docs(env))
    sarif = replace(options, source_root=root, working_directory=cwd)
    write_report(get("sarif")(a, sarif), inputs.sarif_file)
    if inputs.format and inputs.report_file:
        write_report(get(inputs.format)(a, options), inputs.report_file)
    _append(env.get("GITHUB_STEP_SUMMARY"), summary(inputs, outcome))
    outputs = {
        "failed": str(outcome.failed).lower(),
        "findings": str(len(a.findings)),
        "sarif-file": inputs.sarif_file,
        "report-file": inputs.report_file or "",
    }
    _append(env.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))


def summary(inputs: Inputs, outcome: Outcome) -> str:
    a = outcome.assessment
    mark = ":x: **FAIL**" if outcome.failed else ":white_check_mark: **PASS**"
    lines = [f"## openness {inputs.command}: `{_code(inputs.target)}`", "", mark, ""]
    lines += [f"- {_escape(reason)}" for reason in outcome.reasons]
    if outcome.reasons:
        lines.append("")
    if not a.complete:
        lines += [":warning: incomplete: " + _escape("; ".join(a.incomplete)), ""]
    if inputs.command == "check":
        from openness.formats import context
        from openness.formats.markdown import verdict_lines

        lines += [*verdict_lines(context.build(a)), ""]
    counts = {s: sum(f.severity is s for f in a.findings) for s in reversed(Severity)}
    lines += ["| Severity | Findings |", "|---|---|"]
    lines += [f"| {s.name.lower()} | {n} |" for s, n in counts.items() if n]
    if not a.findings:
        lines.append("| none | 0 |")
    worst_first = sorted(a.findings, key=lambda f: -f.severity)
    if worst_first:
        lines += ["", "| Severity | Rule | Where | Why |", "|---|---|---|---|"]
        lines += [_row(f) for f in worst_first[:MAX_ROWS]]
        if len(worst_first) > MAX_ROWS:
            lines.append(f"\n{len(worst_first) - MAX_ROWS} more in `{_code(inputs.sarif_file)}`.")
    lines += ["", f"SARIF: `{_code(inputs.sarif_file)}`"]
    return "\n".join(lines) + "\n"


def _row(f: Finding) -> str:
    where = str(f.location) if f.location.file else "the release"
    why = f.reason + (f" (trigger: {f.trigger})" if f.trigger else "")
    return f"| {f.severity.name.lower()} | {f.rule_id} | `{_code(where)}` | {_escape(why)} |"


def _escape(text: str) -> str:
    """Release text as plain text: no links, images, HTML or table breaks in the summary."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL and c not in "<>" else c for c in text)


def _code(text: str) -> str:
    """Text inside a code span: a backtick or a pipe from the release cannot end it."""
    return " ".join(text.split()).replace("`", "'").replace("|", "\\|")


def _suffix(fmt: str) -> str:
    return {
        "markdown": "md",
        "terminal": "txt",
        "cyclonedx": "cdx.json",
        "spdx3": "spdx3.jsonld",
        "mof-yaml": "yml",
    }.get(fmt, fmt)


def _action_docs(env: dict[str, str]) -> str | None:
    """The rule pages in the action's own repository, at the action's ref (for helpUri)."""
    repo, ref = env.get("OPENNESS_ACTION_REPOSITORY"), env.get("OPENNESS_ACTION_REF")
    if not repo or not ref:
        return None
    return f"https://github.com/{repo}/blob/{ref}/docs/rules"


def _append(path: str | None, text: str) -> None:
    if not path:
        return
    try:
        with Path(path).open("a", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise OpennessError(f"cannot write {path}: {exc.strerror}") from None


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
