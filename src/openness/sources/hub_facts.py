"""Facts the Hub knows about a repo beyond its files: the revision pinned, where digests came
from, gating, the Hub's own security scan and parameter count, the dataset cards of the datasets
the card names (transparency of inputs), and the licenses of base models (license drift).

Evidence facts (all under `hub.`, so they never collide with what the files say):
`hub.revision`, `hub.lfs_sha256` (per file), `hub.gated`, `hub.security_scan`,
`hub.safetensors.parameters`, `hub.dataset.card` / `.license` / `.size` / `.sources` /
`.description` / `.unavailable`, `hub.base_model.license` / `.unavailable`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import TargetError
from ..lazy_re import lazy
from ..licenses import resolve_release
from ..model import Confidence, Evidence, Finding, JSONValue, Location, Severity
from ..rules import finding

MAX_DATASETS = 16
MAX_BASE_MODELS = 4
_REPO_ID = lazy(r"^[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?$")
#: license categories from most to least permissive; open code and open content rank alike
_RANK = {"open-source": 0, "open-content": 0, "restricted": 1, "noncommercial": 2, "proprietary": 3}
_UNSAFE_LEVELS = ("unsafe", "dangerous", "malicious", "infected")

Info = Callable[[str, str], dict[str, Any]]  # (kind, repo_id) -> raw info JSON


@dataclass
class HubFacts:
    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def repo_facts(info: Any, requested: str | None, page: str) -> HubFacts:
    """Facts from a parsed `ModelInfo`."""
    out = HubFacts()
    note = f"revision {requested!r} pinned to this commit" if requested else "main, pinned"
    out.evidence.append(Evidence("hub.revision", str(info.sha), Location(page), note=note))
    for sibling in info.siblings or ():
        if sibling.lfs is not None:
            out.evidence.append(
                Evidence(
                    "hub.lfs_sha256",
                    str(sibling.lfs.sha256),
                    Location(sibling.rfilename),
                    note="SHA-256 from the Hub's LFS metadata, not recomputed from the bytes",
                )
            )
    out.evidence.append(
        Evidence("hub.gated", _json(info.gated or False), Location(page, key="gated"))
    )
    out.evidence.extend(_published(info.author, info.last_modified, page))
    if info.safetensors is not None:
        out.evidence.append(
            Evidence(
                "hub.safetensors.parameters",
                int(info.safetensors.total),
                Location(page, key="safetensors.total"),
                note="the Hub's own count from the safetensors headers",
            )
        )
    _security(info.security_repo_status, page, out)
    return out


def _published(author: object, modified: object, page: str, dataset: str = "") -> list[Evidence]:
    """Who publishes the repository (its Hub namespace) and when its pinned revision was made;
    for a dataset the facts are `hub.dataset.*` with the dataset id as note."""
    prefix = "hub.dataset." if dataset else "hub."
    out = []
    if isinstance(author, str) and author.strip():
        where = Location(page, key="author")
        out.append(Evidence(prefix + "author", author.strip(), where, note=dataset))
    when = _timestamp(modified)
    if when is not None:
        where = Location(page, key="lastModified")
        out.append(Evidence(prefix + "last_modified", when, where, note=dataset))
    return out


def _timestamp(value: object) -> str | None:
    """An ISO 8601 UTC time from the Hub (a datetime from the client, a string in raw JSON)."""
    from datetime import UTC, datetime

    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _security(status: object, page: str, out: HubFacts) -> None:
    if not isinstance(status, dict):
        out.evidence.append(
            Evidence("hub.security_scan", "unavailable", Location(page, key="securityRepoStatus"))
        )
        return
    flagged = [f for f in status.get("filesWithIssues") or () if isinstance(f, dict)]
    state = "done" if status.get("scansDone") else "pending"
    out.evidence.append(
        Evidence(
            "hub.security_scan",
            state,
            Location(page, key="securityRepoStatus"),
            note=f"{len(flagged)} file(s) flagged by the Hub's scanners",
        )
    )
    for item in flagged:
        path, level = str(item.get("path", "")), str(item.get("level", "flagged"))
        severity = None if level.lower() in _UNSAFE_LEVELS else Severity.MEDIUM
        out.findings.append(
            finding(
                "OPN-HUB-003",
                f"the Hub's security scanners mark {path or 'a file'} as {level}",
                Location(path),
                level,
                severity,
            )
        )


def dataset_facts(card_data: Any, info: Info, web_url: Callable[[str, str], str]) -> HubFacts:
    """Read the dataset card of every dataset the model card names (up to MAX_DATASETS)."""
    out = HubFacts()
    for dataset in _ids(getattr(card_data, "datasets", None), MAX_DATASETS):
        page = web_url(dataset, "dataset")
        try:
            data = info("dataset", dataset)
        except TargetError as exc:
            out.evidence.append(
                Evidence("hub.dataset.unavailable", dataset, Location(page), note=str(exc))
            )
            continue
        out.evidence.extend(_dataset_card(dataset, data, page))
    return out


def _dataset_card(dataset: str, data: dict[str, Any], page: str) -> Iterable[Evidence]:
    card = data.get("cardData") if isinstance(data.get("cardData"), dict) else {}
    assert isinstance(card, dict)
    yield Evidence(
        "hub.dataset.card", dataset, Location(page), note="dataset card read from the Hub"
    )
    for fact, key in (
        ("hub.dataset.license", "license"),
        ("hub.dataset.size", "size_categories"),
        ("hub.dataset.sources", "source_datasets"),
    ):
        value = card.get(key)
        if value not in (None, "", []):
            yield Evidence(fact, _json(value), Location(page, key=key), note=dataset)
    yield from _published(data.get("author"), data.get("lastModified"), page, dataset)
    description = data.get("description") or card.get("pretty_name")
    if isinstance(description, str) and description.strip():
        words = len(description.split())
        yield Evidence(
            "hub.dataset.description",
            description.strip()[:200],
            Location(page, key="description"),
            note=f"{dataset}: {words} words",
        )


def base_model_facts(card_data: Any, info: Info, web_url: Callable[[str, str], str]) -> HubFacts:
    """Read the license of each base model and flag a derivative that claims more freedom."""
    out = HubFacts()
    own = _license_of(getattr(card_data, "license", None), getattr(card_data, "license_name", None))
    for base in _ids(getattr(card_data, "base_model", None), MAX_BASE_MODELS):
        page = web_url(base, "model")
        try:
            data = info("model", base)
        except TargetError as exc:
            out.evidence.append(
                Evidence("hub.base_model.unavailable", base, Location(page), note=str(exc))
            )
            continue
        card = data.get("cardData") if isinstance(data.get("cardData"), dict) else {}
        assert isinstance(card, dict)
        declared, name = card.get("license"), card.get("license_name")
        base_category = _license_of(declared, name)
        out.evidence.append(
            Evidence(
                "hub.base_model.license",
                _json(declared) if declared is not None else None,
                Location(page, key="license"),
                note=f"{base}: {base_category}",
            )
        )
        if own in _RANK and base_category in _RANK and _RANK[own] < _RANK[base_category]:
            own_text = _json(getattr(card_data, "license", None))
            out.findings.append(
                finding(
                    "OPN-HUB-010",
                    f"license drift: the card claims {own_text} ({own}) but base model {base} "
                    f"is under {_json(declared)} ({base_category})",
                    Location("README.md", key="license"),
                    base,
                )
            )
    return out


def _license_of(declared: object, name: object) -> str:
    if declared is None:
        return "unknown"
    evidence = [Evidence("card.license", _json(declared), Location(""), Confidence.CERTAIN)]
    if isinstance(name, str):
        evidence.append(Evidence("card.license_name", name, Location("")))
    return resolve_release(evidence).verdict.category.value


def _ids(value: object, cap: int) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    out: list[str] = []
    for item in items:
        if isinstance(item, str) and _REPO_ID.match(item.strip()) and item.strip() not in out:
            out.append(item.strip())
    return out[:cap]


def _json(value: object) -> JSONValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return tuple(_json(v) for v in value)
    return str(value)
