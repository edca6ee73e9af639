"""The Hub source against the fake Hub, driven through the real huggingface_hub client."""

from __future__ import annotations

import hashlib
import json
import pickle
import struct
from dataclasses import replace
from pathlib import Path

import pytest

import openness
from openness.limits import DEFAULT_LIMITS
from openness.model import Assessment, Attribute, Origin
from openness.serialize import to_data
from tests.helpers import safetensors_bytes, without_places
from tests.hub.conftest import run_openness
from tests.hub.fake_hub import Content, FakeHub, Repo, folder_files

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


def without_source_fields(assessment: Assessment) -> Assessment:
    """Everything but where the release came from: origin and the Hub's own `hub.*` facts."""
    kept = tuple(e for e in assessment.evidence if not e.fact.startswith("hub."))
    return replace(without_places(assessment), origin=Origin("", "", ""), evidence=kept)


def small_model(extra: dict[str, Content] | None = None, card: str = "") -> dict[str, Content]:
    header = {"w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]}}
    files = {
        "README.md": Content.of(card.encode() or b"---\nlicense: apache-2.0\n---\n# m\n"),
        "config.json": Content.of(b'{"model_type": "bert"}'),
        "model.safetensors": Content.of(safetensors_bytes(header, 64)),
    }
    files.update(extra or {})
    return files


def test_minilm_from_the_hub_equals_the_local_folder(
    minilm_dir: Path, fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    repo = fake_hub.add_repo(Repo(MINILM))
    commit = repo.add_commit(folder_files(minilm_dir))
    proc = run_openness(hub_env, "assess", f"hf:{MINILM}", "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    from openness.serialize import assessment_from_data

    remote = assessment_from_data(json.loads(proc.stdout))
    local = openness.assess(str(minilm_dir))
    assert remote.origin.kind == "hub" and remote.origin.revision == commit
    assert remote.origin.path == f"hf:{MINILM}"
    assert to_data(without_source_fields(remote)) == to_data(without_source_fields(local))
    digests = {e.location.file: e for e in remote.evidence if e.fact == "hub.lfs_sha256"}
    assert set(digests) == {"model.safetensors"}
    assert "LFS metadata" in digests["model.safetensors"].note
    (entry,) = [f for f in remote.files if f.path == "model.safetensors"]
    assert entry.sha256 == digests["model.safetensors"].value
    ranged = [r for r in fake_hub.requests if r[1].endswith("model.safetensors")]
    assert ranged and all(r[0] == "GET" and r[2] for r in ranged)  # only range requests


def test_bare_org_name_is_a_hub_target_unless_it_exists_locally(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_hub.add_repo(Repo("acme/tiny")).add_commit(small_model())
    assert openness.assess("acme/tiny").origin.kind == "hub"
    (tmp_path / "acme" / "tiny").mkdir(parents=True)
    (tmp_path / "acme" / "tiny" / "README.md").write_text("# a local copy\n")  # empty: exit 2
    monkeypatch.chdir(tmp_path)
    assert openness.assess("acme/tiny").origin.kind == "folder"


def test_revision_is_pinned_when_the_branch_moves(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    repo = fake_hub.add_repo(Repo("acme/moving"))
    first = repo.add_commit(small_model())
    second_files = small_model({"extra.safetensors": Content.of(safetensors_bytes({}, 0))})
    second = repo.add_commit(second_files, ref="next")

    def move(path: str) -> None:
        if "/resolve/" in path:
            repo.refs["main"] = second  # main moves once the info has been read

    fake_hub.on_request = move
    a = openness.assess("hf:acme/moving")
    assert a.origin.revision == first
    assert {f.path for f in a.files} == set(small_model())
    resolved = [p for _, p, _ in fake_hub.requests if "/resolve/" in p]
    assert resolved and all(f"/resolve/{first}/" in p for p in resolved)
    pinned = openness.assess(f"hf:acme/moving@{second}")
    assert pinned.origin.revision == second and "extra.safetensors" in {
        f.path for f in pinned.files
    }


def test_twenty_gigabytes_of_safetensors_cost_under_two_megabytes(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    files = small_model()
    shard_bytes = 4 * 1024**3
    for i in range(5):
        header = {
            f"layers.{i}.{j}.weight": {
                "dtype": "BF16",
                "shape": [4096, 256],
                "data_offsets": [j * 2 * 4096 * 256, (j + 1) * 2 * 4096 * 256],
            }
            for j in range(shard_bytes // (2 * 4096 * 256))
        }
        raw = json.dumps(header).encode()
        head = struct.pack("<Q", len(raw)) + raw
        claimed = hashlib.sha256(head).hexdigest()  # hashing 4 GB of zeros would be slow
        files[f"model-{i:05d}-of-00005.safetensors"] = Content(
            head, len(head) + shard_bytes, claimed
        )
    fake_hub.add_repo(Repo("acme/big")).add_commit(files)
    a = openness.assess("hf:acme/big")
    total = sum(f.size for f in a.files)
    assert total > 20 * 1024**3
    assert fake_hub.body_bytes < 2 * 1024 * 1024, fake_hub.body_bytes
    assert a.summary.parameters == 5 * shard_bytes // 2 + 16
    assert a.complete


def _danger_pickle() -> bytes:
    # GLOBAL os.system, then REDUCE: what an advisory-grade malicious pickle does
    return b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00echoq\x01\x85q\x02Rq\x03."


def test_pickles_are_not_downloaded_without_deep(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    filler = pickle.dumps(list(range(200_000)), protocol=2)
    files = small_model(
        {"pytorch_model.bin": Content.of(filler), "danger.pkl": Content.of(_danger_pickle())}
    )
    fake_hub.add_repo(Repo("acme/pickled")).add_commit(files)
    a = openness.assess("hf:acme/pickled")
    withheld = {f.location.file for f in a.findings if f.rule_id == "OPN-HUB-001"}
    assert withheld == {"pytorch_model.bin", "danger.pkl"}
    assert not a.complete and any("--deep" in gap for gap in a.incomplete)
    assert not [f for f in a.findings if f.rule_id.startswith("OPN-PKL-00")]
    pickle_bytes = [r for r in fake_hub.requests if r[1].endswith("pytorch_model.bin")]
    assert pickle_bytes == [("GET", pickle_bytes[0][1], "bytes=0-4095")]

    deep = openness.assess(
        "hf:acme/pickled", limits=replace(DEFAULT_LIMITS, max_remote_code_bytes=10 * 1024**2)
    )
    assert "OPN-PKL-001" in {f.rule_id for f in deep.findings}
    assert not [f for f in deep.findings if f.rule_id == "OPN-HUB-001"]
    assert deep.complete


def test_deep_stops_at_the_download_cap_with_a_clear_reason(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    filler = pickle.dumps(list(range(200_000)), protocol=2)
    fake_hub.add_repo(Repo("acme/capped")).add_commit(
        small_model({"pytorch_model.bin": Content.of(filler)})
    )
    a = openness.assess(
        "hf:acme/capped", limits=replace(DEFAULT_LIMITS, max_remote_code_bytes=64 * 1024)
    )
    (unread,) = [f for f in a.findings if f.location.file == "pytorch_model.bin"]
    assert unread.rule_id == "OPN-HUB-002"
    assert f"{len(filler):,} bytes" in unread.reason and "--max-download" in unread.reason
    assert not a.complete
    served = [r for r in fake_hub.requests if r[1].endswith("pytorch_model.bin")]
    assert [r[2] for r in served] == ["bytes=0-4095"]


def test_dataset_cards_feed_transparency_of_inputs(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    card = "---\nlicense: mit\ndatasets:\n- acme/corpus\n- acme/missing\n---\n# m\n"
    fake_hub.add_repo(Repo("acme/model")).add_commit(small_model(card=card))
    data = Repo(
        "acme/corpus",
        kind="dataset",
        card_data={
            "license": "cc-by-4.0",
            "size_categories": ["1M<n<10M"],
            "source_datasets": ["original"],
        },
        extra_info={"description": "Web pages crawled in 2023, deduplicated."},
    )
    data.add_commit({"README.md": Content.of(b"# corpus\n")})
    fake_hub.add_repo(data)
    a = openness.assess("hf:acme/model")
    facts = {(e.fact, e.value) for e in a.evidence if e.fact.startswith("hub.dataset")}
    assert ("hub.dataset.card", "acme/corpus") in facts
    assert ("hub.dataset.license", "cc-by-4.0") in facts
    assert ("hub.dataset.size", ("1M<n<10M",)) in facts
    assert ("hub.dataset.sources", ("original",)) in facts
    assert ("hub.dataset.unavailable", "acme/missing") in facts
    cited = a.rating(Attribute.INPUTS_TRANSPARENCY).evidence
    assert any(e.fact == "data.sources" and e.value == "acme/corpus" for e in cited)


@pytest.mark.parametrize(
    ("own", "base", "drift"),
    [("apache-2.0", "cc-by-nc-4.0", True), ("cc-by-nc-4.0", "apache-2.0", False)],
)
def test_license_drift_from_the_base_model(
    fake_hub: FakeHub, hub_env: dict[str, str], own: str, base: str, drift: bool
) -> None:
    card = f"---\nlicense: {own}\nbase_model: acme/base\n---\n# derived\n"
    fake_hub.add_repo(Repo("acme/derived")).add_commit(small_model(card=card))
    fake_hub.add_repo(Repo("acme/base", card_data={"license": base})).add_commit(small_model())
    a = openness.assess("hf:acme/derived")
    (license_fact,) = [e for e in a.evidence if e.fact == "hub.base_model.license"]
    assert license_fact.value == base
    drifts = [f for f in a.findings if f.rule_id == "OPN-HUB-010"]
    assert bool(drifts) is drift
    if drift:
        assert base in drifts[0].reason and drifts[0].trigger == "acme/base"


def test_the_hubs_security_scan_becomes_findings(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    flagged = {
        "scansDone": True,
        "filesWithIssues": [{"path": "model.safetensors", "level": "unsafe"}],
    }
    fake_hub.add_repo(Repo("acme/flagged", security=flagged)).add_commit(small_model())
    a = openness.assess("hf:acme/flagged")
    (hit,) = [f for f in a.findings if f.rule_id == "OPN-HUB-003"]
    assert hit.location.file == "model.safetensors" and hit.severity.name == "HIGH"
    (scan,) = [e for e in a.evidence if e.fact == "hub.security_scan"]
    assert scan.value == "done" and scan.note.startswith("1 file")
