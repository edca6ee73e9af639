"""The CycloneDX object model for an Assessment (cyclonedx-python-lib, imported lazily: the format
registry imports every module in this package when the CLI starts)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..model import Assessment
from . import context
from . import release_facts as rf

if TYPE_CHECKING:
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component

PREFIX = "openness:"


def build_bom(
    a: Assessment, facts: context.ReleaseFacts, created: str | None
) -> tuple[Bom, dict[str, str]]:
    """The BOM and the bom-ref of each dataset component (by dataset name)."""
    from cyclonedx.model import HashAlgorithm, HashType
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.tool import ToolRepository

    files = [
        Component(
            name=f.path,
            type=ComponentType.FILE,
            bom_ref=f"file:{f.path}",
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=f.sha256)] if f.sha256 else None,
            properties=_properties({"format": f.format, "size": str(f.size)}),
        )
        for f in a.files
    ]
    dataset_refs = {name: f"dataset:{name}" for name in facts.datasets}
    datasets = [
        Component(name=name, type=ComponentType.DATA, bom_ref=ref)
        for name, ref in dataset_refs.items()
    ]
    model = _model_component(a, facts)
    tools = ToolRepository(
        components=[
            Component(name="openness", version=a.tool_version, type=ComponentType.APPLICATION)
        ]
    )
    metadata = BomMetaData(
        component=model,
        tools=tools,
        timestamp=datetime.fromisoformat(created) if created else None,
    )
    bom = Bom(components=[*files, *datasets], metadata=metadata, serial_number=facts.uuid)
    bom.register_dependency(model, [*files, *datasets])
    return bom, dataset_refs


def _model_component(a: Assessment, facts: context.ReleaseFacts) -> Component:
    from cyclonedx.model.component import Component, ComponentType, Pedigree

    base = [_base_model(name) for name in facts.base_models]
    return Component(
        name=facts.name,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref="model",
        version=a.origin.revision,
        licenses=_licenses(facts.license),
        external_references=_links(a),
        properties=_properties(_model_properties(a)),
        pedigree=Pedigree(ancestors=base) if base else None,
        tags=list(facts.tags[:100]) or None,
    )


def _base_model(name: str) -> Component:
    from cyclonedx.model.component import Component, ComponentType
    from packageurl import PackageURL

    purl = None
    if rf.is_hub_id(name):
        namespace, _, short = name.partition("/")
        purl = PackageURL(type="huggingface", namespace=namespace, name=short)
    return Component(
        name=name,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=f"base-model:{name}",
        purl=purl,
    )


def _model_properties(a: Assessment) -> dict[str, str]:
    props: dict[str, str] = {}
    if a.summary.parameters is not None:
        props["parameters"] = str(a.summary.parameters)
    if a.summary.formats:
        props["weight-formats"] = ", ".join(a.summary.formats)
    for rating in a.ratings:
        props[f"rating:{rating.attribute.value}"] = rating.level.value
    if a.license.category:
        props["license-category"] = a.license.category
    if a.license.status != "identified":
        props["license-status"] = a.license.status
    if a.license.note:
        props["license-note"] = a.license.note
    props["findings"] = str(len(a.findings))
    props["complete"] = "true" if a.complete else "false"
    return props


def _properties(values: dict[str, str]) -> Any:
    from cyclonedx.model import Property

    return [Property(name=f"{PREFIX}{k}", value=v) for k, v in values.items()] or None


def _licenses(claim: rf.LicenseClaim | None) -> Any:
    from cyclonedx.model import Property, XsUri
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

    if claim is None:
        return None
    if claim.expression is not None:
        if " " in claim.expression:
            return [LicenseExpression(claim.expression)]
        return [DisjunctiveLicense(id=claim.expression, url=_uri(claim.url, XsUri))]
    return [
        DisjunctiveLicense(
            name=claim.name or claim.ref,
            url=_uri(claim.url, XsUri),
            properties=[Property(name=f"{PREFIX}license-ref", value=str(claim.ref))],
        )
    ]


def _links(a: Assessment) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri

    kinds = {
        "code": ExternalReferenceType.VCS,
        "paper": ExternalReferenceType.DOCUMENTATION,
        "dataset": ExternalReferenceType.DISTRIBUTION,
        "model": ExternalReferenceType.WEBSITE,
    }
    out = []
    for link in a.links:
        uri = _uri(link.url, XsUri)
        if uri is not None and link.kind in kinds:
            out.append(
                ExternalReference(type=kinds[link.kind], url=uri, comment=f"{link.kind} link")
            )
    return out or None


def _uri(url: str | None, xs_uri: Any) -> Any:
    from cyclonedx.exception.model import InvalidUriException

    if not url:
        return None
    try:
        return xs_uri(url)
    except (InvalidUriException, ValueError):
        return None
