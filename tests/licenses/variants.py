"""Variants of the real corpus licenses, made at test time (never stored): next-version
renames, one term changed, a clause deleted, the text inside a model card, padded to 5 MB, the
title swapped. Each says which terms it changes, to what, and on which line the text now says
so. Shared by tests/licenses/test_generalise.py and benchmarks/bench_license.py --generalise.

The sentences added here are this project's own wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "licenses"
#: the labelled terms every variant is checked on
FIELDS = ("commercial_use", "mau_threshold", "use_restrictions", "output_training_restricted")
PAD_TO = 5 * 1024 * 1024

_NC_GRANT = "The Materials may be used for non-commercial purposes only."
_COMMERCIAL_GRANT = "You may use the Model for any purpose, including commercial purposes."
_OUTPUT_BAN = "You may not use the outputs of the Model to train or improve any other model."
_TERRITORY = "No rights are granted under this Agreement to anyone domiciled in the European Union."
_OTHER_TITLE = "ACME FRONTIER MODEL LICENSE AGREEMENT"
_CARD = (
    "---\nlicense: other\nlibrary_name: transformers\n---\n# Acme Model\n\n"
    "A small model for tests.\n\n## Usage\n\nLoad it with the library of your choice.\n\n"
    "## Evaluation\n\n| task | score |\n|---|---|\n| demo | 1.0 |\n\n"
)


@dataclass(frozen=True)
class Variant:
    source: str  # corpus file
    shape: str  # rename threshold commercial output territory deleted card padded retitled
    text: str
    expected: dict[str, object]  # every labelled term, as the variant states it
    changed: str | None = None  # the term the variant changes
    line: int | None = None  # where the text now states it (None: the clause is gone)
    same_license: bool = False  # True: still the catalogued license (card, padded)
    territory: tuple[str, ...] = field(default=())


def labels() -> dict[str, dict[str, object]]:
    path = CORPUS / "labels.json"
    if not path.is_file():
        return {}
    files: dict[str, dict[str, object]] = json.loads(path.read_text("utf-8"))["files"]
    return files


def text_of(name: str) -> str:
    return (CORPUS / name).read_text("utf-8", errors="replace")


def variants(names: list[str] | None = None) -> Iterator[Variant]:
    for name, label in labels().items():
        if label["kind"] != "license" or (names is not None and name not in names):
            continue
        text = text_of(name)
        expected = {f: label[f] for f in FIELDS}
        yield from _variants(name, text, expected)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _title_index(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if line.strip())


def _insert_after_title(text: str, sentence: str) -> tuple[str, int]:
    lines = _lines(text)
    at = _title_index(lines) + 1
    lines[at:at] = ["", sentence, ""]
    return "\n".join(lines), at + 2


def _variants(name: str, text: str, expected: dict[str, object]) -> Iterator[Variant]:
    lines = _lines(text)
    title_at = _title_index(lines)

    # next version: the title's version number bumped, everywhere it follows the same word
    m = re.search(r"([A-Za-z]+)\s+v?(\d+(?:\.\d+)*)\b", lines[title_at])
    if m and not re.fullmatch(
        r"(?i)jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|"
        r"sep\w*|oct\w*|nov\w*|dec\w*|copyright|c",
        m.group(1),
    ):
        word, version = m.group(1), m.group(2)
        parts = version.split(".")
        parts[-1] = str(int(parts[-1]) + 7)
        bumped = ".".join(parts)
        renamed = re.sub(
            rf"(?i)\b({re.escape(word)}\s+v?){re.escape(version)}\b",
            lambda x: x.group(1) + bumped,
            text,
        )
        if renamed != text:
            yield Variant(name, "rename", renamed, dict(expected))

    # one term changed: the user threshold
    mau = expected["mau_threshold"]
    if isinstance(mau, int):
        for i, line in enumerate(lines):
            hit = re.search(r"(\d+) million monthly active users", line, re.I)
            if hit:
                new = int(hit.group(1)) * 3 // 2 + 5
                changed = (
                    lines[:i]
                    + [line.replace(hit.group(0), hit.group(0).replace(hit.group(1), str(new), 1))]
                    + lines[i + 1 :]
                )
                yield Variant(
                    name,
                    "threshold",
                    "\n".join(changed),
                    {**expected, "mau_threshold": new * 10**6},
                    "mau_threshold",
                    i + 1,
                )
                break

    # one term changed: the commercial grant
    if expected["commercial_use"] == "prohibited":
        nc = re.compile(
            r"non-?commercial|noncommercial|research purposes|other than commercial"
            r"|commercial exploitation|non-production",
            re.I,
        )
        out, first = [], None
        for i, line in enumerate(lines):
            if i != title_at and nc.search(line):
                out.append(_COMMERCIAL_GRANT)
                first = first or i + 1
            else:
                out.append(line)
        # a research-only limit was the license's use restriction: with it gone, not checked
        now = {k: v for k, v in expected.items() if k != "use_restrictions"}
        yield Variant(
            name,
            "commercial",
            "\n".join(out),
            {**now, "commercial_use": "allowed"},
            "commercial_use",
            first,
        )
    else:
        changed, at = _insert_after_title(text, _NC_GRANT)
        yield Variant(
            name,
            "commercial",
            changed,
            {**expected, "commercial_use": "prohibited"},
            "commercial_use",
            at,
        )

    # one term changed: the output-training clause (removed when there, added when not)
    if expected["output_training_restricted"] is True:
        ban = re.compile(r"\bnot use\b.*\boutput", re.I)
        kept = [line for line in lines if not ban.search(line)]
        if len(kept) < len(lines):
            yield Variant(
                name,
                "output",
                "\n".join(kept),
                {**expected, "output_training_restricted": None},
                "output_training_restricted",
                None,
            )
    else:
        changed, at = _insert_after_title(text, _OUTPUT_BAN)
        yield Variant(
            name,
            "output",
            changed,
            {**expected, "output_training_restricted": True},
            "output_training_restricted",
            at,
        )

    # one term changed: a territory excluded
    changed, at = _insert_after_title(text, _TERRITORY)
    yield Variant(
        name,
        "territory",
        changed,
        dict(expected),
        "territory_exclusions",
        at,
        territory=("European Union",),
    )

    # a clause deleted: the user-threshold paragraph (the condition on commercial use goes)
    if isinstance(mau, int):
        paragraphs = re.split(r"(\n\s*\n)", text)
        kept_p = [p for p in paragraphs if "monthly active users" not in p.lower()]
        if len(kept_p) < len(paragraphs):
            yield Variant(
                name,
                "deleted",
                "".join(kept_p),
                {**expected, "mau_threshold": None, "commercial_use": "allowed"},
                "mau_threshold",
                None,
            )

    # the text inside a model card, after the card's own sections
    yield Variant(name, "card", _CARD + text, dict(expected), same_license=True)

    # padded to 5 MB
    filler_line = "log entry: nothing relevant to any terms here, just padding text\n"
    filler = filler_line * ((PAD_TO - len(text)) // len(filler_line) + 1)
    yield Variant(name, "padded", text + "\n\n" + filler, dict(expected), same_license=True)

    # the same text under another product's title
    title_words = re.compile(r"(?i)licen[cs]e|agreement|rail|attribution")
    at = next(
        i
        for i, line in enumerate(lines)
        if line.strip() and ("copyright" not in line.lower() or title_words.search(line))
    )
    titled = title_words.search(lines[at])
    rest = lines[at + 1 :] if titled else lines[at:]
    swapped = lines[:at] + [_OTHER_TITLE] + rest
    yield Variant(name, "retitled", "\n".join(swapped), dict(expected))


def card_offset() -> int:
    """Lines the card adds before the license text."""
    return _CARD.count("\n")


def check(v: Variant, found: object, expected_id: str) -> list[str]:
    """What the match of a variant got wrong (empty: every term right, the changed term cited
    at its line, never the catalogued license at 0.9 or more when the text is not it)."""
    from openness.licenses.match import IDENTIFIED, TextMatch
    from openness.model import LicenseTerms

    assert isinstance(found, TextMatch)
    lic = found.license
    terms = lic.terms if lic is not None else (found.terms or LicenseTerms())
    problems = []
    for name, want in v.expected.items():
        got = getattr(terms, name)
        got = str(got) if name == "commercial_use" else got
        if got != want:
            problems.append(f"{name} {got!r}, expected {want!r}")
    if v.territory and not set(v.territory) <= set(terms.territory_exclusions):
        problems.append(f"territory {terms.territory_exclusions}, expected {v.territory}")
    if v.changed is not None:
        cited = [s for s in terms.sources if s.term == v.changed]
        if v.line is not None and not any(s.line == v.line for s in cited):
            problems.append(f"{v.changed} not cited at line {v.line}: {[s.line for s in cited]}")
        if (
            v.line is None
            and found.status == IDENTIFIED
            and lic is not None
            and lic.id == expected_id
        ):
            problems.append(f"{v.changed} clause removed, yet identified")
    named = lic is not None and lic.id == expected_id
    if v.same_license and not named:
        problems.append(f"not named {expected_id}: {found.status} {found.reason}")
    if not v.same_license and named and found.confidence >= 0.9:
        problems.append(f"kept the catalogued license {expected_id} at {found.confidence}")
    return problems
