"""Formats that used to be "unscanned": native libraries and bytecode (findings: code that runs
when loaded), msgpack, TensorFlow checkpoint shards and indexes, bare zlib streams (issue 16)."""

from __future__ import annotations

import io
import pickle
import py_compile
import shutil
import struct
import sysconfig
import zlib
from pathlib import Path

import joblib
import msgpack
import numpy as np
import pytest

from openness.pipeline import scan
from openness.readers import detect
from openness.security.report import verdict

SITE = Path(sysconfig.get_paths()["purelib"])


def _fmt(path: Path) -> str:
    with path.open("rb") as f:
        return detect.detect_format(path.name, path.stat().st_size, f)


def _rules(folder: Path) -> dict[str, set[str]]:
    a = scan(str(folder), hash_files=False)
    out: dict[str, set[str]] = {}
    for f in a.findings:
        out.setdefault(f.location.file, set()).add(f.rule_id)
    return out


def _real(pattern: str) -> Path:
    found = sorted(SITE.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in this environment")
    return found[0]


def test_elf_and_pe_libraries_are_findings(tmp_path: Path) -> None:
    shutil.copy(_real("**/_cpuid_c*.so"), tmp_path / "custom_op.so")
    shutil.copy(_real("pip/_vendor/distlib/t64.exe"), tmp_path / "plugin.dll")
    assert _fmt(tmp_path / "custom_op.so") == detect.NATIVE
    assert _fmt(tmp_path / "plugin.dll") == detect.NATIVE
    rules = _rules(tmp_path)
    assert rules == {"custom_op.so": {"OPN-BIN-001"}, "plugin.dll": {"OPN-BIN-001"}}


def test_macho_headers_are_native_and_a_java_class_is_not(tmp_path: Path) -> None:
    thin = tmp_path / "lib.dylib"
    thin.write_bytes(b"\xcf\xfa\xed\xfe" + struct.pack("<IIIIII", 0x01000007, 3, 6, 0, 0, 0))
    fat = tmp_path / "fat.dylib"
    fat.write_bytes(b"\xca\xfe\xba\xbe" + struct.pack(">I", 2) + bytes(40))
    java = tmp_path / "Main.class"
    java.write_bytes(b"\xca\xfe\xba\xbe" + struct.pack(">HH", 0, 65) + bytes(40))
    assert _fmt(thin) == _fmt(fat) == detect.NATIVE
    assert _fmt(java) == detect.BINARY


def test_a_dos_stub_without_pe_header_is_not_native(tmp_path: Path) -> None:
    path = tmp_path / "notes.bin"
    path.write_bytes(b"MZ" + bytes(58) + struct.pack("<I", 64) + b"NOPE" + bytes(64))
    assert _fmt(path) != detect.NATIVE


def test_pyc_is_a_finding(tmp_path: Path) -> None:
    source = tmp_path / "src" / "mod.py"
    source.parent.mkdir()
    source.write_text("VALUE = 1\n")
    release = tmp_path / "release"
    release.mkdir()
    py_compile.compile(str(source), cfile=str(release / "mod.cpython-311.pyc"))
    assert _fmt(release / "mod.cpython-311.pyc") == detect.PYC
    assert _rules(release) == {"mod.cpython-311.pyc": {"OPN-BIN-002"}}


def _flax_msgpack() -> bytes:
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    ext = msgpack.ExtType(1, msgpack.packb((arr.shape, arr.dtype.name, arr.tobytes())))
    state = {"params": {"dense": {"kernel": ext, "bias": ext}, "step": 10, "lr": 1e-3}}
    return bytes(msgpack.packb(state))


def test_msgpack_checkpoint_is_recognised_and_clean(tmp_path: Path) -> None:
    (tmp_path / "flax_model.msgpack").write_bytes(_flax_msgpack())
    assert _fmt(tmp_path / "flax_model.msgpack") == detect.MSGPACK
    a = scan(str(tmp_path), hash_files=False)
    assert a.complete and a.findings == ()
    assert verdict(a, None).startswith("CLEAN")


@pytest.mark.parametrize("cut", [1, 5, 40])
def test_truncated_or_padded_msgpack_is_not_recognised(tmp_path: Path, cut: int) -> None:
    data = _flax_msgpack()
    (tmp_path / "short.msgpack").write_bytes(data[:-cut])
    (tmp_path / "padded.msgpack").write_bytes(data + b"\xc1" * cut)  # 0xC1 starts no value
    rules = _rules(tmp_path)
    assert rules == {"short.msgpack": {"OPN-FMT-005"}, "padded.msgpack": {"OPN-FMT-005"}}


def test_a_pickle_named_msgpack_is_still_a_pickle(tmp_path: Path) -> None:
    (tmp_path / "flax_model.msgpack").write_bytes(b"cos\nsystem\n(S'id'\ntR.")
    assert "OPN-PKL-001" in _rules(tmp_path)["flax_model.msgpack"]


def _table_footer() -> bytes:
    """A TensorFlow table footer: two block handles (varints) padded to 40 bytes, the magic."""
    handles = bytes([0x80, 0x01, 0x10, 0x91, 0x01, 0x20])
    return handles + bytes(40 - len(handles)) + struct.pack("<Q", 0xDB4775248B80FB57)


def test_savedmodel_variables_are_recognised(tmp_path: Path) -> None:
    variables = tmp_path / "variables"
    variables.mkdir()
    rng = np.random.default_rng(0)
    (variables / "variables.data-00000-of-00001").write_bytes(
        rng.standard_normal(4096).astype(np.float32).tobytes()
    )
    (variables / "variables.index").write_bytes(bytes(range(200)) + _table_footer())
    assert _fmt(variables / "variables.data-00000-of-00001") == detect.TF_VARIABLES
    assert _fmt(variables / "variables.index") == detect.TF_INDEX
    a = scan(str(tmp_path), hash_files=False)
    assert a.complete and a.findings == ()


def test_an_index_without_the_table_magic_stays_unrecognised(tmp_path: Path) -> None:
    (tmp_path / "variables.index").write_bytes(bytes(range(256)) * 2)
    assert _fmt(tmp_path / "variables.index") == detect.BINARY


def test_a_pickle_named_as_a_checkpoint_shard_is_still_a_pickle(tmp_path: Path) -> None:
    (tmp_path / "variables.data-00000-of-00001").write_bytes(b"cos\nsystem\n(S'id'\ntR.")
    assert "OPN-PKL-001" in _rules(tmp_path)["variables.data-00000-of-00001"]


def test_joblib_zlib_dump_is_opened_and_its_pickle_read(tmp_path: Path) -> None:
    joblib.dump({"w": np.ones((3, 3))}, tmp_path / "model.joblib", compress=("zlib", 3))
    assert _fmt(tmp_path / "model.joblib") == detect.ZLIB
    a = scan(str(tmp_path), hash_files=False)
    assert {f.rule_id for f in a.findings} == {"OPN-PKL-000"}
    assert a.complete, a.incomplete


def test_zlib_payload_is_found(tmp_path: Path) -> None:
    payload = b"\x80\x02cos\nsystem\n(S'id'\ntR."
    (tmp_path / "state.bin").write_bytes(zlib.compress(payload))
    assert "OPN-PKL-001" in _rules(tmp_path)["state.bin"]


def test_cut_zlib_stream_is_incomplete(tmp_path: Path) -> None:
    data = zlib.compress(pickle.dumps(list(range(5000)), protocol=4))
    (tmp_path / "model.joblib").write_bytes(data[: len(data) // 2])
    a = scan(str(tmp_path), hash_files=False)
    assert not a.complete


def test_text_with_zlib_like_start_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"x^2 + y^2 = r^2, the circle. " * 10)
    assert _fmt(path) == detect.TEXT
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"x^" + bytes(range(128, 256)) * 4)  # the header, then no valid deflate
    assert _fmt(binary) == detect.BINARY


def test_msgpack_walk_is_bounded_and_never_raises() -> None:
    import random

    from openness.readers.msgpack import MAX_DEPTH, is_msgpack

    rng = random.Random(16)
    for _ in range(300):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        assert isinstance(is_msgpack(io.BytesIO(blob), len(blob)), bool)
    deep = b"\x91" * (MAX_DEPTH + 1) + b"\xc0"  # arrays of one array of ... of nil
    assert not is_msgpack(io.BytesIO(deep), len(deep))
    assert is_msgpack(io.BytesIO(deep[-MAX_DEPTH:]), MAX_DEPTH)
    huge = b"\xdd\xff\xff\xff\xff"  # an array claiming 4 billion items in five bytes
    assert not is_msgpack(io.BytesIO(huge), len(huge))
