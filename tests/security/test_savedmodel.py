"""TensorFlow SavedModel read without TensorFlow: the protobuf is written by hand here."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import FormatError
from openness.model import Assessment, Severity
from openness.pipeline import assess
from openness.readers.savedmodel import parse


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def node(name: str, op: str) -> bytes:
    return field(1, name.encode()) + field(2, op.encode()) + field(3, b"input:0")


def function(name: str, *nodes: bytes) -> bytes:
    return field(1, field(1, name.encode())) + b"".join(field(3, n) for n in nodes)


def saved_model(nodes: list[bytes], functions: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    library = b"".join(field(1, f) for f in functions)
    graph = b"".join(field(1, n) for n in nodes) + (field(2, library) if library else b"")
    meta = field(2, graph)
    return b"\x08\x01" + field(2, meta)


def _assess(tmp_path: Path, data: bytes) -> Assessment:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "saved_model.pb").write_bytes(data)
    return assess(str(folder), hash_files=False)


def test_python_file_and_misplaced_saver_ops_are_found_with_their_nodes(tmp_path: Path) -> None:
    data = saved_model(
        [node("x", "Placeholder"), node("hook", "PyFunc"), node("save/SaveV2", "SaveV2")],
        [
            function("__inference_serve_12", node("leak", "ReadFile"), node("w", "SaveV2")),
            function("__inference__traced_save_34", node("ok", "SaveV2")),
        ],
    )
    a = _assess(tmp_path, data)
    found = {(f.rule_id, f.trigger, f.location.key) for f in a.findings if f.rule_id[4:7] == "TFS"}
    assert found == {
        ("OPN-TFS-001", "PyFunc", "node hook"),
        ("OPN-TFS-002", "ReadFile", "function __inference_serve_12: node leak"),
        ("OPN-TFS-002", "SaveV2", "function __inference_serve_12: node w"),
    }
    assert a.max_severity() is Severity.CRITICAL
    assert any(f.format == "tf-savedmodel" for f in a.files)


def test_plain_inference_graph_is_clean(tmp_path: Path) -> None:
    data = saved_model(
        [node("x", "Placeholder"), node("mm", "MatMul"), node("save/RestoreV2", "RestoreV2")],
        [function("__inference__traced_restore_9", node("r", "RestoreV2"))],
    )
    a = _assess(tmp_path, data)
    assert not [f for f in a.findings if f.rule_id.startswith(("OPN-TFS", "OPN-FMT"))]
    ops = dict(next(e.value for e in a.evidence if e.fact == "savedmodel.ops"))  # type: ignore[arg-type]
    assert ops["MatMul"] == 1 and ops["RestoreV2"] == 2


@pytest.mark.parametrize(
    "data",
    [b"\x12\xff\xff\xff\xff\x0f", b"\x12\x05ab", b"\x08", b"\x12\x02\x12\x10" + b"x" * 2],
)
def test_malformed_protobuf_raises_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        parse(data)
