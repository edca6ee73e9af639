"""SafetensorsReader in-process: what a real file yields, and each header check on its own
(issue 16: the CLI tests ran it in a subprocess, where a broken check went unseen)."""

from __future__ import annotations

import io
import json
import struct
from typing import Any

import numpy as np
import pytest

from openness.errors import FormatError, LimitExceeded
from openness.limits import Limits
from openness.model import ReaderResult
from openness.readers import detect
from openness.readers.safetensors import SafetensorsReader


def _file(header: Any, data_size: int = 0, *, raw: bytes | None = None) -> bytes:
    body = raw if raw is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(body)) + body + bytes(data_size)


def _read(data: bytes, limits: Limits | None = None, size: int | None = None) -> ReaderResult:
    stream = io.BytesIO(data)
    return SafetensorsReader().read(
        "m.safetensors", len(data) if size is None else size, stream, limits or Limits()
    )


def _t(dtype: str, shape: list[int], start: int, end: int) -> dict[str, Any]:
    return {"dtype": dtype, "shape": shape, "data_offsets": [start, end]}


def test_a_real_safetensors_file_is_read_from_its_header() -> None:
    st = pytest.importorskip("safetensors.numpy")
    data = st.save(
        {
            "w": np.zeros((3, 4), dtype=np.float32),
            "b": np.zeros(4, dtype=np.float16),
            "step": np.zeros((), dtype=np.int64),
        },
        metadata={"format": "pt", "note": "x" * 300},
    )
    result = _read(data)
    a = result.artifact
    assert (a.path, a.format, a.parameters, a.tensors) == (
        "m.safetensors",
        detect.SAFETENSORS,
        17,
        3,
    )
    assert [(d.dtype, d.parameters) for d in a.dtypes] == [("F32", 12), ("F16", 4), ("I64", 1)]
    assert sorted((t.name, t.dtype, t.shape) for t in result.tensors) == [
        ("b", "F16", (4,)),
        ("step", "I64", ()),
        ("w", "F32", (3, 4)),
    ]
    facts = {(e.fact, e.location.key): e for e in result.evidence}
    assert facts["weights.tensors", None].value == 3
    assert facts["weights.parameters", None].value == 17
    params, count = facts["weights.parameters", None], facts["weights.tensors", None]
    assert params.note == "sum of tensor shapes in the safetensors header"
    assert count.note == "safetensors header"
    assert all(e.location.offset == 8 for e in facts.values())
    assert all(e.location.file == "m.safetensors" for e in facts.values())
    assert facts["safetensors.metadata", "__metadata__.format"].value == "format=pt"
    assert facts["safetensors.metadata", "__metadata__.note"].value == "note=" + "x" * 200
    assert result.findings == ()


def test_metadata_keeps_the_first_fifty_string_entries_in_key_order() -> None:
    meta: dict[str, Any] = {f"k{i:03d}": str(i) for i in range(60)}
    meta["a_number"] = 5  # not a string: left out
    result = _read(_file({"__metadata__": meta}))
    kept = [e.location.key for e in result.evidence if e.fact == "safetensors.metadata"]
    assert kept == [f"__metadata__.k{i:03d}" for i in range(49)]  # "a_number" sorted first


def test_metadata_that_is_not_an_object_is_ignored() -> None:
    result = _read(_file({"__metadata__": ["format", "pt"]}))
    assert [e.fact for e in result.evidence] == ["weights.tensors", "weights.parameters"]
    assert result.artifact.tensors == 0


def test_header_may_fill_the_file_exactly() -> None:
    assert _read(_file({})).artifact.parameters == 0


def test_header_length_past_the_end_of_the_file_is_a_format_error() -> None:
    data = _file({})
    with pytest.raises(FormatError, match="runs past the end of the file") as exc:
        _read(data[:-1] + b"", size=len(data) - 1)
    assert exc.value.offset == 0


def test_declared_header_size_is_capped_before_reading() -> None:
    data = _file({"a": _t("U8", [4], 0, 4)}, 4)
    n = len(data) - 12
    _read(data, Limits(max_header_bytes=n))  # at the limit: read
    with pytest.raises(LimitExceeded, match="declared header size") as exc:
        _read(data, Limits(max_header_bytes=n - 1))
    assert exc.value.offset == 0


def test_tensor_count_is_capped() -> None:
    data = _file({f"t{i}": _t("U8", [1], i, i + 1) for i in range(3)}, 3)
    assert _read(data, Limits(max_tensors=3)).artifact.tensors == 3
    with pytest.raises(LimitExceeded, match="tensor count") as exc:
        _read(data, Limits(max_tensors=2))
    assert exc.value.offset == 8


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (b"{not json", "header is not valid JSON"),
        (b'{"a": "\xff"}', "header is not valid JSON"),
        (b"[1, 2]", "header is JSON list, not an object"),
    ],
)
def test_a_header_that_is_not_a_json_object_is_a_format_error(raw: bytes, match: str) -> None:
    with pytest.raises(FormatError, match=match) as exc:
        _read(_file(None, raw=raw))
    assert exc.value.offset == 8


def test_a_file_cut_inside_the_length_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="header length") as exc:
        _read(b"\x02\x00\x00")
    assert exc.value.offset == 0


def test_a_stream_cut_inside_the_header_is_a_format_error_at_the_header() -> None:
    data = _file({"a": _t("U8", [4], 0, 4)}, 4)
    with pytest.raises(FormatError, match="file ends inside the JSON header") as exc:
        _read(data[:20], size=len(data))  # the size promised more than the stream holds
    assert exc.value.offset == 8


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("F32", "entry is not an object"),
        ({"dtype": 4, "shape": [1], "data_offsets": [0, 4]}, "invalid dtype or shape"),
        ({"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}, "invalid dtype or shape"),
        ({"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}, "invalid dtype or shape"),
        ({"dtype": "F32", "shape": [1.0], "data_offsets": [0, 4]}, "invalid dtype or shape"),
        ({"dtype": "F32", "shape": [1]}, "data offsets None fall outside the file"),
        (_t("F32", [1], 0, 4) | {"data_offsets": [0]}, "fall outside the file"),
        (_t("F32", [1], 0, 4) | {"data_offsets": [0, 4, 8]}, "fall outside the file"),
        (_t("F32", [1], 0, 4) | {"data_offsets": [0, "4"]}, "fall outside the file"),
        (_t("F32", [1], -4, 0), "fall outside the file"),
        (_t("F32", [1], 8, 4), "fall outside the file"),
        (_t("F32", [2], 0, 12), "data offsets \\[0, 12\\] fall outside the file"),
        (_t("F32", [3], 0, 8), "spans 8 bytes but its shape and dtype need 12"),
        (_t("F64", [1], 0, 4), "spans 4 bytes but its shape and dtype need 8"),
        (_t("BF16", [3], 0, 4), "spans 4 bytes but its shape and dtype need 6"),
    ],
)
def test_each_tensor_entry_check_names_the_tensor(spec: Any, match: str) -> None:
    with pytest.raises(FormatError, match=match) as exc:
        _read(_file({"bad": spec}, 8))
    assert exc.value.key == "bad"
    assert "'bad'" in str(exc.value)


@pytest.mark.parametrize(
    ("dtype", "shape", "nbytes"),
    [
        ("U8", [3], 3),
        ("F8_E4M3", [2, 2], 4),
        ("I16", [2], 4),
        ("F32", [2], 8),
        ("C64", [1], 8),
        ("F4", [2, 3], 3),  # packed nibbles: not width * numel
        ("NEW_TYPE", [2], 7),  # a dtype this version does not know: no size check
        ("F32", [0, 5], 0),
    ],
)
def test_tensor_byte_spans_match_shape_and_dtype(dtype: str, shape: list[int], nbytes: int) -> None:
    result = _read(_file({"t": _t(dtype, shape, 0, nbytes)}, nbytes))
    (t,) = result.tensors
    assert (t.name, t.dtype, t.shape) == ("t", dtype, tuple(shape))


def test_tensor_data_may_end_exactly_at_the_end_of_the_file() -> None:
    result = _read(_file({"a": _t("U8", [2], 0, 2), "b": _t("U8", [6], 2, 8)}, 8))
    assert result.artifact.parameters == 8
    with pytest.raises(FormatError, match="fall outside the file"):
        _read(_file({"a": _t("U8", [2], 0, 2), "b": _t("U8", [6], 2, 8)}, 7))
