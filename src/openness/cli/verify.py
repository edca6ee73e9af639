"""`openness verify`: check a model against its signature and/or a list of SHA-256 digests."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "verify",
        help="verify a model's OpenSSF signature and/or a list of SHA-256 digests",
        description="Verify a model folder or file: its OpenSSF model-signing signature "
        "(private-key or certificate mode, offline), and/or a list of digests "
        "(sha256sum text, a JSON mapping, or the Hugging Face Hub's per-file LFS listing). "
        "Mismatched, missing and extra files are reported.",
        epilog="Exit codes: 0 everything verified, 1 a mismatch or a bad signature, 2 usage or "
        "input error.\nExamples:\n  openness verify ./my-model --signature ./my-model/model.sig "
        "--public-key pub.pem\n  openness verify ./my-model --digests SHA256SUMS",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", help="model folder or single file")
    add_integrity_options(p, digests_flag="--digests")
    p.set_defaults(run=run)


def add_integrity_options(p: argparse.ArgumentParser, digests_flag: str) -> None:
    """The options `verify` and `assess` share."""
    p.add_argument(
        digests_flag,
        dest="digests",
        metavar="FILE",
        help="list of SHA-256 digests: sha256sum text, JSON, or the Hub's file listing",
    )
    p.add_argument("--signature", metavar="FILE", help="OpenSSF model-signing signature")
    trust = p.add_mutually_exclusive_group()
    trust.add_argument("--public-key", metavar="PEM", help="key-mode: the signer's public key")
    trust.add_argument(
        "--certificate-chain",
        action="append",
        default=None,
        metavar="PEM",
        help="certificate mode: trusted root/intermediate certificates (repeatable)",
    )


def integrity_paths(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path

    from ..integrity.steps import check_trust_options

    check_trust_options(args.signature, args.public_key, args.certificate_chain or ())
    return {
        "digests": Path(args.digests) if args.digests else None,
        "signature": Path(args.signature) if args.signature else None,
        "public_key": Path(args.public_key) if args.public_key else None,
        "chain": [Path(c) for c in args.certificate_chain or ()],
    }


def run(args: argparse.Namespace) -> int:
    from ..errors import OpennessError
    from ..integrity.steps import integrity_results
    from ..text_rows import finding_line
    from .main import EXIT_FINDINGS, EXIT_OK

    paths = integrity_paths(args)
    if paths["digests"] is None and paths["signature"] is None:
        raise OpennessError("give --digests FILE and/or --signature FILE")
    evidence, findings = integrity_results(args.model, **paths)
    for e in evidence:
        if e.fact != "integrity.digest":
            print(f"{e.fact}: {e.value}  ({e.note})")
    for f in findings:
        print(finding_line(f))
    return EXIT_FINDINGS if any(f.rule_id != "OPN-INT-003" for f in findings) else EXIT_OK
