from __future__ import annotations

from pathlib import Path

import pytest

from openness.frameworks.card_text import scan_text
from openness.model import Assessment
from openness.pipeline import assess

from .releases import build, weights

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
OPEN_SOURCE_CLAIM = "Llama 3.1 is an open source model that anyone can use."


def llama_release(root: Path, claim: str = "") -> Path:
    root.mkdir()
    card = (CORPUS / "model-cards" / "meta-llama3_1-MODEL_CARD.md").read_text()
    (root / "README.md").write_text(card + ("\n" + claim + "\n" if claim else ""))
    (root / "LICENSE").write_bytes((CORPUS / "licenses" / "meta-llama3_1-LICENSE").read_bytes())
    (root / "USE_POLICY.md").write_bytes(
        (CORPUS / "licenses" / "meta-llama3_2-USE_POLICY.md").read_bytes()
    )
    weights(root / "model.safetensors")
    return root


def framework(a: Assessment, name: str):  # type: ignore[no-untyped-def]
    return next(f for f in a.frameworks if f.framework == name)


@needs_corpus
def test_llama_card_as_released_is_restricted_fails_osaid_and_is_not_openwashing(
    tmp_path: Path,
) -> None:
    a = assess(str(llama_release(tmp_path / "llama")), hash_files=False)
    assert a.license.category == "restricted"
    osaid = framework(a, "osaid")
    assert osaid.verdict == "fail"
    parameters = next(c for c in osaid.components if c.id == "parameters")
    assert parameters.status == "fail" and "restricted" in parameters.rationale
    assert next(c for c in osaid.components if c.id == "any_purpose").status == "fail"
    assert framework(a, "mof").verdict == "not classified"
    # "outperform many of the available open source and closed chat models" is not a self-claim
    assert not [f for f in a.findings if f.rule_id.startswith("OPN-OWS")]
    index = {c.id: c.status for c in framework(a, "osai-index").components}
    # the EU index experts rate a custom restricted license (Llama, Hunyuan, EXAONE) closed
    assert index["end_model_weights"] == "partial" and index["licenses"] == "closed"
    fmti = {c.id: c.status for c in framework(a, "fmti").components}
    assert fmti["compute_hardware"] == "met" and fmti["energy_usage"] == "met"


@needs_corpus
def test_llama_card_calling_itself_open_source_is_openwashing(tmp_path: Path) -> None:
    a = assess(str(llama_release(tmp_path / "llama", OPEN_SOURCE_CLAIM)), hash_files=False)
    found = [f for f in a.findings if f.rule_id == "OPN-OWS-001"]
    assert len(found) == 1
    assert found[0].location.file == "README.md" and found[0].location.line is not None
    assert "restricted" in found[0].trigger  # the other side: the license that restricts


@needs_corpus
def test_creativeml_openrail_m_is_restricted(tmp_path: Path) -> None:
    root = tmp_path / "sd"
    root.mkdir()
    (root / "README.md").write_bytes(
        (CORPUS / "model-cards" / "compvis-sd-MODEL_CARD.md").read_bytes()
    )
    (root / "LICENSE").write_bytes((CORPUS / "licenses" / "compvis-sd-LICENSE").read_bytes())
    weights(root / "model.safetensors")
    a = assess(str(root), hash_files=False)
    assert any("openrail" in (lic.id + lic.name).lower() for lic in a.licenses)
    assert framework(a, "osaid").verdict == "fail"
    weights_status = next(c for c in framework(a, "mof").components if c.id == "final_parameters")
    assert weights_status.status == "restricted"


def test_open_license_release_claiming_open_source_is_not_openwashing(tmp_path: Path) -> None:
    a = assess(
        str(build(tmp_path / "r", "III", claim="This is an open source model.")), hash_files=False
    )
    assert not [f for f in a.findings if f.rule_id.startswith("OPN-OWS")]


def test_fully_open_and_class_claims_are_checked(tmp_path: Path) -> None:
    # the weights are under a non-commercial license: evidence against every class and OSAID
    claim = "A fully open release: MOF Class I. It conforms to the Open Source AI Definition."
    release = build(tmp_path / "r", "III", claim=claim, license="cc-by-nc-4.0")
    a = assess(str(release), hash_files=False)
    rules = sorted(f.rule_id for f in a.findings if f.rule_id.startswith("OPN-OWS"))
    assert rules == ["OPN-OWS-002", "OPN-OWS-004", "OPN-OWS-005"]


def test_claims_are_not_contradicted_by_what_was_not_read(tmp_path: Path) -> None:
    """Under Apache-2.0 with its training code not in the folder (it may be in a repository
    that was not read), "fully open" is unverified, not contradicted: MOF and OSAID say
    unknown, and no openwashing is reported."""
    claim = "A fully open release: MOF Class I. It conforms to the Open Source AI Definition."
    a = assess(str(build(tmp_path / "r", "III", claim=claim)), hash_files=False)
    assert framework(a, "mof").verdict == "Class III"
    assert [f.rule_id for f in a.findings if f.rule_id.startswith("OPN-OWS")] == []


def test_open_weights_in_a_code_repository_are_not_contradicted(tmp_path: Path) -> None:
    """grok-1's GitHub README announces open weights that live on the Hub: a repository of code
    and documents holds no weights, and that is not evidence against the claim."""
    root = tmp_path / "acme+wombat"
    root.mkdir()
    (root / "README.md").write_text("# Wombat\n\nWe release open weights for Wombat.\n")
    (root / "run.py").write_text("print(1)\n")
    a = assess(str(tmp_path), hash_files=False)
    assert [f.rule_id for f in a.findings if f.rule_id.startswith("OPN-OWS")] == []


def test_claims_of_open_weights_without_weights(tmp_path: Path) -> None:
    root = build(tmp_path / "r", None, drop="model.safetensors", claim="We release open weights.")
    a = assess(str(root), hash_files=False)
    assert [f.rule_id for f in a.findings if f.rule_id.startswith("OPN-OWS")] == ["OPN-OWS-003"]


def test_scan_text_finds_claims_and_mentions_at_their_line() -> None:
    facts = list(scan_text("README.md", "# M\nOur open-source model\nTrained on 2T tokens\n"))
    by_fact = {e.fact: e.location.line for e in facts}
    assert by_fact == {"claim.open_source": 2, "card.mentions.data_size": 3}


def test_the_checks_are_data_read_by_the_one_rule_engine() -> None:
    from openness.frameworks.openwashing import load_checks, parse_checks
    from openness.rubrics.engine import RubricError

    ids = {r.outcome for c in load_checks() for r in c.rules.rules} - {"none"}
    assert ids == {f"OPN-OWS-00{i}" for i in range(1, 7)}
    with pytest.raises(RubricError, match="always"):
        parse_checks(
            {"checks": [{"claims": ["claim.osaid"], "rules": [
                {"finding": "OPN-OWS-005", "when": {"fact": "x"}, "because": ""}]}]},
            "bad.yaml",
        )  # fmt: skip
    with pytest.raises(RubricError, match="not allowed"):
        parse_checks(
            {"checks": [{"claims": ["claim.osaid"], "rules": [
                {"finding": "OPN-PKL-001", "when": {"always": True}, "because": ""}]}]},
            "bad.yaml",
        )  # fmt: skip


@pytest.mark.parametrize(
    "line",
    [
        "Join our forum to build fast, truly open-source models for everyone.",
        "We are on a quest towards fully open source AI.",
        "Read [A Guide to the Quest for Fully Open-Source AI](https://example.org/guide).",
        "We aim to release truly open-source models.",
    ],
)
def test_a_projects_aspiration_is_no_claim_about_the_release(line: str) -> None:
    assert not [e for e in scan_text("README.md", f"# M\n{line}\n") if e.fact.startswith("claim.")]


def test_a_statement_about_the_release_is_still_a_claim() -> None:
    text = "# M\nWombat is a fully open model, built to advance research.\n"
    assert [e.fact for e in scan_text("README.md", text)] == ["claim.fully_open"]
    text = "# M\nOur mission is to advance AI, and Wombat is an open-source model.\n"
    assert [e.fact for e in scan_text("README.md", text)] == ["claim.open_source"]
