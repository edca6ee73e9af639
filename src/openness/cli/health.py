"""`openness health`: maintenance, governance and known-vulnerable dependencies of a code repo."""

from __future__ import annotations

import argparse
import sys
from typing import Any

FORMATS = ("terminal", "json", "markdown")
FAIL_ON_CHOICES = ("info", "low", "medium", "high", "critical", "never")


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "health",
        help="health and governance of a code repository (git history, policies, OSV)",
        description="Read the code repository behind a release: maintenance and people from the "
        "git history, governance and security-practice files, dependency manifests and lock "
        "files matched against a local OSV database; checks scored like OpenSSF Scorecard and "
        "CHAOSS metrics, each citing commit ids or file paths.",
        epilog="Examples:\n  openness health .\n  openness health ./repo --osv-db PyPI.zip "
        "--format json -o health.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("repo", metavar="REPO", help="a git checkout or bare repository")
    p.add_argument(
        "--osv-db",
        metavar="PATH",
        help="OSV database: a folder or zip of OSV JSON files (e.g. an ecosystem's all.zip)",
    )
    p.add_argument("--release-license", metavar="SPDX", help="compare the license file with it")
    p.add_argument("-f", "--format", choices=FORMATS, default="terminal")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE, not stdout")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..health import analyse
    from ..health.render import render
    from ..model import Severity
    from .main import EXIT_FINDINGS, EXIT_OK
    from .output import write_report

    report = analyse(args.repo, osv_db=args.osv_db, release_license=args.release_license)
    to_terminal = args.output is None and sys.stdout.isatty()
    write_report(render(report, args.format, 100 if to_terminal else 80, to_terminal), args.output)
    if args.fail_on == "never":
        return EXIT_OK
    worst = report.max_severity()
    return EXIT_FINDINGS if worst is not None and worst >= Severity.parse(args.fail_on) else EXIT_OK
