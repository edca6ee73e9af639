"""`openness lineage`: weight fingerprints of known models in a store, and which of them a
release's weights come from (docs/lineage.md). Needs the `observatory` extra for the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .store_option import add_db_option


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "lineage",
        help="which known model do these weights come from? (weight fingerprints)",
        description="Fingerprint weights (tensor names, shapes, dtypes and value samples read "
        "at deterministic positions, a few hundred KB per model) and match them against an "
        "index of known base models.",
        epilog="Examples:\n  openness lineage index ./all-MiniLM-L6-v2 --db obs.db\n"
        "  openness lineage match ./my-finetune --db obs.db --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="lineage_command", metavar="ACTION", required=True)
    index = sub.add_parser(
        "index",
        help="fingerprint known models and store them in the index",
        description="Fingerprint each TARGET and store it, named after --name, the Hub id or "
        "the folder/file name, with the license its release states (or --license).",
    )
    index.add_argument("targets", metavar="TARGET", nargs="+")
    add_db_option(index, required=True)
    index.add_argument("--name", help="the model's name in the index (one TARGET only)")
    index.add_argument("--license", help="its license (SPDX id) instead of the one read")
    index.set_defaults(run=_index)

    match = sub.add_parser(
        "match",
        help="known models the weights of TARGET derive from",
        description="Known models whose weights TARGET's weights derive from (similarity at "
        "or above the decision threshold), best first; an empty list when none does.",
    )
    match.add_argument("target", metavar="TARGET")
    add_db_option(match, required=True)
    match.add_argument("-f", "--format", choices=("text", "json"), default="text")
    match.add_argument("-o", "--output", metavar="FILE")
    match.set_defaults(run=_match)


def model_name(target: str) -> str:
    if target.startswith("hf:"):
        return target[3:].split("@", 1)[0]
    return Path(target.rstrip("/\\")).name or target


def _fingerprint(target: str, name: str | None = None) -> Any:
    from ..errors import OpennessError
    from ..lineage import require

    require()
    from ..lineage.fingerprint import fingerprint_target

    fp = fingerprint_target(target, name)
    if fp.format is None:
        raise OpennessError(f"{target}: {fp.note}; lineage reads {_formats()} weight files")
    return fp


def _formats() -> str:
    from ..lineage.fingerprint import WEIGHT_FORMATS

    return ", ".join(WEIGHT_FORMATS)


def _index(args: argparse.Namespace) -> int:
    from ..errors import OpennessError
    from ..observatory.lineage_repository import save_fingerprint
    from ..observatory.store import open_store

    if args.name and len(args.targets) > 1:
        raise OpennessError("--name names one model: give one TARGET with it")
    engine = None
    for target in args.targets:
        name = args.name or model_name(target)
        fp = _fingerprint(target, name)
        engine = engine or open_store(args.db)
        license_id = args.license or _stated_license(target)
        new = save_fingerprint(engine, fp, license_id)
        state = "indexed" if new else "re-indexed"
        sampled = f"{len(fp.samples)} tensors sampled" if fp.sampled else fp.note
        print(
            f"{state} {name}: {len(fp.tensors)} tensors ({fp.format}), {sampled}, "
            f"{fp.bytes_read:,} bytes read, license {license_id or 'unknown'}"
        )
    return 0


def _stated_license(target: str) -> str | None:
    from ..pipeline import assess

    found = assess(target, hash_files=False, health=False, frameworks="none")
    return found.license.spdx or found.license.id


def _match(args: argparse.Namespace) -> int:
    from ..observatory.lineage_repository import matches
    from ..observatory.store import open_store
    from .output import write_report

    fp = _fingerprint(args.target)
    engine = open_store(args.db)
    found = matches(engine, fp)
    doc = {
        "matches": [
            {
                "model": k.model,
                "similarity": round(k.comparison.similarity or 0.0, 4),
                "evidence": k.comparison.evidence(),
            }
            for k in found
        ]
    }
    if args.format == "json":
        write_report(json.dumps(doc, indent=2) + "\n", args.output)
        return 0
    lines = [f"{args.target}: {fp.note}"] if fp.note else []
    if not found and not fp.note:
        lines.append(f"{args.target}: no known model in the index matches these weights")
    for k in found:
        ev = k.comparison.evidence()
        lines.append(
            f"{k.model}: similarity {k.comparison.similarity:.3f} "
            f"({ev['confidence']} confidence, {ev['tensors_compared']} tensors compared)"
        )
    write_report("\n".join(lines) + "\n", args.output)
    if fp.note:
        print(f"note: {fp.note}", file=sys.stderr)
    return 0
