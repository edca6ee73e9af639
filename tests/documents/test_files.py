"""Document kinds by file name; license and policy file evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.documents.files import (
    classify_document,
    license_key,
    read_license_file,
    read_policy_file,
    select_documents,
)
from openness.model import Confidence

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("README.md", "card"),
        ("readme.MD", "card"),
        ("README", "card"),
        ("docs/README.md", None),  # a README below the top is not the card
        ("model_card.md", "card"),
        ("cards/MODEL_CARD.md", "card"),
        ("LICENSE", "license"),
        ("LICENSE.txt", "license"),
        ("LICENCE.md", "license"),
        ("COPYING", "license"),
        ("LICENSE-CODE", "license"),
        ("LICENSE-MODEL", "license"),
        ("LICENSE_weights", "license"),
        ("MODEL_LICENSE", "license"),
        ("model_licenses/LICENSE-SDXL1.0", "license"),
        ("NOTICE", "notice"),
        ("NOTICE.md", "notice"),
        ("USE_POLICY.md", "policy"),
        ("ACCEPTABLE_USE_POLICY.md", "policy"),
        ("USAGE_POLICY", "policy"),
        ("docs/llama-acceptable-use.md", "policy"),
        ("SECURITY.md", "security"),
        ("license_checker.py", None),
        ("licenses.json", None),
        ("config.json", None),
        ("model.safetensors", None),
        ("notices.txt", None),
    ],
)
def test_classify_document(path: str, kind: str | None) -> None:
    assert classify_document(path) == kind


def test_select_documents_prefers_top_level() -> None:
    found = select_documents(["a/b/LICENSE", "LICENSE-MODEL", "x/LICENSE", "README.md", "w.bin"])
    assert found == {
        "license": ("LICENSE-MODEL", "x/LICENSE", "a/b/LICENSE"),
        "card": ("README.md",),
    }


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("LICENSE", None),
        ("LICENSE-CODE", "code"),
        ("LICENSE-MODEL", "model"),
        ("LICENSE_weights", "model"),
        ("MODEL_LICENSE", "model"),
        ("LICENSE-SDXL1.0", None),
    ],
)
def test_license_key(path: str, key: str | None) -> None:
    assert license_key(path) == key


MIT_LIKE = (
    b"MIT License\n\nCopyright (c) 2024 Example\n\n"
    b"Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    b"of this software ...\n\nThe above copyright notice and this permission notice "
    b"shall be included in\nall copies or substantial portions of the Software.\n"
)


def test_read_license_file_recognised() -> None:
    evidence = read_license_file("LICENSE-CODE", MIT_LIKE)
    facts = {e.fact: e for e in evidence}
    assert facts["license_file.present"].value == "LICENSE-CODE"
    assert facts["license_file.present"].location.key == "code"
    spdx = facts["license_file.spdx"]
    # a shortened text is named by its title and phrases only: never HIGH
    assert (spdx.value, spdx.confidence, spdx.location.line) == ("MIT", Confidence.MEDIUM, 1)
    assert spdx.location.key == "code"
    assert "license_file.unrecognised" not in facts


def test_read_license_file_unrecognised_and_hostile() -> None:
    for data in (b"All rights reserved.\n", b"\xff\xfe\x00garbage", b"", b"x" * (8 << 20)):
        evidence = read_license_file("LICENSE", data)
        assert [e.fact for e in evidence] == ["license_file.present", "license_file.unrecognised"]
        assert evidence[1].value == "LICENSE"


def test_read_policy_file() -> None:
    (ev,) = read_policy_file("USE_POLICY.md", b"\n\n# **Example Acceptable Use Policy**\n\nDo not.")
    assert (ev.fact, ev.value, ev.location.line) == ("policy_file.present", "USE_POLICY.md", 3)
    assert ev.note == "Example Acceptable Use Policy"
    (empty,) = read_policy_file("USAGE_POLICY", b"")
    assert empty.fact == "policy_file.present"


@pytest.mark.parametrize(
    "name", ["meta-llama2-USE_POLICY.md", "meta-llama3_2-USE_POLICY.md", "gpt-oss-USAGE_POLICY"]
)
def test_corpus_policies(name: str) -> None:
    path = CORPUS / "licenses" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    kind_name = name.split("-", 2)[-1] if name.startswith("meta") else "USAGE_POLICY"
    assert classify_document(kind_name) == "policy"
    ev, *named = read_policy_file(name, path.read_bytes())
    assert ev.fact == "policy_file.present" and ev.location.line == 1
    assert [e.fact for e in named] == ["policy_file.id"]
