"""Openness frameworks (MOF, OSAID, the European Open Source AI Index, FMTI) as data, and
openwashing: claims of openness the evidence contradicts. See docs/frameworks.md."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

from ..errors import OpennessError
from ..model import Assessment, Evidence, FrameworkResult
from .engine import Framework, load_framework

#: framework id -> data file, in report order
FRAMEWORK_FILES = {
    "mof": "mof.yaml",
    "osaid": "osaid.yaml",
    "osai-index": "osai_index.yaml",
    "fmti": "fmti.yaml",
}
FRAMEWORK_NAMES = tuple(FRAMEWORK_FILES)


@cache
def framework(name: str) -> Framework:
    return load_framework(FRAMEWORK_FILES[name])


def parse_framework_names(text: str) -> tuple[str, ...]:
    """`mof,osaid` -> ("mof", "osaid"); `all` or empty -> every framework; `none` -> ()."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names or names == ["all"]:
        return FRAMEWORK_NAMES
    if names == ["none"]:
        return ()
    unknown = [n for n in names if n not in FRAMEWORK_FILES]
    if unknown:
        raise OpennessError(
            f"unknown framework {', '.join(unknown)}; choose from {', '.join(FRAMEWORK_NAMES)}"
        )
    return tuple(dict.fromkeys(names))


def evaluate_frameworks(
    evidence: Iterable[Evidence], names: Sequence[str] = FRAMEWORK_NAMES
) -> tuple[FrameworkResult, ...]:
    facts = list(evidence)
    return tuple(framework(n).evaluate(facts) for n in names)


def select_frameworks(assessment: Assessment, text: str | None) -> Assessment:
    """The assessment with only the frameworks `--framework` names (all when None)."""
    if text is None:
        return assessment
    names = parse_framework_names(text)
    chosen = {f.framework: f for f in assessment.frameworks}
    return replace(assessment, frameworks=tuple(chosen[n] for n in names if n in chosen))
