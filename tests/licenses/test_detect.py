"""Licenses of whole releases: card metadata, files, READMEs, conflicts, ratings, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openness.cli.main import main
from openness.licenses.detect import applicable_terms, combine, from_card
from openness.model import Attribute, Evidence, Level, Location
from openness.pipeline import assess
from tests.helpers import corpus_license


def _card(license_value: str, extra: str = "", body: str = "# Model\n\nA model.\n") -> str:
    return f"---\nlicense: {license_value}\n{extra}---\n{body}"


def _release(tmp_path: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    return str(tmp_path)


def _card_evidence(value: object, **extra: str) -> list[Evidence]:
    out = [Evidence("card.license", value, Location("README.md", line=2, key="license"))]  # type: ignore[arg-type]
    for key, v in extra.items():
        out.append(Evidence(f"card.{key}", v, Location("README.md", line=3, key=key)))
    return out


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ("apache-2.0", ["Apache-2.0"]),
        ("apache-2.0 OR mit", ["Apache-2.0", "MIT"]),
        ("(mit AND cc-by-nc-4.0)", ["MIT", "CC-BY-NC-4.0"]),
        ("gpl-3.0 WITH GCC-exception-3.1", ["GPL-3.0-only"]),
        (("mit", "llama3.1"), ["MIT", "LicenseRef-llama3.1"]),
        ("llama3.3", ["LicenseRef-llama3.3"]),
        ("made-up-license", ["unknown"]),
        ("mit AND ((", ["unknown"]),
    ],
)
def test_card_expressions(value: object, ids: list[str]) -> None:
    found = from_card(_card_evidence(value))
    assert sorted(lic.id for lic in found) == sorted(ids)
    assert all(lic.via == "card-metadata" for lic in found)


def test_card_other_with_license_name_or_link() -> None:
    (named,) = from_card(_card_evidence("other", license_name="tongyi-qianwen"))
    assert (named.id, named.terms.mau_threshold) == ("LicenseRef-tongyi-qianwen", 100_000_000)
    (linked,) = from_card(_card_evidence("other", license_link="https://ai.google.dev/gemma/terms"))
    assert (linked.id, linked.via) == ("LicenseRef-gemma", "card-link")
    (unknown,) = from_card(_card_evidence("other", license_name="acme-license"))
    assert (unknown.id, unknown.name) == ("unknown", "acme-license")


def test_one_object_per_license_citing_every_place() -> None:
    card = from_card(_card_evidence("mit"))
    twice = combine([*card, *card])
    assert len(twice) == 1


def test_applicable_terms_take_the_strictest() -> None:
    found = from_card(_card_evidence("mit AND llama2"))
    terms = applicable_terms(found)
    assert terms is not None
    assert (terms.commercial_use, terms.mau_threshold, terms.use_restrictions) == (
        "conditional",
        700_000_000,
        True,
    )
    assert applicable_terms(from_card(_card_evidence("made-up"))) is None


def test_release_with_code_and_model_licenses(tmp_path: Path) -> None:
    target = _release(
        tmp_path,
        {
            "README.md": _card("other", "license_name: deepseek\nlicense_link: LICENSE-MODEL\n"),
            "LICENSE-CODE": corpus_license("deepseek-v3-LICENSE-CODE"),
            "LICENSE-MODEL": corpus_license("deepseek-v3-LICENSE-MODEL"),
        },
    )
    a = assess(target, hash_files=False)
    by_id = {lic.id: lic for lic in a.licenses}
    assert set(by_id) == {"LicenseRef-deepseek", "MIT"}
    assert by_id["MIT"].scope == "code" and by_id["LicenseRef-deepseek"].scope == "model"
    deepseek = by_id["LicenseRef-deepseek"]
    assert deepseek.source.file == "LICENSE-MODEL" and deepseek.also_in[0].file == "README.md"
    assert not [f for f in a.findings if f.rule_id.startswith("OPN-LIC")]
    assert a.license.name == deepseek.name  # LicenseInfo agrees with the license objects
    rating = a.rating(Attribute.OPEN_LICENSE)
    assert rating.level is Level.PARTIAL
    assert {e.fact for e in rating.evidence} >= {"license.category"}


def test_openwashing_card_says_apache_file_says_llama(tmp_path: Path) -> None:
    target = _release(
        tmp_path,
        {"README.md": _card("apache-2.0"), "LICENSE": corpus_license("meta-llama3-LICENSE")},
    )
    a = assess(target, hash_files=False)
    (wash,) = [f for f in a.findings if f.rule_id == "OPN-LIC-003"]
    assert wash.location.file == "LICENSE" and "README.md:2" in wash.trigger
    assert "Apache-2.0" in wash.reason and "LicenseRef-llama3" in wash.reason
    # the rating reads the binding terms, not the card's claim
    assert a.rating(Attribute.OPEN_LICENSE).level is Level.PARTIAL
    facts = {e.fact: e.value for e in a.evidence if e.fact.startswith("license.terms.")}
    assert facts["license.terms.commercial_use"] == "conditional"
    assert facts["license.terms.mau_threshold"] == 700_000_000


def test_card_and_file_name_different_licenses(tmp_path: Path) -> None:
    target = _release(
        tmp_path,
        {"README.md": _card("llama3.1"), "LICENSE": corpus_license("meta-llama3_2-LICENSE")},
    )
    a = assess(target, hash_files=False)
    (diff,) = [f for f in a.findings if f.rule_id == "OPN-LIC-002"]
    assert "LicenseRef-llama3.1" in diff.reason and "LicenseRef-llama3.2" in diff.reason


def test_noncommercial_license_closes_the_attribute(tmp_path: Path) -> None:
    target = _release(
        tmp_path, {"README.md": _card("other"), "LICENSE": corpus_license("bfl-flux1-dev-LICENSE")}
    )
    a = assess(target, hash_files=False)
    assert a.rating(Attribute.OPEN_LICENSE).level is Level.CLOSED
    (flux,) = a.licenses
    assert flux.version == "1.1.1" and flux.terms.commercial_use == "prohibited"


def test_modified_license_file_is_a_finding(tmp_path: Path) -> None:
    text = corpus_license("meta-llama2-LICENSE").replace("700 million", "7 billion")
    target = _release(tmp_path, {"README.md": _card("llama2"), "LICENSE": text})
    a = assess(target, hash_files=False)
    modified, changed = [f for f in a.findings if f.rule_id == "OPN-LIC-004"]
    assert "LicenseRef-llama2" in modified.reason and modified.location.file == "LICENSE"
    # one finding per changed term, at the clause's line, catalogued vs found
    assert "mau threshold" in changed.reason and "700000000" in changed.reason
    assert "7000000000" in changed.reason and changed.location.line == 67
    unknown = [lic for lic in a.licenses if lic.id == "unknown"]
    assert unknown and unknown[0].candidates[0].id == "LicenseRef-llama2"
    # the verdict carries the terms read from the text, not the card's profile
    assert a.license.terms is not None and a.license.terms.mau_threshold == 7_000_000_000


def test_license_appended_to_a_readme(tmp_path: Path) -> None:
    body = "# Model\n\nA model.\n\n## License\n\n" + corpus_license("deepseek-v3-LICENSE-CODE")
    target = _release(tmp_path, {"README.md": _card("mit", body=body)})
    a = assess(target, hash_files=False)
    (mit,) = a.licenses
    assert mit.id == "MIT" and mit.via == "text"
    assert mit.source.file == "README.md" and mit.source.key == "license-section"


def test_readme_license_section_pointing_to_a_url(tmp_path: Path) -> None:
    body = "# Model\n\n## License\n\nPlease refer to https://ai.google.dev/gemma/terms.\n"
    (tmp_path / "README.md").write_text(body, "utf-8")
    a = assess(str(tmp_path), hash_files=False)
    (gemma,) = a.licenses
    assert (gemma.id, gemma.via, gemma.source.line) == ("LicenseRef-gemma", "pointer", 5)


def test_cli_license_json_and_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "LICENSE"
    path.write_text(corpus_license("qwen-tongyi-LICENSE"), "utf-8")
    assert main(["license", str(path), "--format", "json"]) == 0
    (obj,) = json.loads(capsys.readouterr().out)
    assert obj["id"] == "LicenseRef-tongyi-qianwen" and obj["version"] == "2023-08-03"
    assert obj["source"] == {"file": "LICENSE", "line": 1, "offset": None, "key": None}
    assert obj["terms"]["mau_threshold"] == 100_000_000
    assert obj["terms"]["output_training_restricted"] is True
    assert 0.95 <= obj["confidence"] <= 1 and obj["osi_approved"] is False
    assert main(["license", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Tongyi Qianwen License Agreement" in out and "100,000,000" in out


def test_cli_license_on_a_release_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["license", "--example", "--format", "json"]) == 0
    ids = [o["id"] for o in json.loads(capsys.readouterr().out)]
    assert ids == ["Apache-2.0"]
    assert main(["license", str(tmp_path / "missing")]) == 2
    (tmp_path / "LICENSE").write_bytes(b"\xff\xfe garbage")
    assert main(["license", str(tmp_path / "LICENSE")]) == 0
    assert "unknown" in capsys.readouterr().out
