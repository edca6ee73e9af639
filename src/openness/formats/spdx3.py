"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles: the model as an `ai_AIPackage`, each
named training dataset as a `dataset_DatasetPackage`, every file with its SHA-256.

Built with spdx-python-model (`pip install openness[exports]`), imported only when rendering.
Element ids are URNs derived from the release content, so the same release gives the same
document; the creation time is `RenderOptions.created` (the CLI passes the current time) or the
Unix epoch when none is given, which keeps golden files reproducible.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from ..errors import OpennessError
from ..model import Assessment
from . import context, origin_urls
from . import release_facts as rf
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "spdx3"
SPEC_VERSION = "3.0.1"
_HYPERPARAMETERS = ("config.hidden_size", "config.num_layers", "config.vocab_size", "config.dtype")
#: the profiles whose classes and properties the document uses
PROFILES = ("core", "software", "simpleLicensing", "ai", "dataset")


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    try:
        from spdx_python_model import v3_0_1 as spdx
    except ImportError:
        raise OpennessError(
            "--format spdx3 needs spdx-python-model: pip install 'openness[exports]'"
        ) from None
    objects = _Builder(a, spdx, _created(options.created)).build()
    out = io.BytesIO()
    spdx.JSONLDSerializer().write(objects, out, indent=2)
    return out.getvalue().decode("utf-8") + "\n"


def _created(text: str | None) -> datetime:
    if text is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    stamp = datetime.fromisoformat(text)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


class _Builder:
    def __init__(self, a: Assessment, spdx: Any, created: datetime) -> None:
        self.a, self.spdx = a, spdx
        self.facts = context.build(a).release
        self.base = f"urn:openness:{self.facts.uuid}"
        self.elements: list[Any] = []
        self.info = spdx.CreationInfo(specVersion=SPEC_VERSION, created=created)
        agent = self._add(spdx.SoftwareAgent, "agent", name=f"openness {a.tool_version}")
        self.info.createdBy = [agent]
        self.relation_count = 0
        self.organizations: dict[str, Any] = {}

    def _add(self, cls: Any, local_id: str, **fields: Any) -> Any:
        element = cls(_id=f"{self.base}:{local_id}", creationInfo=self.info, **fields)
        self.elements.append(element)
        return element

    def _relate(self, source: Any, kind: str, targets: list[Any]) -> None:
        if targets:
            self.relation_count += 1
            self._add(
                self.spdx.Relationship,
                f"relationship:{self.relation_count}",
                from_=source,
                relationshipType=getattr(self.spdx.RelationshipType, kind),
                to=targets,
            )

    def build(self) -> Any:
        spdx, a = self.spdx, self.a
        model = self._model()
        files = [self._file(i, f.path, f.sha256) for i, f in enumerate(a.files)]
        self._relate(model, "contains", files)
        datasets = [self._dataset(i, name) for i, name in enumerate(self.facts.datasets)]
        self._relate(model, "trainedOn", datasets)
        bases = [
            self._add(
                spdx.ai_AIPackage,
                f"base-model:{i}",
                name=name,
                software_primaryPurpose=spdx.software_SoftwarePurpose.model,
            )
            for i, name in enumerate(self.facts.base_models)
        ]
        for base in bases:
            self._relate(base, "ancestorOf", [model])
        self._license(model)
        document = spdx.SpdxDocument(
            _id=f"{self.base}:document",
            creationInfo=self.info,
            name=f"openness assessment of {self.facts.name}",
            rootElement=[model],
            element=list(self.elements),
            profileConformance=[getattr(spdx.ProfileIdentifierType, p) for p in PROFILES],
        )
        objects = spdx.SHACLObjectSet()
        for element in [document, *self.elements]:
            objects.add(element)
        return objects

    def _model(self) -> Any:
        spdx, a, facts = self.spdx, self.a, self.facts
        fields: dict[str, Any] = {
            "name": facts.name,
            "software_primaryPurpose": spdx.software_SoftwarePurpose.model,
            "summary": _summary(a),
        }
        if a.origin.revision:
            fields["software_packageVersion"] = a.origin.revision
        fields |= self._published(a)
        kind = [k for k in (facts.model_type, facts.architecture) if k]
        if kind:
            fields["ai_typeOfModel"] = list(dict.fromkeys(kind))
        if facts.task:
            fields["ai_domain"] = [facts.task]
        texts = {
            "ai_informationAboutApplication": facts.uses,
            "ai_limitation": facts.limitations,
            "ai_informationAboutTraining": facts.training,
        }
        fields |= {k: "\n\n".join(v) for k, v in texts.items() if v}
        hyper = [
            spdx.DictionaryEntry(key=fact.removeprefix("config."), value=str(e.value))
            for fact in _HYPERPARAMETERS
            if (e := rf.first(a, fact)) is not None
        ]
        if hyper:
            fields["ai_hyperparameter"] = hyper
        metrics = [spdx.DictionaryEntry(key=rf_metric_key(m), value=m.value) for m in facts.metrics]
        if metrics:
            fields["ai_metric"] = metrics
        return self._add(spdx.ai_AIPackage, "model", **fields)

    def _published(self, a: Assessment) -> dict[str, Any]:
        """Where the release can be downloaded, who supplies it and when it was released: known
        for Hub and GitHub releases (their namespace or owner, the pinned revision), not for a
        local folder."""
        repo = origin_urls.repository(a)
        if repo is None:
            return {}
        fields: dict[str, Any] = {"software_downloadLocation": repo.at_revision("tree").rstrip("/")}
        supplier = next(iter(rf.strings(a, "hub.author")), repo.owner)
        fields["suppliedBy"] = self._organization(supplier)
        released = _time(next(iter(rf.strings(a, "hub.last_modified")), None))
        if released is not None:
            fields["releaseTime"] = released
        return fields

    def _dataset(self, index: int, name: str) -> Any:
        spdx, a = self.spdx, self.a
        fields: dict[str, Any] = {
            "name": name,
            "software_primaryPurpose": spdx.software_SoftwarePurpose.data,
            "dataset_datasetType": [spdx.dataset_DatasetType.noAssertion],
        }
        read = any(e.fact == "hub.dataset.card" and e.value == name for e in a.evidence)
        if read:  # a dataset found on the Hub: its namespace made it, its page is its home
            author = _noted(a, "hub.dataset.author", name) or name.split("/", 1)[0]
            fields["originatedBy"] = [self._organization(author)]
            fields["software_downloadLocation"] = f"https://huggingface.co/datasets/{name}"
            built = _time(_noted(a, "hub.dataset.last_modified", name))
            if built is not None:
                fields["builtTime"] = built
        return self._add(spdx.dataset_DatasetPackage, f"dataset:{index}", **fields)

    def _organization(self, name: str) -> Any:
        if name not in self.organizations:
            local = f"organization:{len(self.organizations)}"
            self.organizations[name] = self._add(self.spdx.Organization, local, name=name)
        return self.organizations[name]

    def _file(self, index: int, path: str, sha256: str | None) -> Any:
        spdx = self.spdx
        hashes = (
            [spdx.Hash(algorithm=spdx.HashAlgorithm.sha256, hashValue=sha256)] if sha256 else []
        )
        return self._add(spdx.software_File, f"file:{index}", name=path, verifiedUsing=hashes)

    def _license(self, model: Any) -> None:
        spdx = self.spdx
        claim = self.facts.license
        if claim is None:
            return
        fields: dict[str, Any] = {
            "simplelicensing_licenseExpression": claim.expression or claim.ref,
        }
        if claim.name:
            fields["name"] = claim.name
        if claim.note:
            fields["comment"] = f"license {claim.status}: {claim.note}"
        if claim.ref and claim.url:
            fields["simplelicensing_customIdToUri"] = [
                spdx.DictionaryEntry(key=claim.ref, value=claim.url)
            ]
        expression = self._add(spdx.simplelicensing_LicenseExpression, "license", **fields)
        # a verdict that overrides the card (a conflict) is concluded, not what was declared
        relation = "hasDeclaredLicense" if claim.status != "conflict" else "hasConcludedLicense"
        self._relate(model, relation, [expression])


def _noted(a: Assessment, fact: str, note: str) -> str | None:
    return next((str(e.value) for e in a.evidence if e.fact == fact and e.note == note), None)


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def rf_metric_key(m: rf.Metric) -> str:
    return " / ".join(part for part in (m.metric or "unnamed", m.task, m.dataset) if part)


def _summary(a: Assessment) -> str:
    levels = ", ".join(f"{r.attribute.label}: {r.level.value}" for r in a.ratings)
    return f"openness assessment: {levels}; {len(a.findings)} findings"
