"""Read the model card as text, line by line, for openness claims and stated facts.

`claim.<kind>`: what the card says about its own openness ("open source", "fully open", "open
weights", a framework class). `card.mentions.<topic>`: facts the transparency frameworks ask for
(hardware, compute, energy, data size, version). Each at its line; bounded by the text limit.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from ..documents.collect import release_root
from ..documents.files import classify_document
from ..documents.markdown_comments import is_markdown, without_html_comments
from ..limits import Limits
from ..model import Confidence, Evidence, Location
from ..sources import READ_ERRORS, Release

_SUBJECT = r"(model|models|llm|llms|weights|release|ai|language model|system|checkpoint)"
CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("claim.fully_open", re.compile(r"\b(fully|completely|truly|100%)[ -]open\b", re.I)),
    (
        "claim.open_source",
        re.compile(
            rf"\b(is|are|as|an|a|our|this|fully|truly)\s+(an?\s+)?open[- ]?sourced?\s+{_SUBJECT}\b"
            rf"|\bopen[- ]source(d)?\s+(under|with)\b|\bwe\s+open[- ]source\b",
            re.I,
        ),
    ),
    ("claim.open_weights", re.compile(r"\bopen[- ]weights?\b", re.I)),
    (
        "claim.mof_class",
        re.compile(r"\b(MOF|Model Openness Framework)\b[^.\n]{0,40}\bclass\s+(I{1,3})\b", re.I),
    ),
    ("claim.osaid", re.compile(r"\b(OSAID|Open Source AI Definition)\b", re.I)),
)
MENTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "card.mentions.hardware",
        # a GPU named or counted ("8 A100s", "4 to 16 Cloud TPUs"), not "runs on GPUs"
        re.compile(
            r"\b([AHV]100|H[28]00|A800|B200|TPU\s?v?\d|Trainium|Gaudi)|"
            # bounded, possessive: a line of "1,1,1,…" must not backtrack
            r"\b\d[\d,]{0,12}+\s{0,3}+([x×]\s{0,3}+)?([\w-]{1,30}+\s{1,3}+)?(GPUs?|TPUs?|accelerators?)\b"
        ),
    ),
    (
        "card.mentions.compute",
        re.compile(
            r"\b(GPU[- ]hours?|TPU[- ]hours?|FLOPs?|petaflop|"
            r"compute budget|node[- ]hours?)\b",
            re.I,
        ),
    ),
    (
        "card.mentions.energy",
        re.compile(
            r"\b(kWh|MWh|GWh|tCO2|CO2|carbon|emissions?|"
            r"energy (use|consumption))\b",
            re.I,
        ),
    ),
    (
        "card.mentions.data_size",
        re.compile(
            r"\b\d[\d.,]{0,24}+\s{0,3}+(T|B|M|trillion|billion|million)?\s{0,3}+"
            r"(tokens|samples|images|hours of audio|documents)\b",
            re.I,
        ),
    ),
    (
        "card.mentions.version",
        re.compile(
            r"\b(version\s+v?\d+(\.\d+)*|v\d+\.\d+|release date|"
            r"changelog)\b",
            re.I,
        ),
    ),
)
MAX_LINE = 10_000
#: hardware, compute and data size count only in a line about training: "transcribing speech on
#: an A100", "parameters, FLOPs" of a model table, "dataset A has 1000 samples" say nothing of it
_IN_TRAINING = frozenset(
    {"card.mentions.hardware", "card.mentions.compute", "card.mentions.data_size"}
)
_TRAINING = re.compile(
    r"(?<![-_])\b((pre-?)?(train|trained|training|trains)|fine-?tun(e|es|ed|ing))\b(?![-_])", re.I
)


def card_text_facts(release: Release, limits: Limits) -> list[Evidence]:
    root = release_root(release.members)
    for member in release.members:
        folder = posixpath.dirname(member.path)
        if folder != root or classify_document(posixpath.basename(member.path)) != "card":
            continue
        try:
            with release.open(member.path) as stream:
                data = stream.read(limits.max_text_bytes)
        except READ_ERRORS:
            return []  # collect_documents reports the unreadable card
        text = data.decode("utf-8", "replace")
        if is_markdown(member.path):
            text = without_html_comments(text)
        return list(scan_text(member.path, text))
    return []


def scan_text(path: str, text: str) -> Iterable[Evidence]:
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line[:MAX_LINE]
        for fact, pattern in CLAIMS:
            match = pattern.search(line)
            if match is None:
                continue
            before = line[: match.start()][-80:]
            aspired = _ASPIRATION.search(line[max(0, match.start() - 80) : match.end()])
            if not (_SAID_OF_CODE.search(before) or aspired):
                yield Evidence(
                    fact,
                    match.group(0),
                    Location(path, line=number),
                    Confidence.MEDIUM,
                    note=_quote(line),
                )
        for fact, pattern in MENTIONS:
            match = None if fact in seen else pattern.search(line)
            if match and fact in _IN_TRAINING and not _TRAINING.search(line):
                continue
            if match:
                seen.add(fact)  # the first mention is enough to cite
                yield Evidence(fact, match.group(0), Location(path, line=number), Confidence.MEDIUM)


#: "inference code that is fully open source under Apache 2.0": the claim's subject is the code,
#: which a code license may make true whatever the weights' terms
_SAID_OF_CODE = re.compile(
    r"\b(code|codebase|implementation|library|scripts)\b(?!.*\b(models?|weights|checkpoints?)\b)"
    r"[^.;]*$",
    re.I,
)


#: "to build truly open-source models", "a quest towards fully open source AI": a goal or a
#: mission of the project, not a statement that this release is open
_ASPIRATION = re.compile(
    r"\b(to\s+(build|create|develop|make|advance|promote|democrati[sz]e)|towards?|quest|mission|"
    r"aims?\s+(to|for|at)|striv\w*|vision\s+(of|for)|future\s+of)\b"
    # "our mission is to advance AI, and Wombat is an open-source model" states what it is
    r"(?![^.;!?]*\b(is|are|was|were)\s)[^.;!?]*$",
    re.I,
)


def _quote(line: str) -> str:
    text = " ".join(line.split())
    return text if len(text) <= 160 else text[:157] + "…"
