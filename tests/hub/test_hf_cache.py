"""A release downloaded by huggingface_hub into its cache (snapshots of links into blobs/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openness
from openness.serialize import to_data
from tests.helpers import without_places
from tests.hub.fake_hub import FakeHub, Repo
from tests.hub.test_hub_release import small_model


def _download(fake_hub: FakeHub, tmp_path: Path) -> Path:
    """Each file by the real client, into its cache layout (what snapshot_download builds)."""
    from huggingface_hub import hf_hub_download

    fake_hub.add_repo(Repo("acme/tiny")).add_commit(small_model())
    paths = [
        Path(hf_hub_download("acme/tiny", name, cache_dir=str(tmp_path / "cache")))
        for name in small_model()
    ]
    return paths[0].parent


def _files(a: openness.Assessment) -> list[tuple[str, int, str | None]]:
    return [(f.path, f.size, f.sha256) for f in a.files]


def test_a_cache_snapshot_reads_like_the_plain_folder(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    snapshot = _download(fake_hub, tmp_path)
    assert all((snapshot / f).is_symlink() for f in ("README.md", "model.safetensors"))
    plain = tmp_path / "plain"
    shutil.copytree(snapshot, plain)  # follows the links: real files
    cached, copied = openness.assess(str(snapshot)), openness.assess(str(plain))
    assert _files(cached) == _files(copied) and len(cached.files) == 3
    assert not [f for f in cached.findings if f.rule_id.startswith("OPN-SRC")]
    assert to_data(without_places(cached).ratings) == to_data(without_places(copied).ratings)
    assert cached.origin.path == str(snapshot.resolve())


def test_the_cached_repository_folder_means_its_main_snapshot(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    snapshot = _download(fake_hub, tmp_path)
    repo_folder = snapshot.parent.parent
    assert repo_folder.name == "models--acme--tiny"
    found = openness.assess(str(repo_folder))
    assert found.origin.path == str(snapshot.resolve())
    assert [f.path for f in found.files] == sorted(small_model())


def test_links_out_of_the_cached_repository_are_still_refused(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    snapshot = _download(fake_hub, tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("not part of the release")
    os.symlink(outside, snapshot / "leak.txt")
    other_repo_blob = tmp_path / "cache" / "models--other--repo" / "blobs"
    other_repo_blob.mkdir(parents=True)
    (other_repo_blob / "abc").write_text("another repository's blob")
    os.symlink(other_repo_blob / "abc", snapshot / "borrowed.txt")
    found = openness.assess(str(snapshot))
    refused = {f.location.file for f in found.findings if f.rule_id == "OPN-SRC-002"}
    assert refused == {"leak.txt", "borrowed.txt"}
    assert "leak.txt" not in [f.path for f in found.files]
