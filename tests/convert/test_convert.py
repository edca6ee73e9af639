"""Conversion is bit-exact against torch.load on real checkpoints, and never runs a pickle."""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from openness.convert import ConversionRefused, plan_conversion, write_safetensors
from tests.helpers import run_cli


def convert(source: Path) -> Path:
    out = source.with_suffix(".safetensors")
    with source.open("rb") as stream:
        plan = plan_conversion(str(source), stream, source.stat().st_size)
        with out.open("wb") as f:
            write_safetensors(plan, f, {"format": "pt"})
    return out


def raw(t: torch.Tensor) -> bytes:
    return bytes(t.clone(memory_format=torch.contiguous_format).untyped_storage())


def assert_bit_exact(expected: dict[str, torch.Tensor], out: Path) -> None:
    got = load_file(str(out))
    assert sorted(got) == sorted(expected)
    for name, ref in expected.items():
        assert got[name].dtype == ref.dtype, name
        assert got[name].shape == ref.shape, name
        assert raw(got[name]) == raw(ref), name


class Tied(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = torch.nn.Embedding(50, 16)
        self.head = torch.nn.Linear(16, 50, bias=False)
        self.head.weight = self.emb.weight  # tied
        self.conv = torch.nn.Conv2d(3, 8, 3)
        self.lstm = torch.nn.LSTM(16, 12, num_layers=2)
        self.enc = torch.nn.TransformerEncoderLayer(16, 4, 32)


def state_dict(legacy: bool) -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    sd: dict[str, torch.Tensor] = dict(Tied().state_dict())
    base = torch.arange(60, dtype=torch.float32).reshape(6, 10)
    sd["view.transposed"] = base.t()  # non-contiguous
    sd["view.rows"] = base[2:4]  # storage offset
    sd["view.strided"] = base[1:5:2, ::3]  # offset and strides
    sd["view.whole"] = base
    sd["dtype.f16"] = torch.randn(4, 5).half()
    sd["dtype.bf16"] = torch.randn(7).bfloat16().t()
    sd["dtype.f64"] = torch.randn(3, 2).double()
    sd["dtype.i64"] = torch.arange(-5, 5)
    sd["dtype.i8"] = torch.arange(-5, 5, dtype=torch.int8)
    sd["dtype.bool"] = torch.rand(9) > 0.5
    sd["dtype.nan"] = torch.tensor([float("nan"), float("-inf"), -0.0])
    sd["scalar"] = torch.tensor(3.5)
    sd["empty"] = torch.zeros(0, 4)
    if not legacy:  # torch.load cannot read float8 from a legacy file
        sd["dtype.f8e4m3"] = torch.randn(5).to(torch.float8_e4m3fn)
        sd["dtype.f8e5m2"] = torch.randn(2, 3).to(torch.float8_e5m2)
        sd["dtype.u16"] = torch.arange(6, dtype=torch.int32).to(torch.uint16)
    return sd


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_state_dict_is_bit_exact(tmp_path: Path, legacy: bool) -> None:
    path = tmp_path / "pytorch_model.bin"
    torch.save(state_dict(legacy), path, _use_new_zipfile_serialization=not legacy)
    expected = torch.load(path, weights_only=True)
    assert_bit_exact(expected, convert(path))


def test_parameters_and_nested_checkpoint(tmp_path: Path) -> None:
    torch.manual_seed(1)
    lin = torch.nn.Linear(4, 3)
    ckpt = {"model": {"w": lin.weight, "b": lin.bias}, "step": 7, "layers": [torch.ones(2)]}
    path = tmp_path / "ckpt.pt"
    torch.save(ckpt, path)
    with path.open("rb") as stream:
        plan = plan_conversion(str(path), stream, path.stat().st_size)
    assert plan.dropped == ["step"]
    loaded = torch.load(path, weights_only=True)
    expected = {"model.w": loaded["model"]["w"].detach(), "model.b": loaded["model"]["b"].detach()}
    expected["layers.0"] = loaded["layers"][0]
    assert_bit_exact(expected, convert(path))


def test_tied_weights_are_copied_per_name(tmp_path: Path) -> None:
    path = tmp_path / "tied.bin"
    torch.save(Tied().state_dict(), path)
    with path.open("rb") as stream:
        plan = plan_conversion(str(path), stream, path.stat().st_size)
    shared = plan.shared_storages()
    assert sorted(sum(shared.values(), [])) == ["emb.weight", "head.weight"]


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_numpy_pickles(tmp_path: Path, protocol: int) -> None:
    rng = np.random.default_rng(0)
    arrays = {
        "c": np.arange(12, dtype=np.float32).reshape(3, 4),
        "fortran": np.asfortranarray(rng.random((3, 5))),
        "transposed": np.arange(6, dtype=np.int16).reshape(2, 3).T,
        "big": rng.random(300_000),  # over the walker's string cap: read back by offset
        "flags": rng.random(5) > 0.5,
        "u8": np.arange(7, dtype=np.uint8),
    }
    path = tmp_path / "arrays.pkl"
    path.write_bytes(pickle.dumps({"arrays": arrays, "note": "x"}, protocol=protocol))
    expected = {f"arrays.{k}": torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}
    assert_bit_exact(expected, convert(path))


def test_single_array_pickle(tmp_path: Path) -> None:
    path = tmp_path / "one.pkl"
    path.write_bytes(pickle.dumps(np.arange(5, dtype=np.int64)))
    assert_bit_exact({"array": torch.arange(5)}, convert(path))


def test_pure_python_gather_matches_numpy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openness.convert import strided

    monkeypatch.setattr(strided, "_have_numpy", lambda: False)
    base = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5)
    sd = {"p": base.permute(2, 0, 1), "s": base[:, 1:3, ::2], "t": base[1].t()}
    path = tmp_path / "views.pt"
    torch.save(sd, path)
    assert_bit_exact(sd, convert(path))


# -- refusals: nothing from the file may run ----------------------------------------------------


def malicious_pickle(marker: Path) -> bytes:
    """Raw opcodes for os.system('touch MARKER') (the classic CVE-style pickle payload)."""
    command = f"touch {marker}".encode()
    return b"\x80\x02cos\nsystem\n" + b"X" + struct.pack("<I", len(command)) + command + b"\x85R."


def test_malicious_pickle_is_refused_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    path = tmp_path / "evil.pkl"
    path.write_bytes(malicious_pickle(marker))
    result = run_cli("convert", str(path), "-o", str(tmp_path / "out.safetensors"))
    assert result.returncode == 1, result.stderr
    assert "os.system" in result.stderr and "not an allowlisted" in result.stderr
    assert not marker.exists()
    assert not (tmp_path / "out.safetensors").exists()
    assert not (tmp_path / "out.safetensors.partial").exists()


def test_malicious_data_pkl_in_torch_zip_is_refused(tmp_path: Path) -> None:
    import zipfile

    marker = tmp_path / "MARKER"
    path = tmp_path / "evil.bin"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", malicious_pickle(marker))
        zf.writestr("archive/byteorder", "little")
    with path.open("rb") as stream, pytest.raises(ConversionRefused) as info:
        plan_conversion(str(path), stream, path.stat().st_size)
    assert info.value.unsafe and "os.system" in str(info.value)
    assert not marker.exists()


def test_popped_dangerous_call_is_still_refused(tmp_path: Path) -> None:
    """A payload whose result is discarded still runs on load: refuse any unlisted global."""
    marker = tmp_path / "MARKER"
    inner = malicious_pickle(marker)[2:-1]  # GLOBAL ... REDUCE without STOP
    data = b"\x80\x02" + inner + b"0" + pickle.dumps(np.arange(3), protocol=2)[2:]
    path = tmp_path / "sneaky.pkl"
    path.write_bytes(data)
    with path.open("rb") as stream, pytest.raises(ConversionRefused) as info:
        plan_conversion(str(path), stream, path.stat().st_size)
    assert info.value.unsafe
    assert not marker.exists()


def test_full_module_pickle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 2), path)
    result = run_cli("convert", str(path), "-o", str(tmp_path / "out.safetensors"))
    assert result.returncode == 1
    assert "torch.nn.modules.linear.Linear" in result.stderr


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (pickle.dumps(np.array(["a", "b"], dtype=object), protocol=4), "object"),
        (pickle.dumps(np.array([1 + 2j], dtype=np.complex128)), "no safetensors equivalent"),
        (pickle.dumps({"x": 1}), "no tensors"),
        (b"\x80\x04\x95", "malformed"),
    ],
    ids=["object-array", "complex128", "no-tensors", "truncated"],
)
def test_unsupported_inputs_are_refused(tmp_path: Path, payload: bytes, reason: str) -> None:
    path = tmp_path / "x.pkl"
    path.write_bytes(payload)
    result = run_cli("convert", str(path), "-o", str(tmp_path / "x.safetensors"))
    assert result.returncode in (1, 2)
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_storage_view_past_the_end_is_refused(tmp_path: Path) -> None:
    """A hand-edited size that reads beyond the storage must be refused, not read."""
    import zipfile

    good = tmp_path / "good.pt"
    torch.save({"w": torch.zeros(4)}, good)
    bad = tmp_path / "bad.pt"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("data.pkl"):
                data = data.replace(b"K\x04\x85", b"K\x40\x85")  # size (4,) -> (64,)
            dst.writestr(info, data)
    with bad.open("rb") as stream, pytest.raises(ConversionRefused) as info:
        plan_conversion(str(bad), stream, bad.stat().st_size)
    assert "reaches byte" in str(info.value)


def test_cli_converts_and_reports(tmp_path: Path) -> None:
    path = tmp_path / "tied.bin"
    torch.save(Tied().state_dict(), path)
    out = tmp_path / "model.safetensors"
    result = run_cli("convert", str(path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "own bytes" in result.stdout
    assert_bit_exact(torch.load(path, weights_only=True), out)
    again = run_cli("convert", str(path), "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr


def test_repeated_views_cannot_blow_up_the_output(tmp_path: Path) -> None:
    base = torch.zeros(1024)
    path = tmp_path / "views.pt"
    torch.save({f"v{i}": base for i in range(64)}, path)  # 64 names, one 4 KiB storage
    with path.open("rb") as stream, pytest.raises(ConversionRefused, match="exceed"):
        plan_conversion(str(path), stream, path.stat().st_size, max_output_bytes=100_000)


def test_damaged_files_give_clear_refusals_never_tracebacks(tmp_path: Path) -> None:
    """Seeded mutations of real checkpoints: every failure is a ConversionRefused/OpennessError."""
    import io
    import random

    from openness.errors import OpennessError

    torch.manual_seed(0)
    sd = {"a": torch.randn(3, 4), "b": torch.arange(5)[1:], "t": torch.randn(4, 3).t()}
    bases = []
    for legacy in (False, True):
        buf = io.BytesIO()
        torch.save(sd, buf, _use_new_zipfile_serialization=not legacy)
        bases.append(buf.getvalue())
    bases.append(pickle.dumps({"a": np.arange(6.0).reshape(2, 3)}, protocol=5))
    bases.append(pickle.dumps({"a": np.arange(6.0).reshape(2, 3)}, protocol=2))
    rng = random.Random(7)
    unexpected, refused = [], 0
    for base in bases:
        for _ in range(300):
            data = bytearray(base)
            if rng.random() < 0.3:
                data = data[: rng.randrange(len(data))]
            else:
                for _ in range(rng.randint(1, 4)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                plan = plan_conversion("x", io.BytesIO(bytes(data)), len(data))
                write_safetensors(plan, io.BytesIO(), {})
            except OpennessError:
                refused += 1
            except Exception as exc:  # noqa: BLE001  the point is to catch anything else
                unexpected.append(repr(exc))
    assert unexpected == []
    assert refused > 300  # the mutations did break files
