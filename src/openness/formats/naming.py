"""The model's name, as every report header and export states it, with where it was read.

In order: the card's front matter (`model_name`, `name`), the card's first heading when it names
the model, the Hub id, and the folder, file or archive name only as a last resort. A heading
names the model when it looks like a name (`all-MiniLM-L6-v2`, `Stable Diffusion v1`), not a
topic (`Model Details`, `Key Features`): a wrong name is worse than the folder's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from ..model import Assessment, Evidence

_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".whl")
_CARD_PREFIX = re.compile(r"^(?:model\s*card\s*(?:for|of)?|readme)\s*[:\-–—]?\s*", re.I)
_CARD_SUFFIX = re.compile(r"\s*[:\-–—]?\s*model\s*card$", re.I)
#: a subtitle after the name: "CodeGeeX4: Open Multilingual ...", "tiny-gpt (an example)"
_SUBTITLE = re.compile(r"\s*(?::\s|\s[-–—|]\s|\().*$")
#: a name has a version, a separator or inner capitals: `dots1`, `all-MiniLM-L6-v2`, `GPT-J`
_NAME_LIKE = re.compile(r"[0-9._-]|[a-z][A-Z]")
_GENERIC = frozenset(
    {
        "about",
        "abstract",
        "citation",
        "contents",
        "description",
        "details",
        "documentation",
        "introduction",
        "license",
        "model",
        "models",
        "news",
        "overview",
        "quickstart",
        "readme",
        "summary",
        "usage",
        "updates",
    }
)
MAX_NAME = 64
MAX_WORDS = 5


@dataclass(frozen=True)
class ModelName:
    value: str
    #: where it came from, said in words: "card front matter", "card title", "Hub id", "folder"
    source: str
    #: the evidence it was read from; None for the Hub id and the folder (the origin says it)
    evidence: Evidence | None = None


def model_name(a: Assessment) -> ModelName:
    for e in a.evidence:
        if e.fact == "card.model_name" and isinstance(e.value, str) and _clean(e.value):
            return ModelName(_clean(e.value), "card front matter", e)
    title = next((e for e in a.evidence if e.fact == "card.title"), None)
    if title is not None and isinstance(title.value, str):
        name = title_name(title.value)
        if name is not None:
            return ModelName(name, "card title", title)
    if a.origin.kind == "hub":
        hub_id = a.origin.target.removeprefix("hf:").split("@", 1)[0].strip("/")
        if hub_id:
            return ModelName(hub_id, "Hub id")
    return ModelName(folder_name(a.origin.path or a.origin.target), "folder name")


def title_name(heading: str) -> str | None:
    """The model's name in a card heading, or None when the heading is not a name."""
    text = _CARD_SUFFIX.sub("", _CARD_PREFIX.sub("", heading.strip()))
    text = _SUBTITLE.sub("", text).strip(" *_`:#-–—")
    words = text.split()
    if not words or len(text) > MAX_NAME or len(words) > MAX_WORDS or not text.isprintable():
        return None
    if not re.search(r"[A-Za-z]", text) or text.lower() in _GENERIC:
        return None
    if len(words) == 1 or any(_NAME_LIKE.search(w) for w in words):
        return text
    return None


def folder_name(raw: str) -> str:
    """The folder, file or archive name without its archive suffix."""
    name = PurePath(raw.rstrip("/\\")).name or raw or "model"
    for suffix in _ARCHIVE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _clean(text: str) -> str:
    """The name on one line; empty (not a name) when too long or holding control characters,
    which a terminal would obey."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_NAME and flat.isprintable() else ""
