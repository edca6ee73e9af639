"""Claims in a Model Openness Tool YAML (github.com/lfai/model_openness_tool, `models/*.yml`).

In MOT, a component listed with a license is one the producer says is released. The checks
keep to what the release itself can confirm or refute: the distribution license, the license
of the final parameters, and whether the weights and the model card are in the release.
"""

from __future__ import annotations

from typing import Any

from .model import Claim, ClaimKind

#: MOT component name -> what its presence claims about the release
COMPONENT_CLAIMS = {
    "model parameters (final)": ClaimKind.WEIGHTS,
    "model card": ClaimKind.MODEL_CARD,
}


def is_mot(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("release"), dict)


def claims(doc: dict[str, Any]) -> list[Claim]:
    release = doc["release"]
    out: list[Claim] = []
    licenses = release.get("license")
    distribution = licenses.get("distribution") if isinstance(licenses, dict) else None
    name = _name(distribution.get("name")) if isinstance(distribution, dict) else None
    if name:
        out.append(Claim(ClaimKind.LICENSE, name, "release.license.distribution.name"))
    components = release.get("components")
    for i, component in enumerate(components if isinstance(components, list) else []):
        if not isinstance(component, dict):
            continue
        title = _name(component.get("name")) or ""
        license_name = _name(component.get("license"))
        if not license_name:
            continue  # MOT lists unreleased components without a license
        where = f"release.components[{i}]"
        kind = COMPONENT_CLAIMS.get(title.lower())
        if kind is not None:
            out.append(Claim(kind, title, f"{where}.name"))
        if kind is ClaimKind.WEIGHTS:
            out.append(Claim(ClaimKind.LICENSE, license_name, f"{where}.license", subject=title))
    return out


def _name(value: Any) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None
