"""PytorchZipReader on real torch.save output, tampered archives and hostile members."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import torch

from openness.errors import FormatError
from openness.limits import Limits
from openness.model import Severity
from openness.readers.pickle.reader import PickleReader
from tests.readers.pickle_helpers import by_rule, read_file, read_torch_zip, unsafe

OS_SYSTEM_P0 = b"cos\nsystem\n(S'touch MARKER'\ntR."


class TiedLM(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(50, 8)
        self.proj = torch.nn.Linear(8, 8).to(torch.float16)
        self.norm = torch.nn.LayerNorm(8).to(torch.bfloat16)
        self.head = torch.nn.Linear(8, 50, bias=False)
        self.head.weight = self.embed.weight  # tied


def _unique_elements(state: dict[str, torch.Tensor]) -> int:
    """Independent count: each distinct storage once, by its size."""
    storages = {
        t.untyped_storage().data_ptr(): t.untyped_storage().nbytes() // t.element_size()
        for t in state.values()
    }
    return sum(storages.values())


def _rewrite_member(src: Path, dst: Path, member_suffix: str, data: bytes | None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith(member_suffix):
                if data is not None:
                    zout.writestr(info, data)
            else:
                zout.writestr(info, zin.read(info))


def test_state_dict_with_tied_weights_counts_shared_storage_once(tmp_path: Path) -> None:
    model = TiedLM()
    state = model.state_dict()
    path = tmp_path / "model.pt"
    torch.save(state, path)
    result = read_torch_zip(path)
    expected = _unique_elements(state)
    assert expected == sum(p.numel() for p in model.parameters())
    assert result.artifact.parameters == expected
    assert result.artifact.complete, result.artifact.note
    assert result.artifact.format == "pytorch-zip"
    names = {t.name: (t.dtype, t.shape) for t in result.tensors}
    assert names["embed.weight"] == ("F32", (50, 8))
    assert names["proj.weight"] == ("F16", (8, 8))
    assert names["norm.weight"] == ("BF16", (8,))
    assert {d.dtype for d in result.artifact.dtypes} == {"F32", "F16", "BF16"}
    facts = {e.fact: e.value for e in result.evidence}
    assert facts["weights.parameters"] == expected
    assert facts["weights.tensors"] == len(result.tensors)
    assert "torch._utils._rebuild_tensor_v2" in [
        e.value for e in result.evidence if e.fact == "pickle.global"
    ]
    assert [f.rule_id for f in result.findings] == ["OPN-PKL-000"]


def test_views_sharing_a_storage_count_it_once(tmp_path: Path) -> None:
    base = torch.arange(24, dtype=torch.float32)
    state = {"row": base[:6], "full": base.view(4, 6), "ints": torch.ones(3, dtype=torch.int64)}
    path = tmp_path / "views.pt"
    torch.save(state, path)
    result = read_torch_zip(path)
    assert result.artifact.parameters == _unique_elements(state) == 27
    assert result.artifact.tensors == 3


def test_parameters_and_float8_dtypes(tmp_path: Path) -> None:
    state = {
        "p": torch.nn.Parameter(torch.ones(2, 2)),
        "f8": torch.zeros(4, dtype=torch.float8_e4m3fn),
    }
    path = tmp_path / "p.pt"
    torch.save(state, path)
    result = read_torch_zip(path)
    assert {t.name: t.dtype for t in result.tensors} == {"p": "F32", "f8": "F8_E4M3"}
    assert result.artifact.parameters == 8


class OwnModel(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.proj = torch.nn.Linear(3, 2)
        self.act = torch.nn.functional.gelu


@pytest.mark.parametrize("legacy", [False, True])
def test_whole_module_pickle_names_its_classes(tmp_path: Path, legacy: bool) -> None:
    """torch.save(model): torch.nn's own classes are safe, the user's class is instantiated only
    (OPN-PKL-006, medium); legacy saves name each class in a ('module', cls, ...) persistent id."""
    path = tmp_path / "whole.pt"
    torch.save(OwnModel(), path, _use_new_zipfile_serialization=not legacy)
    result = read_file(path, PickleReader()) if legacy else read_torch_zip(path)
    assert result.artifact.parameters == 8
    assert {t.name for t in result.tensors} == {"proj.weight", "proj.bias"}
    assert result.artifact.complete, result.artifact.note
    imported = {e.value for e in result.evidence if e.fact == "pickle.global"}
    assert "torch.nn.modules.linear.Linear" in imported
    assert {(f.rule_id, f.trigger) for f in unsafe(result)} == {
        ("OPN-PKL-006", f"{__name__}.OwnModel")
    }


def test_payload_in_data_pkl_is_critical_and_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = tmp_path / "good.pt"
    torch.save({"w": torch.ones(3)}, good)
    evil = tmp_path / "evil.pt"
    _rewrite_member(good, evil, "/data.pkl", b"\x80\x02" + OS_SYSTEM_P0)
    result = read_torch_zip(evil)
    [finding] = by_rule(result, "OPN-PKL-001")
    assert finding.severity is Severity.CRITICAL
    assert finding.trigger == "os.system"
    assert finding.location.offset == 2
    assert finding.location.key == "good/data.pkl"
    assert finding.location.file == str(evil)
    assert not (tmp_path / "MARKER").exists()


def test_truncated_data_pkl_keeps_findings(tmp_path: Path) -> None:
    good = tmp_path / "good.pt"
    torch.save({"w": torch.ones(3)}, good)
    evil = tmp_path / "cut.pt"
    _rewrite_member(good, evil, "/data.pkl", b"\x80\x02" + OS_SYSTEM_P0[:-5])
    result = read_torch_zip(evil)
    assert by_rule(result, "OPN-PKL-001")
    assert not result.artifact.complete


def test_other_pickle_members_are_walked(tmp_path: Path) -> None:
    good = tmp_path / "good.pt"
    torch.save({"w": torch.ones(3)}, good)
    with zipfile.ZipFile(good, "a") as zf:
        zf.writestr("good/constants.pkl", OS_SYSTEM_P0)
    result = read_torch_zip(good)
    [finding] = by_rule(result, "OPN-PKL-001")
    assert finding.location.key == "good/constants.pkl"
    assert result.artifact.parameters == 3


def test_missing_storage_member_is_incomplete(tmp_path: Path) -> None:
    good = tmp_path / "good.pt"
    torch.save({"w": torch.ones(3)}, good)
    broken = tmp_path / "nostorage.pt"
    _rewrite_member(good, broken, "/data/0", None)
    result = read_torch_zip(broken)
    assert not result.artifact.complete
    assert "missing" in result.artifact.note


def test_oversized_data_pkl_is_walked_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    torch.save({f"t{i}": torch.ones(1) for i in range(200)}, path)
    result = read_torch_zip(path, Limits(max_pickle_bytes=512))
    assert not result.artifact.complete
    assert [f.rule_id for f in unsafe(result)] == ["OPN-PKL-004"]  # incomplete, never clean


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"\x00" * 100])
def test_unreadable_archives_raise_format_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(FormatError):
        read_torch_zip(path)


def test_zip_without_data_pkl_raises(tmp_path: Path) -> None:
    path = tmp_path / "plain.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(FormatError, match="data.pkl"):
        read_torch_zip(path)


def test_compressed_and_corrupted_data_pkl_is_a_format_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.pt"
    torch.save({"w": torch.ones(3)}, good)
    packed = tmp_path / "packed.pt"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    assert read_torch_zip(packed).artifact.parameters == 3
    raw = bytearray(packed.read_bytes())
    start = raw.index(b"data.pkl") + len(b"data.pkl")
    for i in range(start, start + 40):
        raw[i] ^= 0x5A
    packed.write_bytes(bytes(raw))
    try:
        result = read_torch_zip(packed)
    except FormatError:
        return
    assert not result.artifact.complete


@pytest.mark.parametrize("legacy", [False, True])
def test_quantized_tensors_are_read_in_both_formats(tmp_path: Path, legacy: bool) -> None:
    """A legacy save writes the quantized tensors' storages like any other: the reader must know
    them (it stopped at 'storage ... has no tensor' before)."""
    state = {
        "q": torch.quantize_per_tensor(torch.randn(4, 4), 0.1, 10, torch.quint8),
        "qc": torch.quantize_per_channel(
            torch.randn(4, 4), torch.full((4,), 0.1), torch.zeros(4), 0, torch.qint8
        ),
    }
    path = tmp_path / "q.pt"
    torch.save(state, path, _use_new_zipfile_serialization=not legacy)
    result = read_file(path, PickleReader()) if legacy else read_torch_zip(path)
    assert result.artifact.complete, result.artifact.note
    assert unsafe(result) == []
    assert {t.name: t.shape for t in result.tensors if t.name in state} == {
        "q": (4, 4),
        "qc": (4, 4),
    }
