"""MOF, OSAID and FMTI components vs the EU Open Source AI Index experts on real releases.

    .venv/bin/python benchmarks/bench_frameworks_experts.py

The experts rate the EU index's parameters, not MOF or OSAID; where a component of another
framework asks the same question (is the training code released? are the data sources named?
is there a paper, a datasheet, a model card?), its confident answers are compared with theirs:
a status that says the thing is there (`open`, `restricted`, `license unknown`, `pass`, `met`)
agrees with `open` or `partial`, one that says it is not (`absent`, `fail`, `not met`) agrees
with `closed`; `unknown`, `claimed` (linked, not verified) and `not checkable` are not confident
and count only for coverage. Same corpus as bench_experts.py: each release's GitHub documents.
OSAID's parameters item is left out: it asks whether the weights' terms are OSD-conformant,
the experts' weights parameter whether the weights are available.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "realworld-dev"

#: (framework, component) -> the expert parameter asking the same question
PAIRS = {
    ("mof", "training_code"): "trainingcode",
    ("mof", "datasets"): "datasources_endmodel",
    ("mof", "data_card"): "datasheet",
    ("mof", "research_paper"): "paper",
    ("mof", "technical_report"): "preprint",
    ("mof", "model_card"): "modelcard",
    ("mof", "final_parameters"): "weights_endmodel",
    ("osaid", "training_code"): "trainingcode",
    ("osaid", "data_provenance"): "datasources_endmodel",
    ("fmti", "data_sources"): "datasources_endmodel",
}
THERE = frozenset({"open", "restricted", "license unknown", "pass", "met"})
NOT_THERE = frozenset({"absent", "fail", "not met"})


def main() -> int:
    if not CORPUS.is_dir():
        print(f"{CORPUS} is not present: nothing to compare")
        return 0
    releases = sorted(p for p in CORPUS.iterdir() if (p / "expert.json").is_file())
    report(
        [
            (
                release.name,
                release / "docs",
                {
                    param: rating["rating"]
                    for param, rating in json.loads(
                        (release / "expert.json").read_text(encoding="utf-8")
                    ).items()
                },
            )
            for release in releases
        ]
    )
    return 0


def report(releases: list[tuple[str, Path, dict[str, str]]]) -> None:
    """Assess each (name, documents folder, the experts' rating per parameter) and print the
    agreement of every paired component."""
    import openness

    rows: dict[tuple[str, str], list[tuple[str, str, str]]] = {pair: [] for pair in PAIRS}
    for name, docs, expert in releases:
        a = openness.assess(str(docs), hash_files=False, health=False)
        status = {(f.framework, c.id): c.status for f in a.frameworks for c in f.components}
        for pair, param in PAIRS.items():
            rows[pair].append((name, status[pair], expert[param]))

    print(f"# MOF, OSAID and FMTI vs the EU index experts ({len(releases)} releases)")
    print()
    print("| component | expert parameter | confident | agree | agreement | coverage | disagree |")
    print("|---|---|---:|---:|---:|---:|---|")
    total = agree_all = confident_all = 0
    for (framework, component), param in PAIRS.items():
        pairs = rows[(framework, component)]
        confident = [(n, s, e) for n, s, e in pairs if s in THERE | NOT_THERE]
        wrong = [
            f"{n} ({s} / {e})"
            for n, s, e in confident
            if (s in THERE) != (e in ("open", "partial"))
        ]
        agree = len(confident) - len(wrong)
        total += len(pairs)
        confident_all += len(confident)
        agree_all += agree
        print(
            f"| {framework}:{component} | {param} | {len(confident)} | {agree} | "
            f"{_pct(agree, len(confident))} | {_pct(len(confident), len(releases))} | "
            f"{', '.join(wrong) or '-'} |"
        )
    print(
        f"| **all** | | {confident_all} | {agree_all} | **{_pct(agree_all, confident_all)}** | "
        f"{_pct(confident_all, total)} | |"
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
