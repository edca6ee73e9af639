"""Lineage in `assess`: the closest known base as evidence, license laundering (OPN-LIN-001)
and a card base_model the weights contradict (OPN-LIN-002); the API equals the CLI JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from openness.cli.main import main
from openness.formats import get
from openness.model import Assessment, Severity
from tests.lineage.tiny import card, fine_tuned, save, trained


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Two known bases: a Llama-licensed one and an Apache-2.0 one of the same architecture."""
    root = tmp_path_factory.mktemp("known")
    db = str(root / "lineage.db")
    save(trained(1), root / "restricted-base", card("llama3"))
    save(trained(2), root / "open-base", card("apache-2.0"))
    for name, folder in (
        ("meta/restricted-base", "restricted-base"),
        ("acme/open-base", "open-base"),
    ):
        assert main(["lineage", "index", str(root / folder), "--db", db, "--name", name]) == 0
    return db


def _rules(a: Assessment) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in a.findings:
        if f.rule_id.startswith("OPN-LIN"):
            out.setdefault(f.rule_id, []).append(f.reason)
    return out


def _facts(a: Assessment) -> dict[str, object]:
    return {e.fact: e.value for e in a.evidence if e.fact.startswith("lineage.")}


def test_a_relicensed_derivative_without_base_model_is_flagged(index: str, tmp_path: Path) -> None:
    release = save(fine_tuned(trained(1)), tmp_path / "washed", card("mit"))
    a = openness.assess(str(release), hash_files=False, health=False, lineage_db=index)
    laundering = [f for f in a.findings if f.rule_id == "OPN-LIN-001"]
    assert len(laundering) == 1 and laundering[0].severity is Severity.HIGH
    reason = laundering[0].reason
    assert "from meta/restricted-base" in reason and "released under LicenseRef-llama3" in reason
    assert "this release states MIT" in reason
    assert "names no base model" in reason and "similarity 0.9" in reason
    assert laundering[0].location.file == "model.safetensors"
    facts = _facts(a)
    assert facts["lineage.base"] == "meta/restricted-base"
    assert isinstance(facts["lineage.similarity"], float) and facts["lineage.similarity"] > 0.9
    assert "llama3" in str(facts["lineage.base_license"]).lower()


def test_a_derivative_stating_its_base_and_its_license_is_not_flagged(
    index: str, tmp_path: Path
) -> None:
    release = save(
        fine_tuned(trained(1)), tmp_path / "honest", card("llama3", "meta/restricted-base")
    )
    a = openness.assess(str(release), hash_files=False, health=False, lineage_db=index)
    assert _rules(a) == {}
    assert _facts(a)["lineage.base"] == "meta/restricted-base"


def test_an_independent_model_gets_no_base(index: str, tmp_path: Path) -> None:
    release = save(trained(3), tmp_path / "own", card("mit"))
    a = openness.assess(str(release), hash_files=False, health=False, lineage_db=index)
    assert _rules(a) == {}
    assert _facts(a)["lineage.base"] is None


def test_a_card_naming_the_wrong_base_is_contradicted(index: str, tmp_path: Path) -> None:
    release = save(trained(1), tmp_path / "misnamed", card("llama3", "acme/open-base"))
    a = openness.assess(str(release), hash_files=False, health=False, lineage_db=index)
    rules = _rules(a)
    assert list(rules) == ["OPN-LIN-002"]
    assert (
        "acme/open-base" in rules["OPN-LIN-002"][0]
        and "meta/restricted-base" in rules["OPN-LIN-002"][0]
    )

    release = save(trained(3), tmp_path / "unrelated", card("apache-2.0", "acme/open-base"))
    a = openness.assess(str(release), hash_files=False, health=False, lineage_db=index)
    assert list(_rules(a)) == ["OPN-LIN-002"]
    assert "do not match it" in _rules(a)["OPN-LIN-002"][0]


def test_library_result_equals_the_cli_json(index: str, tmp_path: Path) -> None:
    release = save(fine_tuned(trained(1)), tmp_path / "washed", card("mit"))
    out = tmp_path / "report.json"
    args = ["assess", str(release), "--lineage-db", index, "--format", "json", "-o", str(out)]
    assert main([*args, "--no-hash", "--fail-on", "never"]) == 0
    a = openness.assess(str(release), hash_files=False, lineage_db=index)
    assert get("json")(a) == out.read_text("utf-8")
    assert "OPN-LIN-001" in _rules(a)


def test_weights_that_cannot_be_sampled_leave_lineage_incomplete(
    index: str, tmp_path: Path
) -> None:
    gguf = pytest.importorskip("gguf")
    import numpy as np

    tmp_path.joinpath("README.md").write_text(card("mit"))
    writer = gguf.GGUFWriter(str(tmp_path / "model.gguf"), "llama")
    writer.add_tensor("blk.0.attn_q.weight", np.ones((8, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    a = openness.assess(str(tmp_path), hash_files=False, health=False, lineage_db=index)
    assert not a.complete
    assert any("lineage: signature only" in i for i in a.incomplete)
