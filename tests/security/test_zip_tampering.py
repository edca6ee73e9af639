"""PyTorch zips read the way PyTorch reads them: header disagreements are findings and the
pickle behind them is still walked."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from openness.limits import Limits
from openness.model import ReaderResult
from openness.readers.pytorch import PytorchZipReader
from tests.security import samples


def _read(path: Path) -> ReaderResult:
    with path.open("rb") as f:
        return PytorchZipReader().read(path.name, path.stat().st_size, f, Limits())


def _rules(result: ReaderResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in result.findings:
        out.setdefault(f.rule_id, []).append(f"{f.location.key} {f.reason}")
    return out


@pytest.mark.parametrize(
    ("sample", "why"),
    [
        (samples.cve_2025_1944_zip_name_mismatch, "local header names it"),
        (samples.cve_2025_1945_zip_flag_bits, "flag bits"),
        (samples.cve_2025_10156_zip_bad_crc, "CRC-32"),
        (samples.duplicate_data_pkl, "share this name"),
    ],
)
def test_tampering_is_reported_and_the_payload_still_found(
    sample: samples.Sample, why: str, tmp_path: Path
) -> None:
    rules = _rules(_read(sample(tmp_path)))
    assert any(why in r for r in rules.get("OPN-ARC-006", [])), rules
    assert any("archive/data.pkl" in r for r in rules["OPN-PKL-001"])


def test_clean_torch_zip_has_no_header_findings(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "m.pt"
    torch.save({"w": torch.ones(3)}, path)
    rules = _rules(_read(path))
    assert set(rules) == {"OPN-PKL-000"}


def _drop_from_central_directory(data: bytes, name: str) -> bytes:
    """Remove one member's central-directory record: only its local header still names it."""
    eocd = data.rindex(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<HII", data, eocd + 10)
    record = cd_offset
    while True:
        assert data[record : record + 4] == b"PK\x01\x02"
        n, m, k = struct.unpack_from("<HHH", data, record + 28)
        length = 46 + n + m + k
        if data[record + 46 : record + 46 + n] == name.encode():
            break
        record += length
    out = bytearray(data[:record] + data[record + length :])
    struct.pack_into("<HHI", out, eocd - length + 8, count - 1, count - 1, cd_size - length)
    return bytes(out)


def test_member_hidden_from_the_central_directory_is_found_and_walked(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("archive/data.pkl", samples.proto(b"}", 2))
        zf.writestr("archive/extra.pkl", samples.proto(samples.exec_body(), 2))
        zf.writestr("archive/version", b"3\n")
    path = tmp_path / "hidden.pt"
    path.write_bytes(_drop_from_central_directory(buffer.getvalue(), "archive/extra.pkl"))
    assert "archive/extra.pkl" not in zipfile.ZipFile(path).namelist()
    rules = _rules(_read(path))
    assert any("archive/extra.pkl" in r for r in rules["OPN-ARC-007"])
    assert any("archive/extra.pkl" in r for r in rules["OPN-PKL-001"])


def test_torchscript_code_is_reported(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")

    class Add(torch.nn.Module):  # type: ignore[misc]
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + 1

    path = tmp_path / "scripted.pt"
    torch.jit.save(torch.jit.script(Add()), str(path))
    rules = _rules(_read(path))
    assert any("/code/" in r for r in rules["OPN-TSC-001"])
