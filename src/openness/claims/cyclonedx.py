"""Claims in a CycloneDX BOM (JSON): the model's license, files with SHA-256, datasets, base
models, and the parameter count `openness` itself records as a property."""

from __future__ import annotations

from typing import Any

from .model import Claim, ClaimKind

MAX_COMPONENTS = 100_000


def is_cyclonedx(data: Any) -> bool:
    return isinstance(data, dict) and data.get("bomFormat") == "CycloneDX"


def claims(bom: dict[str, Any]) -> list[Claim]:
    components = _list(bom.get("components"))[:MAX_COMPONENTS]
    metadata = bom.get("metadata") if isinstance(bom.get("metadata"), dict) else {}
    model, where = _model(metadata, components)
    out: list[Claim] = []
    if model is not None:
        out += _license_claims(model, where)
        out += _model_claims(model, where, components)
    for i, component in enumerate(components):
        if isinstance(component, dict) and component.get("type") == "file":
            out += _file_claims(component, f"/components/{i}")
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _model(metadata: Any, components: list[Any]) -> tuple[dict[str, Any] | None, str]:
    subject = metadata.get("component") if isinstance(metadata, dict) else None
    if isinstance(subject, dict) and subject.get("type") == "machine-learning-model":
        return subject, "/metadata/component"
    for i, c in enumerate(components):
        if isinstance(c, dict) and c.get("type") == "machine-learning-model":
            return c, f"/components/{i}"
    return None, ""


def _license_claims(model: dict[str, Any], where: str) -> list[Claim]:
    out = []
    for i, choice in enumerate(_list(model.get("licenses"))):
        if not isinstance(choice, dict):
            continue
        pointer = f"{where}/licenses/{i}"
        expression = _text(choice.get("expression"))
        if expression:
            out.append(Claim(ClaimKind.LICENSE, expression, f"{pointer}/expression"))
            continue
        lic = choice.get("license")
        if not isinstance(lic, dict):
            continue
        ref = next(
            (
                _text(p.get("value"))
                for p in _list(lic.get("properties"))
                if isinstance(p, dict) and p.get("name") == "openness:license-ref"
            ),
            None,
        )
        term = _text(lic.get("id")) or ref or _text(lic.get("name"))
        if term:
            out.append(Claim(ClaimKind.LICENSE, term, f"{pointer}/license"))
    return out


def _model_claims(model: dict[str, Any], where: str, components: list[Any]) -> list[Claim]:
    out = []
    for i, p in enumerate(_list(model.get("properties"))):
        if isinstance(p, dict) and p.get("name") == "openness:parameters":
            value = _text(p.get("value"))
            if value:
                out.append(Claim(ClaimKind.PARAMETERS, value, f"{where}/properties/{i}"))
    pedigree = model.get("pedigree")
    ancestors = _list(pedigree.get("ancestors")) if isinstance(pedigree, dict) else []
    for i, ancestor in enumerate(ancestors):
        name = _text(ancestor.get("name")) if isinstance(ancestor, dict) else None
        if name:
            out.append(Claim(ClaimKind.BASE_MODEL, name, f"{where}/pedigree/ancestors/{i}"))
    card = model.get("modelCard")
    parameters = card.get("modelParameters") if isinstance(card, dict) else None
    datasets = _list(parameters.get("datasets")) if isinstance(parameters, dict) else []
    by_ref = {c.get("bom-ref"): c for c in components if isinstance(c, dict) and c.get("bom-ref")}
    for i, entry in enumerate(datasets):
        if not isinstance(entry, dict):
            continue
        target = by_ref.get(entry.get("ref"), entry) if "ref" in entry else entry
        name = _text(target.get("name")) if isinstance(target, dict) else None
        if name:
            pointer = f"{where}/modelCard/modelParameters/datasets/{i}"
            out.append(Claim(ClaimKind.DATASET, name, pointer))
    return out


def _file_claims(component: dict[str, Any], where: str) -> list[Claim]:
    name = _text(component.get("name"))
    if name is None:
        return []
    for i, h in enumerate(_list(component.get("hashes"))):
        if isinstance(h, dict) and h.get("alg") == "SHA-256" and _text(h.get("content")):
            digest = str(h["content"]).strip().lower()
            return [Claim(ClaimKind.FILE_DIGEST, digest, f"{where}/hashes/{i}", subject=name)]
    return []
