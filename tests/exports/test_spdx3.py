"""SPDX 3.0.1 JSON-LD: loads back through the library with the AI and dataset packages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import openness
from openness.formats import RenderOptions, get
from tests.exports.golden import check_golden

pytest.importorskip("spdx_python_model")
from spdx_python_model import v3_0_1 as spdx  # noqa: E402


def load(text: str) -> Any:
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)
    return objects


def one(objects: Any, cls: Any) -> Any:
    [item] = list(objects.foreach_type(cls))
    return item


def relationships(objects: Any, kind: str) -> list[Any]:
    wanted = getattr(spdx.RelationshipType, kind)
    return [r for r in objects.foreach_type(spdx.Relationship) if r.relationshipType == wanted]


def test_example_loads_back_with_ai_and_dataset_packages(example: openness.Assessment) -> None:
    text = get("spdx3")(example, RenderOptions())
    check_golden("example.spdx3.jsonld", text)
    assert json.loads(text)["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    objects = load(text)
    doc = one(objects, spdx.SpdxDocument)
    model = one(objects, spdx.ai_AIPackage)
    assert [e._id for e in doc.rootElement] == [model._id]
    assert model.name == "tiny-gpt"  # the card title, not the folder
    assert model.software_primaryPurpose == spdx.software_SoftwarePurpose.model
    assert list(model.ai_typeOfModel) == ["gpt2", "GPT2LMHeadModel"]
    assert list(model.ai_domain) == ["text-generation"]
    assert model.ai_limitation.startswith("The vocabulary has 64 tokens")
    assert "small enough to ship" in model.ai_informationAboutApplication
    hyper = {d.key: d.value for d in model.ai_hyperparameter}
    assert hyper == {"hidden_size": "16", "num_layers": "2", "vocab_size": "64", "dtype": "float16"}
    dataset = one(objects, spdx.dataset_DatasetPackage)
    assert dataset.name == "openness/synthetic-counting"
    [trained] = relationships(objects, "trainedOn")
    assert trained.from_._id == model._id and [t._id for t in trained.to] == [dataset._id]
    [declared] = relationships(objects, "hasDeclaredLicense")
    assert declared.to[0].simplelicensing_licenseExpression == "Apache-2.0"
    files = {f.name: f for f in objects.foreach_type(spdx.software_File)}
    assert sorted(files) == sorted(f.path for f in example.files)
    for entry in example.files:
        [digest] = files[entry.path].verifiedUsing
        assert digest.algorithm == spdx.HashAlgorithm.sha256 and digest.hashValue == entry.sha256
    [contains] = relationships(objects, "contains")
    assert len(contains.to) == len(example.files)


def test_created_time_and_license_ref(make_release: Callable[..., Path]) -> None:
    front = (
        "license: other\nlicense_name: acme-model-license\n"
        "license_link: https://example.com/acme\nbase_model: org/base"
    )
    a = openness.assess(str(make_release(front)))
    objects = load(get("spdx3")(a, RenderOptions(created="2025-01-02T03:04:05+00:00")))
    info = one(objects, spdx.SpdxDocument).creationInfo
    assert info.created.isoformat() == "2025-01-02T03:04:05+00:00"
    expression = one(objects, spdx.simplelicensing_LicenseExpression)
    assert expression.simplelicensing_licenseExpression == "LicenseRef-acme-model-license"
    [(key, url)] = [(d.key, d.value) for d in expression.simplelicensing_customIdToUri]
    assert (key, url) == ("LicenseRef-acme-model-license", "https://example.com/acme")
    [ancestor] = relationships(objects, "ancestorOf")
    assert ancestor.from_.name == "org/base" and ancestor.to[0].name == "release"


def test_minilm_release_loads_back(minilm_dir: Path) -> None:
    a = openness.assess(str(minilm_dir))
    objects = load(get("spdx3")(a, RenderOptions()))
    assert len(list(objects.foreach_type(spdx.dataset_DatasetPackage))) == 21
    assert list(one(objects, spdx.ai_AIPackage).ai_typeOfModel) == ["bert", "BertModel"]
    files = list(objects.foreach_type(spdx.software_File))
    assert len(files) == len(a.files) and all(f.verifiedUsing for f in files)
