"""`openness assess`: audit one release and report it."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .. import formats

FAIL_ON_CHOICES = ("info", "low", "medium", "high", "critical", "never")


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "assess",
        help="audit a model release (folder, weight file or archive)",
        description="Audit a model release: inventory and hashes, weight headers, model card, "
        "license, the five attributes of openness and security findings, each with "
        "the file and line, key or byte offset it rests on.",
        epilog="Examples:\n  openness assess --example\n  openness assess ./my-model "
        "--format json -o report.json\n  openness assess model.safetensors --no-hash",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "target",
        nargs="?",
        help="model folder, single weight file, archive (.zip, .whl, .tar, .tar.gz), a "
        "Hugging Face Hub model hf:ORG/NAME[@REVISION] or a GitHub repository "
        "gh:OWNER/NAME[@REV]",
    )
    p.add_argument(
        "--example",
        action="store_true",
        help="assess the small example release shipped with openness",
    )
    p.add_argument(
        "-f",
        "--format",
        choices=formats.names(),
        default="terminal",
        metavar="FORMAT",
        help=f"report format: {', '.join(formats.names())} (default: terminal; json is the "
        "canonical, versioned form)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE, not stdout")
    p.add_argument(
        "--details", action="store_true", help="terminal: every framework's component table"
    )
    p.add_argument(
        "--no-hash",
        action="store_true",
        help="skip SHA-256 hashing: read headers only (fast on any size)",
    )
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    p.add_argument(
        "--width",
        type=int,
        default=None,
        help="terminal report width in columns (default: the terminal's, max 120)",
    )
    p.add_argument(
        "--spec-version",
        choices=("1.6", "1.7"),
        default="1.6",
        help="CycloneDX specification version for --format cyclonedx (default: 1.6)",
    )
    p.add_argument(
        "--claims",
        metavar="FILE",
        help="verify a CycloneDX BOM (JSON) or Model Openness Tool YAML against the release; "
        "each contradicted claim is a finding (OPN-CLM-0xx)",
    )
    p.add_argument(
        "--framework",
        metavar="LIST",
        help="openness frameworks to report, comma-separated: mof, osaid, osai-index, fmti, "
        "all or none (default: all; see docs/frameworks.md)",
    )
    from .verify import add_integrity_options

    add_integrity_options(p, digests_flag="--verify-digests")
    p.add_argument(
        "--deep",
        action="store_true",
        help="Hub targets: also download and scan pickle-based and other code-bearing files "
        "(each capped by --max-download)",
    )
    p.add_argument(
        "--max-download",
        metavar="SIZE",
        default="4GiB",
        help="with --deep: most bytes read from one remote file, e.g. 500MB, 4GiB (default 4GiB)",
    )
    p.add_argument(
        "--revision",
        metavar="REV",
        help="Hub targets: branch, tag or commit to assess (same as hf:ORG/NAME@REV)",
    )
    p.add_argument(
        "--git-mirror",
        metavar="DIR",
        help="gh: targets: read repositories offline from DIR/OWNER+NAME/ (bare git "
        "repositories) instead of cloning them (also OPENNESS_GIT_MIRROR)",
    )
    p.add_argument(
        "--follow-links",
        metavar="N",
        type=int,
        nargs="?",
        const=5,
        default=0,
        help="also read up to N GitHub repositories of the release linked in its documents "
        "(default 5 when given; offline only what --git-mirror or the clone cache holds); "
        "links not read are listed as 'linked, not verified'",
    )
    p.add_argument(
        "--follow-max-bytes",
        metavar="SIZE",
        default="64MiB",
        help="with --follow-links: skip a linked repository larger than SIZE (default 64MiB)",
    )
    p.add_argument(
        "--osv-db",
        metavar="PATH",
        help="OSV database (folder or zip) to check the code repository's dependencies against",
    )
    p.add_argument(
        "--lineage-db",
        metavar="DB",
        help="a store of known models' weight fingerprints (openness lineage index): report "
        "the closest known base and license or base_model contradictions (docs/lineage.md)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..errors import EmptyTarget
    from ..formats import RenderOptions, get
    from ..model import Severity
    from ..pipeline import assess
    from .main import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
    from .output import (
        docs_url,
        progress_reporter,
        sarif_places,
        target_or_example,
        write_report,
    )

    target = target_or_example(args)
    if args.git_mirror:
        from ..sources.github import MIRROR_ENV

        os.environ[MIRROR_ENV] = args.git_mirror
    limits = _hub_limits(args)
    if args.revision:
        target = _with_revision(target, args.revision)
    try:
        with progress_reporter("hashing" if not args.no_hash else "reading") as (progress, start):
            assessment = assess(
                target,
                hash_files=not args.no_hash,
                progress=progress,
                on_start=start,
                limits=limits,
                claims=args.claims,
                digests=args.digests,
                signature=args.signature,
                public_key=args.public_key,
                certificate_chain=args.certificate_chain or (),
                osv_db=args.osv_db,
                frameworks=args.framework,
                follow_links=max(0, args.follow_links),
                follow_max_bytes=_parse_size(args.follow_max_bytes),
                lineage_db=args.lineage_db,
            )
    except EmptyTarget as exc:
        # an input error (exit 2): a short human report instead of a full empty one; machine
        # formats get no document at all (an empty SBOM or SARIF would read as "all clear")
        if args.format not in ("terminal", "markdown"):
            raise
        write_report(nothing_to_assess(target, str(exc)), args.output)
        return EXIT_ERROR
    to_terminal = args.output is None and sys.stdout.isatty()
    width = args.width or (min(120, _terminal_width()) if to_terminal else 80)
    options = RenderOptions(
        width=width,
        color=to_terminal,
        spec_version=args.spec_version,
        created=_now(),
        docs_url=docs_url(),
        details=args.details,
    )
    if args.format == "sarif":
        root, cwd = sarif_places(assessment.origin.path)
        options = replace(options, source_root=root, working_directory=cwd)
    text = get(args.format)(assessment, options)
    write_report(text, args.output)
    if args.fail_on == "never":
        return EXIT_OK
    worst = assessment.max_severity()
    return EXIT_FINDINGS if worst is not None and worst >= Severity.parse(args.fail_on) else EXIT_OK


def nothing_to_assess(target: str, reason: str) -> str:
    """The whole report for a target with no files: no ratings, no findings, nothing to rate."""
    return (
        f"openness assess {target}\n\n"
        f"Nothing to assess: {reason}.\n"
        "No files were read, so there are no ratings and no findings; point openness at a model "
        "folder, weight file, archive or Hub repository with files in it.\n"
    )


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _hub_limits(args: argparse.Namespace) -> Any:
    """DEFAULT_LIMITS, with remote code-bearing files read up to --max-download when --deep."""
    from dataclasses import replace

    from ..limits import DEFAULT_LIMITS

    if not args.deep:
        return DEFAULT_LIMITS
    return replace(DEFAULT_LIMITS, max_remote_code_bytes=_parse_size(args.max_download))


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _parse_size(text: str) -> int:
    import re

    from ..errors import OpennessError

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    unit = m.group(2).upper() if m else ""
    if m is None or unit not in _UNITS or float(m.group(1)) * _UNITS[unit] < 1:
        raise OpennessError(f"--max-download {text!r}: give a size such as 500MB or 4GiB")
    return int(float(m.group(1)) * _UNITS[unit])


def _with_revision(target: str, revision: str) -> str:
    from ..errors import OpennessError
    from ..sources.hub_target import HUB_PREFIX, is_hub_target

    if not is_hub_target(target):
        raise OpennessError("--revision applies to Hub targets (hf:ORG/NAME) only")
    if "@" in target:
        raise OpennessError("give the revision once: either hf:ORG/NAME@REV or --revision")
    prefix = "" if target.startswith(HUB_PREFIX) else HUB_PREFIX
    return f"{prefix}{target}@{revision}"
