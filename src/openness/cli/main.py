"""Entry point: parse arguments, dispatch to one command module, map errors to exit codes.

Exit codes: 0 nothing at or above the threshold, 1 findings or policy failure, 2 usage or input
error. Only this module calls sys.exit (through the return value of main()).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from .. import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: help is wrapped to the terminal, but never wider than this (long lines are hard to read)
MAX_HELP_WIDTH = 80


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs wrapped to the terminal, at most MAX_HELP_WIDTH columns; the
    line breaks written in them are kept, and indented lines (examples) are kept as written."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        columns = width if width is not None else shutil.get_terminal_size().columns - 2
        super().__init__(prog, indent_increment, max_help_position, min(columns, MAX_HELP_WIDTH))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                out.append(indent)
            elif line.startswith(" "):
                out += _command_lines(indent + line, width)
            else:
                import textwrap  # help only: not imported on every run

                out += textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent)
        return "\n".join(out)


def _command_lines(line: str, width: int) -> list[str]:
    """An example command too long for the width, continued with a backslash (still a valid
    shell command when copied)."""
    if len(line) <= width:
        return [line]
    import textwrap

    margin = line[: len(line) - len(line.lstrip())] + "    "
    pieces = textwrap.wrap(
        line.strip(),
        width - 2,
        initial_indent=line[: len(line) - len(line.lstrip())],
        subsequent_indent=margin,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [p + " \\" for p in pieces[:-1]] + pieces[-1:]


class Parser(argparse.ArgumentParser):
    """Every command's parser (sub-commands inherit the class) formats help the same way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["formatter_class"] = HelpFormatter
        super().__init__(*args, **kwargs)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or only the chosen command's when argv names one (faster start-up:
    a command's module and whatever it imports are loaded only when it runs)."""
    parser = Parser(
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
    """A command is named after its module (listed without pkgutil: ~3 ms of start-up)."""
    from . import __path__ as here

    found = {
        entry.name.removesuffix(".py")
        for folder in here
        for entry in os.scandir(folder)
        if entry.name.endswith(".py") and not entry.name.startswith("_")
    }
    return sorted(found)


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
