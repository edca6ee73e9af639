"""European Open Source AI Index ratings: openness vs the index's experts on real releases.

    .venv/bin/python benchmarks/bench_experts.py                 # every release
    .venv/bin/python benchmarks/bench_experts.py --split holdout # only the releases kept aside
    .venv/bin/python benchmarks/bench_experts.py --json out.json # per release and parameter

Each release in ../shared/corpus/realworld-dev/<slug>/docs (copies of its GitHub documents, one
sub-folder per repository) is assessed as it lies, and the tool's `osai-index` components are
compared with the experts' 12 ratings in expert.json. A tool answer of `unknown` is not a
confident answer: it counts for coverage, never for agreement. Printed per parameter and overall:
agreement on confident answers, coverage, the confusion table, and whether the five most open
releases (by the experts' summed levels) rank above the five most closed by the tool's, with
`unknown` counted as the midpoint (the headline) and, for comparison, as closed.

The split is fixed (by a hash of the slug) so that rules tuned on `dev` can be checked on
`holdout` releases they were not tuned on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "realworld-dev"

#: expert parameter -> the tool's osai-index component id
PARAMETERS = {
    "datasources_basemodel": "base_model_data",
    "datasources_endmodel": "end_model_data",
    "weights_basemodel": "base_model_weights",
    "weights_endmodel": "end_model_weights",
    "trainingcode": "training_code",
    "code": "code_documentation",
    "hardware_architecture": "hardware_architecture",
    "preprint": "preprint",
    "paper": "paper",
    "modelcard": "model_card",
    "datasheet": "datasheet",
    "licenses": "licenses",
}
LEVELS = ("open", "partial", "closed")
SCORE = {"open": 2, "partial": 1, "closed": 0}
UNKNOWN = "unknown"


def split_of(slug: str) -> str:
    """A fixed quarter of the releases is kept aside (`holdout`); the rest is `dev`."""
    return "holdout" if hashlib.sha256(slug.encode()).digest()[0] % 4 == 0 else "dev"


def releases(split: str) -> list[Path]:
    found = sorted(p for p in CORPUS.iterdir() if (p / "expert.json").is_file())
    return [p for p in found if split == "all" or split_of(p.name) == split]


def tool_levels(docs: Path) -> tuple[dict[str, str], list[str], float]:
    import openness

    started = time.perf_counter()
    result = openness.assess(str(docs), hash_files=False)
    elapsed = time.perf_counter() - started
    index = next((f for f in result.frameworks if f.framework == "osai-index"), None)
    statuses = {c.id: c.status for c in index.components} if index else {}
    levels = {
        param: statuses.get(component, UNKNOWN) if statuses.get(component) in LEVELS else UNKNOWN
        for param, component in PARAMETERS.items()
    }
    places = [f"{p.name} ({p.files} files, {len(p.documents)} documents)" for p in result.places]
    return levels, places, elapsed


def expert_levels(release: Path) -> dict[str, str]:
    raw = json.loads((release / "expert.json").read_text(encoding="utf-8"))
    return {param: raw[param]["rating"] for param in PARAMETERS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "dev", "holdout"), default="all")
    parser.add_argument("--json", type=Path, help="write per-release results to this file")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"{CORPUS} is not present: nothing to compare")
        return 0

    rows: dict[str, dict[str, tuple[str, str]]] = {}
    places_read: dict[str, list[str]] = {}
    for release in releases(args.split):
        tool, places, elapsed = tool_levels(release / "docs")
        expert = expert_levels(release)
        rows[release.name] = {p: (expert[p], tool[p]) for p in PARAMETERS}
        places_read[release.name] = places
        print(f"  {release.name:<18} read in {elapsed:5.2f} s", file=sys.stderr)

    report(rows, places_read, f"{args.split}: {len(rows)} releases")
    if args.json:
        write_json(args.json, rows)
    return 0


def write_json(path: Path, rows: dict[str, dict[str, tuple[str, str]]]) -> None:
    """Per release and parameter: {"expert": level, "tool": level}."""
    results = {
        slug: {p: {"expert": e, "tool": t} for p, (e, t) in row.items()}
        for slug, row in rows.items()
    }
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")


def report(
    rows: dict[str, dict[str, tuple[str, str]]], places_read: dict[str, list[str]], title: str
) -> None:
    """Print agreement and coverage per parameter, the confusion table, the ranking and the
    places read; `rows` maps a release to {parameter: (expert level, tool level)}."""
    print(f"# openness vs the EU Open Source AI Index experts ({title})")
    print()
    print("| parameter | confident | agree | agreement | coverage |")
    print("|---|---:|---:|---:|---:|")
    confusion: Counter[tuple[str, str]] = Counter()
    total_confident = total_agree = total = 0
    for param in PARAMETERS:
        pairs = [row[param] for row in rows.values()]
        confident = [(e, t) for e, t in pairs if t != UNKNOWN]
        agree = sum(e == t for e, t in confident)
        confusion.update(pairs)
        total += len(pairs)
        total_confident += len(confident)
        total_agree += agree
        print(
            f"| {param} | {len(confident)} | {agree} | {_pct(agree, len(confident))} | "
            f"{_pct(len(confident), len(pairs))} |"
        )
    print(
        f"| **all** | {total_confident} | {total_agree} | "
        f"**{_pct(total_agree, total_confident)}** | {_pct(total_confident, total)} |"
    )
    print()
    print("Confusion (rows: experts, columns: openness)")
    print()
    print("| experts \\ tool | " + " | ".join((*LEVELS, UNKNOWN)) + " |")
    print("|---|" + "---:|" * (len(LEVELS) + 1))
    for expert in LEVELS:
        cells = [str(confusion[(expert, tool)]) for tool in (*LEVELS, UNKNOWN)]
        print(f"| {expert} | " + " | ".join(cells) + " |")
    print()
    _ranking(rows)
    print()
    print("Places read (GitHub documents only: no Hub card, no PDF)")
    print()
    for slug, places in places_read.items():
        print(f"- {slug}: " + "; ".join(places))


def _ranking(rows: dict[str, dict[str, tuple[str, str]]]) -> None:
    """Summed levels (open 2, partial 1, closed 0). The headline counts `unknown` as 1, the
    midpoint: the sum is then 12 plus one step up for each confident `open` and one step down
    for each confident `closed`, so only what the tool read moves a release. Counting it as 0
    (the issue's first figure, kept for comparison) ranks "not read" with "closed", which the
    levels say it is not: a release whose openness lives on the Hub sinks for being unread."""
    expert_sum = {s: sum(SCORE[e] for e, _ in row.values()) for s, row in rows.items()}
    tool_sums = {
        unknown: {s: sum(SCORE.get(t, unknown) for _, t in row.values()) for s, row in rows.items()}
        for unknown in (1, 0)
    }
    ordered = sorted(rows, key=lambda s: (-expert_sum[s], s))
    k = min(5, len(ordered) // 2)
    if k == 0:
        return
    most_open, most_closed = ordered[:k], ordered[-k:]
    print(f"Ranking: the {k} most open releases (experts) vs the {k} most closed")
    print()
    print("| release | experts' sum | openness' sum (unknown 1, headline) | (unknown 0) |")
    print("|---|---:|---:|---:|")
    for slug in (*most_open, *most_closed):
        print(f"| {slug} | {expert_sum[slug]} | {tool_sums[1][slug]} | {tool_sums[0][slug]} |")
    print()
    for unknown, tool_sum in tool_sums.items():
        inversions = sum(tool_sum[o] <= tool_sum[c] for o in most_open for c in most_closed)
        verdict = "not separated" if inversions else "every open one ranks above every closed one"
        label = "midpoint, headline" if unknown else "as closed"
        print(
            f"unknown counted {unknown} ({label}): pairs out of order: {inversions} of {k * k} "
            f"({verdict})"
        )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
