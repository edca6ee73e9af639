"""The index on both store backends: `openness lineage index` then `match` (JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openness.cli.main import main
from openness.lineage.fingerprint import fingerprint_target
from openness.observatory.lineage_repository import closest, count_fingerprints, save_fingerprint
from openness.observatory.store import open_store
from tests.lineage.tiny import fine_tuned, save, trained


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    base = trained(1)
    return {
        "acme/base": save(base, root / "base"),
        "other/independent": save(trained(2), root / "independent"),
        "derivative": save(fine_tuned(base), root / "derivative"),
        "stranger": save(trained(3), root / "stranger"),
    }


def _match(target: Path, db: str, out: Path) -> dict[str, object]:
    code = main(["lineage", "match", str(target), "--db", db, "--format", "json", "-o", str(out)])
    assert code == 0
    doc: dict[str, object] = json.loads(out.read_text("utf-8"))
    return doc


def test_index_then_match_on_each_backend(
    db_url: str, models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("acme/base", "other/independent"):
        assert main(["lineage", "index", str(models[name]), "--db", db_url, "--name", name]) == 0
    assert "indexed acme/base: " in capsys.readouterr().out
    assert (
        main(["lineage", "index", str(models["acme/base"]), "--db", db_url, "--name", "acme/base"])
        == 0
    )
    assert "re-indexed acme/base" in capsys.readouterr().out
    assert count_fingerprints(open_store(db_url)) == 2

    doc = _match(models["derivative"], db_url, tmp_path / "m.json")
    assert list(doc) == ["matches"]
    matches = doc["matches"]
    assert isinstance(matches, list) and [m["model"] for m in matches] == ["acme/base"]
    assert set(matches[0]) == {"model", "similarity", "evidence"}
    assert matches[0]["similarity"] > 0.9
    assert matches[0]["evidence"]["tensors_compared"] >= 10
    assert matches[0]["evidence"]["confidence"] == "high"

    assert _match(models["stranger"], db_url, tmp_path / "n.json") == {"matches": []}


def test_the_closest_known_models_are_ranked(models: dict[str, Path], tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "x.db"))
    for name in ("acme/base", "other/independent"):
        save_fingerprint(engine, fingerprint_target(str(models[name]), name), "apache-2.0")
    ranked = closest(engine, fingerprint_target(str(models["derivative"])))
    assert ranked[0].model == "acme/base" and ranked[0].comparison.related
    assert all(not k.comparison.related for k in ranked[1:])


def test_name_goes_with_one_target(models: dict[str, Path], tmp_path: Path) -> None:
    args = ["lineage", "index", str(models["acme/base"]), str(models["stranger"]), "--name", "x"]
    assert main([*args, "--db", str(tmp_path / "x.db")]) == 2
