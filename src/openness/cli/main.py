"""Entry point: parse arguments, dispatch to one command module, map errors to exit codes.

Exit codes: 0 nothing at or above the threshold, 1 findings or policy failure, 2 usage or input
error. Only this module calls sys.exit (through the return value of main()).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any

from .. import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or only the chosen command's when argv names one (faster start-up:
    a command's module and whatever it imports are loaded only when it runs)."""
    parser = argparse.ArgumentParser(
        prog="openness",
        description="How open, transparent and safe is an AI model release? Reads the released "
        "files without running or unpickling anything and cites evidence for every "
        "claim.",
        epilog="Exit codes: 0 = nothing at or above the threshold, 1 = findings at or above it, "
        "2 = usage or input error.  Try: openness assess --example",
    )
    parser.add_argument("--version", action="version", version=f"openness {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules(_chosen_command(argv)):
        module.add_parser(commands)
    return parser


def _chosen_command(argv: Sequence[str] | None) -> str | None:
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    return first if first in command_names() else None


def command_names() -> list[str]:
    """A command is named after its module."""
    from . import __path__ as here

    return sorted(m.name for m in pkgutil.iter_modules(here))


def command_modules(only: str | None = None) -> list[Any]:
    """Every module in this package with an `add_parser(subparsers)`: one module per command."""
    found = []
    for name in [only] if only else command_names():
        module = importlib.import_module(f"{__package__}.{name}")
        if callable(getattr(module, "add_parser", None)):
            found.append(module)
    return found if found or not only else command_modules()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    from ..errors import OpennessError

    try:
        code: int = args.run(args)
        return code
    except OpennessError as exc:
        print(f"openness: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("openness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
