"""Turn an Assessment's JSON into a store row: the key (model, revision) and indexed columns.

It reads the JSON data, not the dataclass, and only the keys it needs, so assessments written
by newer or older tool versions (e.g. with a `licenses` field) are stored unchanged.

Openwashing: when the document has framework results, it is the openwashing findings the
assessment made (OPN-OWS-*, from the card's own claims against the evidence); older documents
fall back to the tag heuristic of `licensing.is_openwashing`. Keep `framework_columns` in step
with the backfill of migration 0003.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..model import Attribute, Level
from .licensing import claims_open, commercial_use, family, is_openwashing

MAX_ID = 512


def content_digest(files: Iterable[Mapping[str, Any]]) -> str:
    """The revision of a local release: SHA-256 over its sorted (path, sha256 or size) pairs."""
    h = hashlib.sha256()
    for path, digest in sorted((str(f.get("path")), _file_token(f)) for f in files):
        h.update(f"{path}\0{digest}\n".encode())
    return "sha256:" + h.hexdigest()


def _file_token(f: Mapping[str, Any]) -> str:
    sha = f.get("sha256")
    return str(sha) if sha else f"size={f.get('size')}"


def revision_of(data: Mapping[str, Any]) -> str:
    origin = data.get("origin") or {}
    if origin.get("kind") == "hub" and origin.get("revision"):
        return str(origin["revision"])[:128]
    return content_digest(data.get("files") or [])


def author_of(model: str) -> str | None:
    """`org/name` ids (the Hub's) are owned by `org`; a local path has no organisation."""
    if "/" in model and not model.startswith(("/", ".", "~")) and "://" not in model:
        return model.split("/", 1)[0][:256]
    return None


def row_for(data: Mapping[str, Any], model: str, assessed_at: datetime) -> dict[str, Any]:
    license_data = data.get("license") or {}
    category = str(license_data.get("category") or "unknown")
    # the verdict's id; documents written before it had one fall back on the declared license
    license_id = license_data.get("id") or license_data.get("spdx")
    if "status" not in license_data:
        license_id = license_id or _ref(license_data.get("declared"))
    facts = _card_facts(data.get("evidence") or [])
    claims = claims_open(
        _strings(facts.get("card.tags")),
        _strings(facts.get("card.license_name")) + _strings(license_data.get("declared")),
    )
    levels = {r.get("attribute"): r.get("level") for r in data.get("ratings") or []}
    summary = data.get("summary") or {}
    severities = [f.get("severity") for f in data.get("findings") or []]
    base = _strings(facts.get("card.base_model"))
    rated = framework_columns(data)
    washing = is_openwashing(claims, category)
    if rated["openwashing_rules"] is not None:
        washing = bool(rated["openwashing_rules"])
        claims = claims or washing  # a finding cites a claim the card makes
    return {
        "model": model[:MAX_ID],
        "revision": revision_of(data),
        "author": author_of(model),
        "created_month": assessed_at.strftime("%Y-%m"),
        "downloads": None,
        "license_id": license_id[:256] if license_id else None,
        "license_family": family(license_id, category),
        "license_category": category,
        "commercial_use": commercial_use(category, license_data.get("terms")),
        "claims_open": claims,
        "openwashing": washing,
        "base_model": base[0][:MAX_ID] if base else None,
        **{a.value: str(levels.get(a.value) or Level.UNKNOWN.value) for a in Attribute},
        "kind": str((data.get("origin") or {}).get("kind") or "unknown")[:32],
        "target": str((data.get("origin") or {}).get("target") or ""),
        "assessed_at": assessed_at,
        "tool_version": str(data.get("tool_version") or "")[:64],
        "parameters": summary.get("parameters"),
        "architecture": (summary.get("architecture") or None),
        "max_severity": max((_severity_rank(s) for s in severities), default=None),
        "findings": len(severities),
        "complete": bool(data.get("complete")),
        "document": dict(data),
        **rated,
    }


def framework_columns(data: Mapping[str, Any]) -> dict[str, Any]:
    """mof_class, osaid and openwashing_rules of a document; unknown/None without frameworks."""
    results = {
        str(f.get("framework")): f for f in _mappings(data.get("frameworks")) if f.get("framework")
    }
    rules = sorted(
        {
            str(f.get("rule_id"))
            for f in _mappings(data.get("findings"))
            if str(f.get("rule_id") or "").startswith(OPENWASHING_RULE_PREFIX)
        }
    )
    return {
        "mof_class": _mof_class(results.get("mof")),
        "osaid": _osaid(results.get("osaid")),
        "openwashing_rules": ",".join(rules)[:128] if results else None,
    }


OPENWASHING_RULE_PREFIX = "OPN-OWS-"
_MOF_VERDICTS = {"Class I": "I", "Class II": "II", "Class III": "III"}


def _mof_class(result: Mapping[str, Any] | None) -> str:
    if result is None:
        return "unknown"
    return _MOF_VERDICTS.get(str(result.get("verdict") or ""), "none")


def _osaid(result: Mapping[str, Any] | None) -> str:
    verdict = str(result.get("verdict") or "") if result is not None else ""
    return verdict if verdict in ("pass", "fail") else "unknown"


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


_SEVERITIES = ("info", "low", "medium", "high", "critical")


def _severity_rank(name: object) -> int:
    return _SEVERITIES.index(name) if name in _SEVERITIES else 0


def _ref(declared: object) -> str | None:
    if not isinstance(declared, str) or not declared.strip():
        return None
    from ..licenses.catalog import lookup

    entry = lookup(declared)
    return entry.ref if entry is not None else declared.strip()


def _card_facts(evidence: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for e in evidence:
        fact = e.get("fact")
        if isinstance(fact, str) and fact.startswith("card.") and fact not in facts:
            facts[fact] = e.get("value")
    return facts


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []
