"""Sources: folders, files and archives, with every escape route refused by a finding."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from openness.errors import TargetError
from openness.limits import DEFAULT_LIMITS
from openness.sources import open_release


def rules(release) -> list[str]:
    return sorted(f.rule_id for f in release.findings)


def test_folder_lists_files_sorted_with_sizes(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.bin").write_bytes(b"12345")
    (tmp_path / "a.txt").write_text("hi")
    with open_release(str(tmp_path), DEFAULT_LIMITS) as release:
        assert [(m.path, m.size) for m in release.members] == [("a.txt", 2), ("b/x.bin", 5)]
        assert release.origin.kind == "folder"
        with release.open("b/x.bin") as f:
            assert f.read() == b"12345"


def test_single_file_target(tmp_path: Path) -> None:
    f = tmp_path / "w.safetensors"
    f.write_bytes(b"abc")
    with open_release(str(f), DEFAULT_LIMITS) as release:
        assert release.origin.kind == "file"
        assert [m.path for m in release.members] == ["w.safetensors"]


def test_missing_target_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="does not exist"):
        open_release(str(tmp_path / "nope"), DEFAULT_LIMITS)


def test_symlink_leaving_the_release_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("do not read")
    root = tmp_path / "release"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    (root / "inside.txt").write_text("ok")
    (root / "alias.txt").symlink_to(root / "inside.txt")
    with open_release(str(root), DEFAULT_LIMITS) as release:
        assert [m.path for m in release.members] == ["alias.txt", "inside.txt"]
        assert rules(release) == ["OPN-SRC-002"]


def test_symlink_loop_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "up").symlink_to(tmp_path)  # folder loop: never followed
    with open_release(str(tmp_path), DEFAULT_LIMITS) as release:
        assert release.members == ()
        assert rules(release).count("OPN-SRC-003") == 2


def test_fifo_is_skipped_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with open_release(str(tmp_path), DEFAULT_LIMITS) as release:
        assert release.members == ()
        assert rules(release) == ["OPN-SRC-006"]


def _zip(path: Path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return path


def test_zip_traversal_absolute_and_symlink_members_are_refused(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "r.zip",
        {
            "ok/config.json": b"{}",
            "../evil.txt": b"x",
            "/abs.txt": b"y",
            "a\\..\\..\\win.txt": b"z",
        },
        symlink="link",
    )
    with open_release(str(archive), DEFAULT_LIMITS) as release:
        assert [m.path for m in release.members] == ["ok/config.json"]
        assert rules(release) == ["OPN-ARC-001"] * 3 + ["OPN-ARC-002"]
        with release.open("ok/config.json") as f:
            assert f.read() == b"{}"
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "bomb.zip", {"zeros.bin": bytes(64 * 1024 * 1024), "fine.txt": b"hello"}
    )
    assert archive.stat().st_size < 1024 * 1024  # it really is a bomb
    with open_release(str(archive), DEFAULT_LIMITS) as release:
        assert [m.path for m in release.members] == ["fine.txt"]
        assert rules(release) == ["OPN-ARC-003"]


def test_wheel_is_read_as_an_archive(tmp_path: Path) -> None:
    wheel = _zip(tmp_path / "pkg-1.0-py3-none-any.whl", {"pkg/model/README.md": b"# hi"})
    with open_release(str(wheel), DEFAULT_LIMITS) as release:
        assert release.origin.kind == "archive"
        assert [m.path for m in release.members] == ["pkg/model/README.md"]


def _tar(path: Path, mode: str, members: dict[str, bytes], links: bool = False) -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        if links:
            sym = tarfile.TarInfo("sym")
            sym.type = tarfile.SYMTYPE
            sym.linkname = "/etc/passwd"
            tf.addfile(sym)
            hard = tarfile.TarInfo("hard")
            hard.type = tarfile.LNKTYPE
            hard.linkname = "../outside"
            tf.addfile(hard)
    return path


@pytest.mark.parametrize("suffix,mode", [(".tar", "w"), (".tar.gz", "w:gz")])
def test_tar_members_and_traversal(tmp_path: Path, suffix: str, mode: str) -> None:
    archive = _tar(
        tmp_path / f"r{suffix}", mode, {"m/config.json": b"{}", "../../up.txt": b"x"}, links=True
    )
    with open_release(str(archive), DEFAULT_LIMITS) as release:
        assert [m.path for m in release.members] == ["m/config.json"]
        assert rules(release) == ["OPN-ARC-001", "OPN-ARC-002", "OPN-ARC-002"]
        with release.open("m/config.json") as f:
            assert f.read() == b"{}"


def test_tar_gz_bomb_stops_listing(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "bomb.tar.gz", "w:gz", {"z1": bytes(40 << 20), "z2": bytes(40 << 20)})
    with open_release(str(archive), DEFAULT_LIMITS) as release:
        assert "OPN-ARC-003" in rules(release)
        assert release.incomplete


def test_truncated_tar_is_incomplete_not_a_crash(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "t.tar", "w", {"a.txt": b"a" * 5000, "b.txt": b"b" * 5000})
    data = archive.read_bytes()
    archive.write_bytes(data[:7000])
    with open_release(str(archive), DEFAULT_LIMITS) as release:
        assert rules(release) == ["OPN-ARC-005"]
        assert release.incomplete == ("archive is truncated or corrupt",)


def test_corrupt_zip_is_a_target_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(TargetError):
        open_release(str(bad), DEFAULT_LIMITS).close()
