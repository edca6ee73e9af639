"""`openness sign`: sign a model folder or file with OpenSSF model-signing, offline."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "sign",
        help="sign a model (folder or file) with OpenSSF model-signing, offline",
        description="Sign every file of a model with OpenSSF model-signing: with an elliptic-"
        "curve private key, or with a signing certificate and its chain. Nothing is sent "
        "anywhere. Needs: pip install 'openness[signing]'.",
        epilog="Examples:\n  openness sign ./my-model --private-key key.pem\n"
        "  openness sign ./my-model --private-key key.pem --certificate signing.pem "
        "--certificate-chain ca.pem",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", help="model folder or single file")
    p.add_argument("--private-key", required=True, metavar="PEM", help="EC private key (PEM)")
    p.add_argument("--certificate", metavar="PEM", help="signing certificate: certificate mode")
    p.add_argument(
        "--certificate-chain",
        action="append",
        default=[],
        metavar="PEM",
        help="intermediate/root certificates to embed (repeatable)",
    )
    p.add_argument(
        "-s",
        "--signature",
        metavar="FILE",
        help="where to write the signature (default: MODEL/model.sig, or MODEL.sig for a file)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import OpennessError
    from ..integrity.signature import sign
    from .main import EXIT_OK

    model = Path(args.model)
    if args.certificate_chain and not args.certificate:
        raise OpennessError("--certificate-chain needs --certificate")
    if args.signature:
        signature = Path(args.signature)
    else:
        signature = model / "model.sig" if model.is_dir() else Path(f"{model}.sig")
    mode = sign(
        model,
        signature,
        Path(args.private_key),
        certificate=Path(args.certificate) if args.certificate else None,
        chain=[Path(c) for c in args.certificate_chain],
    )
    print(f"signed {model} ({mode} mode): {signature}")
    return EXIT_OK
