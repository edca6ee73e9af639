"""Every place read is listed in the assessment, the JSON and the reports: the release itself,
each `OWNER+NAME/` checkout of a folder of several, each place a manifest names."""

from __future__ import annotations

import json
from pathlib import Path

from openness.formats import RenderOptions, get
from openness.pipeline import assess

from .test_manifest import spread_release


def test_a_folder_of_checkouts_is_read_as_one_place_per_repository(tmp_path: Path) -> None:
    for repo, doc in (("acme+wombat", "README.md"), ("acme+wombat-train", "recipes/README.md")):
        path = tmp_path / repo / doc
        path.parent.mkdir(parents=True)
        path.write_text("# Wombat\n")
    (tmp_path / "acme+wombat" / "LICENSE").write_text("MIT License\n")
    a = assess(str(tmp_path), hash_files=False)
    by_name = {p.name: p for p in a.places}
    assert set(by_name) == {"acme/wombat", "acme/wombat-train"}
    assert by_name["acme/wombat"].kind == "checkout" and by_name["acme/wombat"].files == 2
    assert by_name["acme/wombat-train"].documents == ("acme+wombat-train/recipes/README.md",)
    data = json.loads(get("json")(a, RenderOptions()))
    assert [p["name"] for p in data["places"]] == ["acme/wombat", "acme/wombat-train"]
    for fmt in ("markdown", "terminal"):
        text = get(fmt)(a, RenderOptions(width=200))
        assert "Places read" in text and "acme/wombat-train (checkout" in text, fmt


def test_a_manifest_lists_the_model_and_each_named_place(tmp_path: Path) -> None:
    a = assess(str(spread_release(tmp_path)), hash_files=False)
    roles = {p.name: p.role for p in a.places}
    assert roles == {
        str(tmp_path / "tiny.openness.yaml"): "release",
        "code": "code",
        "paper": "paper",
        "data": "data",
    }
    code = next(p for p in a.places if p.name == "code")
    assert code.prefix == "@code/" and code.files == 7
    assert sum(p.files for p in a.places) == len(a.files)


def test_a_single_folder_is_its_own_place(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Wombat\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n")
    (place,) = assess(str(tmp_path), hash_files=False).places
    assert place.role == "release" and place.files == 2
    assert set(place.documents) == {"README.md", "docs/guide.md"}


def test_every_rating_says_which_places_it_rests_on(tmp_path: Path) -> None:
    manifest = spread_release(tmp_path)
    a = assess(str(manifest), hash_files=False)
    everything = {p.name for p in a.places}
    osai = next(f for f in a.frameworks if f.framework == "osai-index")
    levels = {c.id: c for c in osai.components}
    assert "code" in levels["training_code"].places  # train.py under @code/
    for component in osai.components:
        assert component.places and set(component.places) <= everything
        if not component.evidence:  # judged on absence: every place read
            assert set(component.places) == everything
    assert all(r.places for r in a.ratings)
