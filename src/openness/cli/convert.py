"""`openness convert`: a pickle-based checkpoint to safetensors, without running the pickle."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "convert",
        help="convert a PyTorch .bin/.pt or NumPy pickle to safetensors, never running it",
        description="Convert a pickle-based checkpoint (PyTorch zip .bin/.pt, legacy "
        "torch.save, or a pickle of NumPy arrays) to safetensors. The pickle is walked as an "
        "opcode stream; tensors are rebuilt only from the allowlisted rebuild functions and "
        "their storage bytes. Anything else is refused with the reason and nothing is run.",
        epilog="Exit codes: 0 converted; 1 refused because loading the file would import or "
        "call something outside the allowlist; 2 malformed, unsupported or usage error.\n"
        "Example:\n  openness convert pytorch_model.bin -o model.safetensors",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", help="the checkpoint to convert")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="safetensors file")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument(
        "--max-output-bytes",
        type=int,
        default=None,
        help="refuse if the output would be larger (default: 4 x input + 64 MiB)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from .. import __version__
    from ..convert import ConversionRefused, plan_conversion, write_safetensors
    from ..errors import OpennessError
    from .main import EXIT_FINDINGS, EXIT_OK

    source, output = Path(args.source), Path(args.output)
    if not source.is_file():
        raise OpennessError(f"{source} is not a file")
    if output.exists() and not args.force:
        raise OpennessError(f"{output} exists; pass --force to overwrite it")
    if output.exists() and output.resolve() == source.resolve():
        raise OpennessError("the output would overwrite the source")
    partial = output.with_name(output.name + ".partial")
    try:
        with source.open("rb") as stream:
            plan = plan_conversion(
                str(source), stream, source.stat().st_size, max_output_bytes=args.max_output_bytes
            )
            with partial.open("wb") as out:
                written = write_safetensors(
                    plan, out, {"format": "pt", "converted_by": f"openness {__version__}"}
                )
        os.replace(partial, output)
    except ConversionRefused as exc:
        partial.unlink(missing_ok=True)
        print(f"openness: {exc}", file=sys.stderr)
        return EXIT_FINDINGS if exc.unsafe else 2
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OpennessError(f"cannot convert {source}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    shared = plan.shared_storages()
    print(f"{output}: {len(plan.tensors)} tensors, {written:,} bytes from {plan.format} {source}")
    if shared:
        names = sum(len(v) for v in shared.values())
        print(
            f"  {names} tensors shared {len(shared)} storages (tied weights or views); "
            "each was written with its own bytes, since safetensors has no aliasing"
        )
    if plan.dropped:
        shown = ", ".join(plan.dropped[:5]) + (" ..." if len(plan.dropped) > 5 else "")
        print(f"  {len(plan.dropped)} non-tensor values left out: {shown}")
    return EXIT_OK
