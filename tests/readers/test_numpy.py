"""NumPy .npy/.npz readers: fixtures written by numpy itself; hostile headers built by hand."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from openness.errors import FormatError, LimitExceeded
from openness.limits import Limits
from openness.model import ReaderResult, Severity
from openness.readers.numpy import NPY_001, NpyReader, NpzReader


def read(path: Path, reader: NpyReader | NpzReader | None = None) -> ReaderResult:
    reader = reader or (NpzReader() if path.suffix == ".npz" else NpyReader())
    with path.open("rb") as f:
        return reader.read(path.name, path.stat().st_size, f, Limits())


def facts(result: ReaderResult) -> dict[str, Any]:
    return {e.fact: e.value for e in result.evidence}


@pytest.mark.parametrize(
    "array, dtype",
    [
        (np.ones((3, 4), dtype=np.float32), "F32"),
        (np.zeros((2, 3, 5), dtype=np.float16), "F16"),
        (np.arange(7, dtype=np.int64), "I64"),
        (np.arange(9, dtype=np.uint8).reshape(3, 3), "U8"),
        (np.array([True, False]), "BOOL"),
        (np.asfortranarray(np.ones((4, 6))), "F64"),
        (np.array(3.5, dtype=">f4"), "F32"),
        (np.array(["ab", "c"]), "STR"),
    ],
)
def test_npy_header(tmp_path: Path, array: np.ndarray, dtype: str) -> None:
    path = tmp_path / "a.npy"
    np.save(path, array)
    result = read(path)
    f = facts(result)
    assert result.artifact.complete, result.artifact.note
    assert f["numpy.shape"] == array.shape
    assert f["numpy.dtype"] == array.dtype.str
    assert f["numpy.fortran_order"] == (array.flags.f_contiguous and not array.flags.c_contiguous)
    assert f["weights.parameters"] == array.size == result.artifact.parameters
    assert f["weights.tensors"] == 1
    assert [d.dtype for d in result.artifact.dtypes] == [dtype]
    assert not result.findings


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_npy_versions(tmp_path: Path, version: tuple[int, int]) -> None:
    fields = [("wärme", "<f4"), ("b", "<i2", (3,))] if version == (3, 0) else [("a", "<f8")]
    array = np.zeros(5, dtype=fields)
    path = tmp_path / "v.npy"
    with path.open("wb") as f:
        np.lib.format.write_array(f, array, version=version)
    result = read(path)
    assert facts(result)["numpy.version"] == f"{version[0]}.{version[1]}"
    assert result.artifact.parameters == 5
    assert result.artifact.dtypes[0].dtype == "STRUCT"


def test_object_array_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "o.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    result = read(path)
    [finding] = result.findings
    assert finding.rule_id == NPY_001 and finding.severity is Severity.HIGH
    assert "allow_pickle" in finding.reason
    assert facts(result)["numpy.dtype"] == "|O"


def test_structured_object_field_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "so.npy"
    np.save(path, np.zeros(2, dtype=[("Oname", "<f4"), ("payload", "O")]), allow_pickle=True)
    assert [f.rule_id for f in read(path).findings] == [NPY_001]
    path2 = tmp_path / "plain.npy"
    np.save(path2, np.zeros(2, dtype=[("O", "<f4")]))  # a field *named* O is fine
    assert not read(path2).findings


def test_npz(tmp_path: Path) -> None:
    arrays = {
        "weight": np.ones((8, 4), np.float32),
        "bias": np.zeros(4, np.float16),
        "step": np.array(3, np.int64),
    }
    for save in (np.savez, np.savez_compressed):
        path = tmp_path / f"{save.__name__}.npz"
        save(path, **arrays)
        result = read(path)
        f = facts(result)
        assert result.artifact.complete, result.artifact.note
        assert f["weights.parameters"] == sum(a.size for a in arrays.values())
        assert f["weights.tensors"] == 3 == f["numpy.members"]
        assert {t.name: t.shape for t in result.tensors} == {k: a.shape for k, a in arrays.items()}
        assert {d.dtype for d in result.artifact.dtypes} == {"F32", "F16", "I64"}


def test_npz_object_member(tmp_path: Path) -> None:
    path = tmp_path / "o.npz"
    np.savez(path, ok=np.ones(3), evil=np.array([None, 1], dtype=object))
    [finding] = read(path).findings
    assert finding.rule_id == NPY_001 and finding.location.key == "evil.npy"


def _npy(tmp_path: Path, blob: bytes) -> Path:
    path = tmp_path / "h.npy"
    path.write_bytes(blob)
    return path


def _v1(header: bytes) -> bytes:
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


@pytest.mark.parametrize(
    "blob, message",
    [
        (b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{}", "beyond the limit"),
        (b"\x93NUMPY\x01\x00" + struct.pack("<H", 60000) + b"{}", "past the end"),
        (b"\x93NUMPY\x09\x00" + b"\0" * 20, "version"),
        (b"\x93NUMP", "magic"),
        (_v1(b"['descr', 'shape']"), "not a dict"),
        (_v1(b"__import__('os').system('echo pwned')"), "not a Python literal"),
        (_v1(b"(" * 5000 + b")" * 5000), "not a Python literal"),
        (
            _v1(b"{'descr': '<f4', 'fortran_order': False, 'shape': 9" + b"9" * 5000 + b"}"),
            "not a Python literal",
        ),
        (_v1(b"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"), "shape"),
        (_v1(b"{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}"), "fortran_order"),
        (_v1(b"{'descr': 4, 'fortran_order': False, 'shape': (1,)}"), "descr"),
        (_v1(b"\xff\xfe{"), "not a Python literal"),
    ],
)
def test_hostile_npy(tmp_path: Path, blob: bytes, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(FormatError, match=message):
        read(_npy(tmp_path, blob))
    assert time.perf_counter() - start < 1.0


def test_huge_header_is_limit_exceeded(tmp_path: Path) -> None:
    blob = b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{}"
    with pytest.raises(LimitExceeded):
        read(_npy(tmp_path, blob))


def test_truncated_npy(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.ones((100, 10), np.float32))
    data = path.read_bytes()
    for cut in (3, 9, 40, 127):
        with pytest.raises(FormatError):
            read(_npy(tmp_path, data[:cut]))
    for cut in (128, len(data) // 2, len(data) - 1):
        result = read(_npy(tmp_path, data[:cut]))
        assert not result.artifact.complete and "truncated" in result.artifact.note


def test_npz_with_a_corrupt_member(tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    np.savez_compressed(path, good=np.ones(50), bad=np.arange(1000, dtype=np.int32))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("bad.npy")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len  # the member's compressed bytes
    data[start : start + 20] = b"\xff" * 20  # garbage deflate stream
    path.write_bytes(data)
    result = read(path)
    assert not result.artifact.complete and "bad.npy" in result.artifact.note
    assert [t.name for t in result.tensors] == ["good"]
    assert "weights.parameters" not in facts(result)
    # a broken local header
    data[info.header_offset : info.header_offset + 4] = b"XXXX"
    path.write_bytes(data)
    result = read(path)
    assert not result.artifact.complete and "bad.npy" in result.artifact.note


def test_npz_member_with_hostile_header(tmp_path: Path) -> None:
    path = tmp_path / "h.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ok.npy", _v1(b"{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}"))
        zf.writestr("evil.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{}")
    result = read(path)
    assert not result.artifact.complete and "evil.npy" in result.artifact.note


def test_truncated_npz(tmp_path: Path) -> None:
    path = tmp_path / "t.npz"
    np.savez(path, a=np.ones(100))
    data = path.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 5):
        part = tmp_path / f"cut{cut}.npz"
        part.write_bytes(data[:cut])
        with pytest.raises(FormatError):
            read(part)


class _Payload:
    """Pickles as a call of `print`: the walk must report the global, never call it."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("would run",))


@pytest.mark.parametrize("dtype", [object, [("id", "<i4"), ("obj", "O")], [("pair", "O", (2,))]])
@pytest.mark.parametrize("npz", [False, True])
def test_object_array_pickle_is_walked(tmp_path: Path, dtype: Any, npz: bool) -> None:
    """np.load(allow_pickle=True) unpickles the data of any dtype holding objects (plain,
    a structured field, a sub-array): what that pickle imports is reported, not only NPY-001."""
    array = np.empty(2, dtype=dtype)
    array.flat[0] = (1, _Payload()) if array.dtype.names == ("id", "obj") else _Payload()
    path = tmp_path / ("a.npz" if npz else "a.npy")
    if npz:
        np.savez(path, w=array)
    else:
        np.save(path, array, allow_pickle=True)
    result = read(path)
    found = {(f.rule_id, f.trigger) for f in result.findings}
    assert ("OPN-PKL-002", "builtins.print") in found
    assert any(rule == NPY_001 for rule, _ in found)
