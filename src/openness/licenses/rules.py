"""Name a short license text (a header, a stub, a notice) by its title line and key phrases.

The rules never store license texts, and they say nothing rather than guess. Full texts are
named by fingerprints (match.py), which falls back on these rules for short texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Confidence
from .catalog import lookup
from .text import MAX_TEXT_CHARS, QUOTES


@dataclass(frozen=True)
class TextRule:
    """Recognise one license: a title in the first lines, key phrases anywhere.

    HIGH needs the title, the version (when the rule names one) and every phrase; phrases alone
    or a title alone give MEDIUM; `certain=False` caps a rule at MEDIUM; a text much longer than
    the license (`max_words`) drops to LOW; a `veto` in the head means "not this license".
    """

    id: str
    title: str | None = None
    phrases: tuple[str, ...] = ()
    version: str | None = None
    veto: str | None = None
    max_words: int | None = None
    certain: bool = True


@dataclass(frozen=True)
class Recognition:
    id: str
    confidence: Confidence
    name: str
    line: int | None  # 1-based line of the title, when one matched


_GNU_ONLY = "only/or-later is set by the project's notices, not by the license text"

TEXT_RULES: tuple[TextRule, ...] = (
    # AI model licenses: distinctive titles.
    TextRule("LicenseRef-llama2", r"llama 2 community license agreement"),
    TextRule("LicenseRef-llama3", r"(meta )?llama 3 community license agreement"),
    TextRule("LicenseRef-llama3.1", r"llama 3\.1 community license agreement"),
    TextRule("LicenseRef-llama3.2", r"llama 3\.2 community license agreement"),
    TextRule("LicenseRef-llama3.3", r"llama 3\.3 community license agreement"),
    TextRule("LicenseRef-llama4", r"llama 4 community license agreement"),
    TextRule("LicenseRef-deepseek", r"deepseek license agreement", version=r"version 1\.0"),
    TextRule("LicenseRef-tongyi-qianwen-research", r"tongyi qianwen research license agreement"),
    TextRule("LicenseRef-tongyi-qianwen", r"tongyi qianwen license agreement"),
    TextRule(
        "LicenseRef-flux-1-dev-non-commercial-license", r"flux\.1 \[dev\] non-commercial license"
    ),
    TextRule("LicenseRef-openrail-plus-plus", r"creativeml open ?rail\+\+-m"),
    TextRule("LicenseRef-creativeml-openrail-m", r"creativeml open ?rail-m\b"),
    TextRule("LicenseRef-bigscience-openrail-m", r"bigscience open ?rail-m\b"),
    TextRule("LicenseRef-bigscience-bloom-rail-1.0", r"bigscience (bloom )?rail license v?1\.0"),
    TextRule("LicenseRef-bigcode-openrail-m", r"bigcode open ?rail-m\b"),
    TextRule("LicenseRef-apple-amlr", r"apple machine learning research model", certain=False),
    TextRule("LicenseRef-gemma", r"gemma terms of use", certain=False),
    # Standard licenses. GNU family: lesser/affero before general.
    TextRule(
        "AGPL-3.0-only",
        r"gnu affero general public license",
        version=r"version 3, 19 november 2007",
        certain=False,
    ),
    TextRule(
        "LGPL-3.0-only",
        r"gnu lesser general public license",
        version=r"version 3, 29 june 2007",
        certain=False,
    ),
    TextRule(
        "LGPL-2.1-only",
        r"gnu lesser general public license",
        version=r"version 2\.1, february 1999",
        certain=False,
    ),
    TextRule(
        "GPL-3.0-only",
        r"gnu general public license",
        version=r"version 3, 29 june 2007",
        veto=r"lesser general public|affero general public",
        certain=False,
    ),
    TextRule(
        "GPL-2.0-only",
        r"gnu general public license",
        version=r"version 2, june 1991",
        veto=r"lesser general public|library general public|affero",
        certain=False,
    ),
    TextRule("MPL-2.0", r"mozilla public license,? (version |v\.? ?)?2\.0"),
    TextRule(
        "Apache-2.0",
        r"apache license,? version 2\.0",
        ("terms and conditions for use, reproduction, and distribution",),
    ),
    TextRule("Apache-2.0", phrases=("licensed under the apache license, version 2.0",)),
    TextRule(
        "MIT",
        r"\b(the )?mit license\b",
        (
            "permission is hereby granted, free of charge, to any person obtaining a copy",
            "the above copyright notice and this permission notice shall be included",
        ),
        veto=r"modified mit license",
        max_words=215,
    ),
    TextRule(
        "BSD-3-Clause",
        r"bsd 3-clause",
        ("redistribution and use in source and binary forms", "neither the name of"),
        veto=r"bsd 3-clause clear|no express or implied licenses to any party",
    ),
    TextRule(
        "BSD-2-Clause",
        r"bsd 2-clause",
        ("redistribution and use in source and binary forms",),
        veto=r"neither the name of|endorse or promote",
    ),
    TextRule(
        "CC-BY-NC-SA-4.0",
        r"attribution-noncommercial-sharealike 4\.0 international",
        ("creative commons attribution-noncommercial-sharealike 4.0 international public",),
    ),
    TextRule(
        "CC-BY-NC-ND-4.0",
        r"attribution-noncommercial-noderivatives 4\.0 international",
        ("creative commons attribution-noncommercial-noderivatives 4.0 international pub",),
    ),
    TextRule(
        "CC-BY-NC-4.0",
        r"attribution-noncommercial 4\.0 international",
        ("creative commons attribution-noncommercial 4.0 international public license",),
    ),
    TextRule(
        "CC-BY-ND-4.0",
        r"attribution-noderivatives 4\.0 international",
        ("creative commons attribution-noderivatives 4.0 international public license",),
    ),
    TextRule(
        "CC-BY-SA-4.0",
        r"attribution-sharealike 4\.0 international",
        ("creative commons attribution-sharealike 4.0 international public license",),
    ),
    TextRule(
        "CC-BY-4.0",
        r"\battribution 4\.0 international",
        ("creative commons attribution 4.0 international public license",),
    ),
    TextRule("CC0-1.0", r"\bcc0 1\.0 universal", ("creative commons",)),
    TextRule(
        "Unlicense",
        phrases=(
            "this is free and unencumbered software released into the public domain",
            "unlicense.org",
        ),
    ),
)

_HEAD_CHARS = 1000  # where a title must appear


def _normalise(text: str) -> str:
    text = text.translate(QUOTES).lower()
    text = re.sub(r"[*_#>`=]+", " ", text)
    return " ".join(text.split())


def confidence_level(score: float) -> Confidence:
    if score >= 0.95:
        return Confidence.HIGH
    return Confidence.MEDIUM if score >= 0.5 else Confidence.LOW


def recognise_by_rules(text: str) -> Recognition | None:
    """Name a license snippet by its title line and key phrases, or None."""
    text = text[:MAX_TEXT_CHARS]
    body = _normalise(text)
    head = body[:_HEAD_CHARS]
    words = len(body.split())
    candidates = [r for r in TEXT_RULES if not (r.veto and re.search(r.veto, head))]
    # Titles first, so a license quoting another one's phrases is named by its own title.
    for rule in candidates:
        if rule.title and re.search(rule.title, head):
            phrases = all(p in body for p in rule.phrases)
            versioned = rule.version is None or re.search(rule.version, head) is not None
            sure = phrases and versioned and rule.certain
            return _recognition(rule, text, Confidence.HIGH if sure else Confidence.MEDIUM, words)
    for rule in candidates:
        if rule.phrases and all(p in body for p in rule.phrases):
            return _recognition(rule, text, Confidence.MEDIUM, words)
    return None


def _recognition(rule: TextRule, text: str, confidence: Confidence, words: int) -> Recognition:
    if rule.max_words is not None and words > rule.max_words:
        confidence = Confidence.LOW
    entry = lookup(rule.id)
    name = entry.name if entry else rule.id
    return Recognition(rule.id, confidence, name, _title_line(rule, text))


def _title_line(rule: TextRule, text: str) -> int | None:
    """1-based line where the title starts (a title may run over several lines)."""
    if rule.title is None:
        return None
    joined, starts = "", []
    for number, line in enumerate(text.split("\n")[:60], start=1):
        norm = _normalise(line)
        if norm:
            starts.append((len(joined), number))
            joined += norm + " "
    m = re.search(rule.title, joined)
    if m is None:
        return None
    return max(number for offset, number in starts if offset <= m.start())
