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
        "Examples:\n  openness scan ./my-model\n  openness scan model.pt --format sarif -o "
        "scan.sarif\n  openness scan release.zip --fail-on medium\n\n"
        "SARIF rules embed their documentation page; set OPENNESS_DOCS_URL to the base URL where "
        "docs/rules/ is published to add helpUri links.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "targets",
        nargs="+",
        metavar="TARGET",
        help="model folder, weight file, or archive (.zip, .whl, .tar...); several with the "
        "terminal format (as the pre-commit hook passes staged files)",
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
    from ..errors import OpennessError
    from .main import EXIT_FINDINGS, EXIT_OK

    if len(args.targets) > 1 and (args.format != "terminal" or args.output):
        raise OpennessError(
            "several TARGETs are reported on the terminal only (no -o, no JSON "
            "or SARIF); give one TARGET at a time"
        )
    failed = [_scan_one(target, args) for target in args.targets]
    return EXIT_FINDINGS if any(failed) else EXIT_OK


def _scan_one(target: str, args: argparse.Namespace) -> bool:
    """Scan and report one target; True when a finding is at or above --fail-on."""
    from ..model import Severity
    from ..pipeline import scan
    from ..security.report import render_json, render_text, security_only
    from .output import docs_url, sarif_places, write_report

    assessment = security_only(scan(target, hash_files=args.hash))
    fail_on = None if args.fail_on == "never" else Severity.parse(args.fail_on)
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
    write_report(text, args.output)
    worst = assessment.max_severity()
    return fail_on is not None and worst is not None and worst >= fail_on
