"""`openness completion bash|zsh`: print a shell completion script for commands, options and
their choices (formats, severities...), generated from this version's parser."""

from __future__ import annotations

import argparse
from typing import Any

SHELLS = ("bash", "zsh")


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh)",
        description="Print a completion script for commands, options and their choices.",
        epilog="Examples:\n  source <(openness completion bash)        # this shell\n"
        "  openness completion bash > ~/.local/share/bash-completion/completions/openness\n"
        "  source <(openness completion zsh)         # zsh, through bashcompinit",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from .completion_script import bash_script
    from .main import EXIT_OK, build_parser

    script = bash_script(build_parser([]))
    if args.shell == "zsh":
        script = "autoload -U +X bashcompinit && bashcompinit\n" + script
    sys.stdout.write(script)
    return EXIT_OK
