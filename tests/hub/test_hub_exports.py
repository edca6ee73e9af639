"""SPDX 3 from a Hub release: the AI and Dataset fields the 3.0.1 model asks for, filled from what
the Hub says (namespace, revision, commit times) and left out for a local folder."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import openness
from openness.formats import RenderOptions, get
from tests.hub.fake_hub import Content, FakeHub, Repo
from tests.hub.test_hub_release import small_model

pytest.importorskip("spdx_python_model")
from spdx_python_model import v3_0_1 as spdx  # noqa: E402

CARD = "---\nlicense: mit\ndatasets:\n- acme/corpus\n- other/unread\n---\n# m\n"


def _load(text: str) -> Any:
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)
    return objects


def test_spdx3_ai_and_dataset_fields_from_the_hub(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    model = Repo(
        "acme/model", extra_info={"author": "acme", "lastModified": "2026-03-04T05:06:07.000Z"}
    )
    commit = fake_hub.add_repo(model).add_commit(small_model(card=CARD))
    corpus = Repo(
        "acme/corpus", kind="dataset", extra_info={"lastModified": "2025-01-02T00:00:00Z"}
    )
    corpus.add_commit({"README.md": Content.of(b"# corpus\n")})
    fake_hub.add_repo(corpus)
    text = get("spdx3")(openness.assess("hf:acme/model"), RenderOptions())
    doc = json.loads(text)["@graph"]
    [document] = [e for e in doc if e["type"] == "SpdxDocument"]
    assert set(document["profileConformance"]) == {
        "core",
        "software",
        "simpleLicensing",
        "ai",
        "dataset",
    }
    objects = _load(text)
    [package] = objects.foreach_type(spdx.ai_AIPackage)
    assert package.software_packageVersion == commit
    assert package.software_downloadLocation == f"https://huggingface.co/acme/model/tree/{commit}"
    assert package.suppliedBy.name == "acme"
    assert package.releaseTime == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    datasets = {d.name: d for d in objects.foreach_type(spdx.dataset_DatasetPackage)}
    read, unread = datasets["acme/corpus"], datasets["other/unread"]
    assert [o.name for o in read.originatedBy] == ["acme"]
    assert read.builtTime == datetime(2025, 1, 2, tzinfo=UTC)
    assert read.software_downloadLocation == "https://huggingface.co/datasets/acme/corpus"
    # named in the card but not found on the Hub: nothing about it is guessed
    assert not unread.originatedBy and unread.builtTime is None
    assert unread.software_downloadLocation is None


def test_a_local_folder_states_no_supplier_location_or_time(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    for name, content in small_model(card=CARD).items():
        (folder / name).write_bytes(content.head)
    objects = _load(get("spdx3")(openness.assess(str(folder)), RenderOptions()))
    [package] = objects.foreach_type(spdx.ai_AIPackage)
    assert package.suppliedBy is None and package.releaseTime is None
    assert package.software_downloadLocation is None
