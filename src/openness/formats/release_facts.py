"""Release facts read from an Assessment's evidence, for the report context (formats/context.py),
which is what the exports read. Pure functions: nothing here reads the release again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lazy_re import lazy
from ..model import Assessment, Evidence, JSONValue, VerdictStatus

#: card section topics quoted in exports, in the order a reader expects them
USE_TOPICS = ("intended_use",)
LIMITATION_TOPICS = ("limitations", "out_of_scope")
RISK_TOPICS = ("bias_risks", "safety")
_UNKNOWN_REF = "LicenseRef-unknown"
_HUB_ID = lazy(r"[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}")


@dataclass(frozen=True)
class LicenseClaim:
    """The release license as an SBOM states it: an SPDX expression, or a LicenseRef."""

    expression: str | None  # SPDX ids only, e.g. "Apache-2.0" or "MIT OR Apache-2.0"
    ref: str | None  # LicenseRef-... when there is no SPDX id
    name: str | None
    url: str | None
    status: str = "identified"  # the verdict's status: identified | conflict | modified | ...
    note: str = ""  # the conflict or doubt, when there is one


@dataclass(frozen=True)
class Metric:
    task: str
    dataset: str
    metric: str
    value: str


def first(a: Assessment, fact: str) -> Evidence | None:
    return next((e for e in a.evidence if e.fact == fact), None)


def strings(a: Assessment, fact: str) -> list[str]:
    """Every string value of a fact (list values flattened), first occurrence order, no blanks."""
    out: list[str] = []
    for e in a.evidence:
        if e.fact == fact:
            out.extend(_flatten(e.value))
    return list(dict.fromkeys(s for s in out if s.strip()))


def _flatten(value: JSONValue) -> list[str]:
    if isinstance(value, tuple):
        return [s for v in value for s in _flatten(v)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def architecture(a: Assessment) -> str | None:
    if a.summary.architecture:
        return a.summary.architecture
    names = strings(a, "config.architectures") or strings(a, "config.model_type")
    return names[0] if names else None


def model_type(a: Assessment) -> str | None:
    names = strings(a, "config.model_type") or strings(a, "gguf.architecture")
    return names[0] if names else None


def task(a: Assessment) -> str | None:
    tags = strings(a, "card.pipeline_tag")
    return tags[0] if tags else None


def datasets(a: Assessment) -> list[str]:
    return strings(a, "card.datasets")


def base_models(a: Assessment) -> list[str]:
    return strings(a, "card.base_model")


def excerpts(a: Assessment, topics: tuple[str, ...]) -> list[str]:
    """Section excerpts for the topics, each text once (one heading can map to two topics)."""
    out = [t for topic in topics for t in strings(a, f"card.section_text.{topic}")]
    return list(dict.fromkeys(out))


def metrics(a: Assessment) -> list[Metric]:
    out = []
    for e in a.evidence:
        if e.fact == "card.model_index.metric" and isinstance(e.value, tuple):
            parts = [str(v) for v in e.value]
            if len(parts) == 4:
                out.append(Metric(*parts))
    return out


def license_claim(a: Assessment) -> LicenseClaim | None:
    """None when the release states no license at all."""
    lic = a.license  # the one license verdict: nothing here works a license out again
    if lic.category == "none":
        return None
    url = next(iter(strings(a, "card.license_link")), None)
    if url is not None and not re.match(r"https?://", url):
        url = None  # a relative link (e.g. LICENSE) is not a URL an SBOM reader can follow
    if lic.status is VerdictStatus.CONFLICT:
        url = None  # the card's link points at the license the files contradict
    if lic.spdx:
        return LicenseClaim(lic.spdx, None, lic.name, url, lic.status.value, lic.note)
    ref = lic.id or _UNKNOWN_REF
    return LicenseClaim(None, ref, lic.name or lic.declared or ref, url, lic.status.value, lic.note)


def is_hub_id(name: str) -> bool:
    """`owner/name`, as the Hugging Face Hub names models and datasets."""
    return bool(_HUB_ID.fullmatch(name))


def card_file(a: Assessment) -> str:
    """The model card's path in the release, where section line numbers point."""
    card = first(a, "card.present")
    return card.location.file if card is not None and card.location.file else "README.md"
