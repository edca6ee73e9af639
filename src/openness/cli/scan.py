"""`openness scan`: security findings only, fast (no hashing unless --hash)."""

from __future__ import annotations

import argparse
from typing import Any

FAIL_ON_CHOICES = ("info", "low", "medium", "high", "critical", "never")
SCAN_FORMATS = ("terminal", "json", "sarif")


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "scan",
        help="security scan of a model release: code in pickles, archive tricks, unsafe ops",
        description="Scan a model release for code that would run when it is loaded: pickle "
        "imports and calls, nested and tampered archives, Keras Lambda layers, TensorFlow ops "
        "that touch files or Python, template injection in chat templates, ONNX external "
        "data and custom ops. Nothing is ever loaded, imported or rendered.",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 error. "
        "A file that could not be fully read is a medium finding (never 'clean').\n\n"
        "Several targets are scanned in one process (CI): a report per target, in order (JSON: "
        "a list of reports; SARIF: one run per target); the exit code is the worst of them, "
        "and a target that cannot be read (exit 2) does not stop the others.\n\n"
        "Examples:\n  openness scan ./my-model\n  openness scan model.pt --format sarif -o "
        "scan.sarif\n  openness scan release.zip --fail-on medium\n"
        "  openness scan a.safetensors b.pt ./c --format json\n\n"
        "SARIF rules embed their documentation page; set OPENNESS_DOCS_URL to the base URL where "
        "docs/rules/ is published to add helpUri links.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "target",
        nargs="+",
        metavar="TARGET",
        help="model folder, weight file, or archive (.zip, .whl, .tar...); several are scanned "
        "in turn",
    )
    p.add_argument("-f", "--format", choices=SCAN_FORMATS, default="terminal")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    p.add_argument("--hash", action="store_true", help="also compute SHA-256 of every file")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..model import Severity
    from .batch import for_each_target
    from .output import write_report

    fail_on = None if args.fail_on == "never" else Severity.parse(args.fail_on)
    reports, code = for_each_target(args.target, lambda t: _scan_one(t, args, fail_on))
    write_report(_joined(reports, args.format, len(args.target) > 1), args.output)
    return code


def _scan_one(target: str, args: argparse.Namespace, fail_on: Any) -> tuple[str, int]:
    from ..pipeline import scan
    from ..security.report import render_json, render_text, security_only
    from .main import EXIT_FINDINGS, EXIT_OK
    from .output import docs_url, sarif_places

    assessment = security_only(scan(target, hash_files=args.hash))
    if args.format == "sarif":
        from ..formats.interface import RenderOptions
        from ..formats.sarif import render

        root, cwd = sarif_places(assessment.origin.path)
        options = RenderOptions(docs_url=docs_url(), source_root=root, working_directory=cwd)
        text = render(assessment, options)
    elif args.format == "json":
        text = render_json(assessment, fail_on)
    else:
        text = render_text(assessment, fail_on)
    worst = assessment.max_severity()
    failed = fail_on is not None and worst is not None and worst >= fail_on
    return text, EXIT_FINDINGS if failed else EXIT_OK


def _joined(reports: list[str], fmt: str, several: bool) -> str:
    """One target's report as it is; several as one document of the chosen format."""
    if not several or not reports:
        return "".join(reports)
    if fmt == "terminal":
        return "\n".join(reports)
    import json

    documents = [json.loads(r) for r in reports]
    if fmt == "json":
        return json.dumps(documents, indent=2) + "\n"
    merged = {**documents[0], "runs": [run for d in documents for run in d["runs"]]}
    return json.dumps(merged, indent=2) + "\n"
