"""`openness check`: a gate for CI. Exit 0 when the release meets the policy, 1 listing every
violated rule, 2 on a usage or input error."""

from __future__ import annotations

import argparse
from typing import Any

POLICY_FILE = "openness.toml"
MAX_POLICY_BYTES = 64 * 1024


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "check",
        help="check a release against a policy (framework class, attribute levels, license terms)",
        description="Assess a release and check it against a policy given by flags and/or an "
        "openness.toml (in the release folder or the current folder). Exit 0 when every rule "
        "holds, 1 listing every violated rule, 2 on error.",
        epilog="Examples:\n  openness check ./my-model --require-class mof:III\n"
        "  openness check ./my-model --require open_license=open "
        "--forbid commercial_use=prohibited --forbid mau_threshold\n"
        "  openness check ./my-model --policy ci/openness.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", help="model folder, weight file, archive or hf:ORG/NAME")
    p.add_argument(
        "--require-class",
        action="append",
        default=[],
        metavar="FW:CLASS",
        help="required framework class: mof:III, mof:II, mof:I or osaid:pass (repeatable)",
    )
    p.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="ATTR=LEVEL",
        help="minimum level of an attribute, e.g. open_license=open (repeatable)",
    )
    p.add_argument(
        "--forbid",
        action="append",
        default=[],
        metavar="TERM[=VALUE]",
        help="forbidden license term, e.g. commercial_use=prohibited, mau_threshold, "
        "output_training_restricted (repeatable)",
    )
    p.add_argument(
        "--fail-on",
        choices=("info", "low", "medium", "high", "critical", "never"),
        default=None,
        help="fail on a security finding at or above this severity (default: the policy's, "
        "else high)",
    )
    p.add_argument(
        "--policy",
        metavar="FILE",
        help=f"policy file (default: {POLICY_FILE} in the release folder, else the current one)",
    )
    p.add_argument("--no-hash", action="store_true", help="skip SHA-256 hashing")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..frameworks.policy import Policy, merge, violations
    from ..pipeline import assess
    from .main import EXIT_FINDINGS, EXIT_OK

    flags = Policy(tuple(args.require_class), tuple(args.require), tuple(args.forbid))
    base, source = load_policy(args.policy, args.target)
    policy = merge(base, flags, args.fail_on)
    assessment = assess(args.target, hash_files=not args.no_hash, health=False)
    broken = violations(assessment, policy)
    where = f" (policy: {source})" if source else ""
    if broken:
        print(f"FAIL {args.target}: {len(broken)} rule(s) violated{where}")
        for line in broken:
            print(f"  - {line}")
        return EXIT_FINDINGS
    print(f"OK {args.target}: {len(policy.describe())} rule(s) hold{where}")
    for line in policy.describe():
        print(f"  - {line}")
    return EXIT_OK


def load_policy(explicit: str | None, target: str) -> tuple[Any, str]:
    """The policy file's rules and its path: `explicit`, else openness.toml in the release
    folder, else in the current folder; an empty Policy and "" when there is none."""
    from pathlib import Path

    from ..errors import OpennessError
    from ..frameworks.policy import Policy, policy_from_mapping

    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise OpennessError(f"policy file {explicit} not found")
    else:
        folder = Path(target)
        candidates = [folder / POLICY_FILE] if folder.is_dir() else []
        found = [p for p in [*candidates, Path.cwd() / POLICY_FILE] if p.is_file()]
        if not found:
            return Policy(), ""
        path = found[0]
    return policy_from_mapping(_read_toml(path), str(path)), str(path)


def _read_toml(path: Any) -> dict[str, Any]:
    import tomllib

    from ..errors import OpennessError

    try:
        with path.open("rb") as f:
            data = f.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise OpennessError(f"cannot read policy file {path}: {exc.strerror}") from None
    if len(data) > MAX_POLICY_BYTES:
        raise OpennessError(f"policy file {path} is larger than {MAX_POLICY_BYTES} bytes")
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OpennessError(f"policy file {path} is not valid TOML: {exc}") from None
    section = parsed.get("policy", parsed)
    if not isinstance(section, dict):
        raise OpennessError(f"policy file {path}: [policy] must be a table")
    return section
