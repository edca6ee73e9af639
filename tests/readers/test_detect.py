"""Format detection by content, one rule at a time (issue 16: mutation testing showed the CLI
tests left these loose: protocol-1 pickles starting with `(`/`}`/`]` and legacy torch files were no
longer recognised when the checks were broken). Every sample is built here; nothing is loaded."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from openness.limits import Limits
from openness.readers import detect
from openness.readers.detect import detect_format, detect_from_head, is_protobuf

_TORCH_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."


def _fmt(data: bytes, path: str = "file.bin", limits: Limits | None = None) -> str:
    return detect_format(path, len(data), io.BytesIO(data), limits)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"GGUF\x03\x00\x00\x00", detect.GGUF),
        (b"\x93NUMPY\x01\x00", detect.NPY),
        (b"\x89HDF\r\n\x1a\n\x00", detect.HDF5),
        (b"PK\x03\x04rest", detect.ZIP),
        (b"PK\x05\x06" + bytes(18), detect.ZIP),  # an empty zip
        (b"\x1f\x8b\x08\x00", detect.GZIP),
        (b"BZh91AY&SY\x00", detect.BZIP2),
        (b"\xfd7zXZ\x00\x00", detect.XZ),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", detect.SEVEN_ZIP),
        (bytes(257) + b"ustar\x0000" + bytes(250), detect.TAR),
        (bytes(257) + b"ustar\x00", detect.TAR),  # the shortest head that holds the magic
        (b"\x89PNG\r\n\x1a\n\x00", detect.IMAGE),
        (b"\xff\xd8\xff\xe0\x00", detect.IMAGE),
        (b"GIF87a\x00", detect.IMAGE),
        (b"GIF89a\x00", detect.IMAGE),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", detect.IMAGE),
        (b"%PDF-1.7\n", detect.PDF),
    ],
)
def test_magic_numbers_name_their_format(head: bytes, expected: str) -> None:
    assert detect_from_head(head, "whatever.bin", len(head) + 100) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"BZh 1AY&SY\x00",  # no block-size digit
        b"BZh9xxxxxx\x00",  # no block magic
        b"RIFF\x00\x00\x00\x00WAVEfmt \x00",  # audio, not an image
        b"x" * 257 + b"ustar",  # 262 bytes: the tar magic needs a whole header around it
    ],
)
def test_magic_look_alikes_are_not_those_formats(head: bytes) -> None:
    assert detect_from_head(head, "f.bin", len(head)) not in (
        detect.BZIP2,
        detect.IMAGE,
        detect.TAR,
    )


def test_empty_content_is_empty() -> None:
    assert detect_from_head(b"", "f.bin", 0) == detect.EMPTY
    assert _fmt(b"") == detect.EMPTY


# -- safetensors -----------------------------------------------------------------------------


def _st_head(n: int) -> bytes:
    return struct.pack("<Q", n) + b'{"a": 1}'


@pytest.mark.parametrize(
    ("head", "size", "expected"),
    [
        (_st_head(8), 16, True),  # header fills the file exactly
        (_st_head(2), 100, True),  # the smallest JSON object
        (_st_head(1), 100, False),  # too short to be an object
        (_st_head(0), 100, False),
        (_st_head(2**32 - 1), 100, True),  # past the end but plausible: truncated, still read
        (_st_head(2**32), 100, False),  # past the end and implausible
        (struct.pack("<Q", 8) + b"[1]", 100, False),  # not an object
        (struct.pack("<Q", 8), 100, False),  # nothing after the length
    ],
)
def test_safetensors_is_a_plausible_length_then_a_json_object(
    head: bytes, size: int, expected: bool
) -> None:
    assert (detect_from_head(head, "m.bin", size) == detect.SAFETENSORS) is expected


def test_a_huge_length_inside_a_huge_file_is_safetensors() -> None:
    assert detect_from_head(_st_head(2**40), "m.bin", 2**41) == detect.SAFETENSORS
    assert detect_from_head(_st_head(2**33), "m.bin", 2**33 + 8) == detect.SAFETENSORS  # exact
    assert detect_from_head(_st_head(2**33), "m.bin", 2**33 + 7) != detect.SAFETENSORS
    assert detect_from_head(_st_head(2**33), "m.bin", 2**33) != detect.SAFETENSORS


def test_nine_bytes_are_enough_for_a_truncated_safetensors_file() -> None:
    head = struct.pack("<Q", 2) + b"{"
    assert detect_from_head(head, "m.bin", 9) == detect.SAFETENSORS
    assert detect_from_head(head[:8], "m.bin", 8) != detect.SAFETENSORS


# -- pickles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x80\x02}q\x00.", detect.PICKLE),
        (b"\x80\x02", detect.PICKLE),  # two bytes: the protocol header alone is a pickle's
        (b"\x80\x05\x95", detect.PICKLE),
        (b"\x80\x06\x95", None),  # no such protocol
        (b"\x80\x01}", None),  # protocol 1 has no PROTO opcode
        (b"(lp0\n\x00", detect.PICKLE),  # protocol 1 starts with a container opcode
        (b"}q\x00(X\x01\x00\x00\x00a\x00", detect.PICKLE),
        (b"]q\x00(K\x01\x00", detect.PICKLE),
        (b"ctorch._utils\n_rebuild_tensor\nq\x00\x00", detect.PICKLE),
        (_TORCH_MAGIC, detect.TORCH_LEGACY),
        (b"\x80\x02\x8a\x0al\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x18.", detect.PICKLE),
    ],
)
def test_binary_pickles_are_recognised_from_their_first_bytes(
    head: bytes, expected: str | None
) -> None:
    got = detect_from_head(head, "model.bin", len(head) + 1000)
    if expected is None:
        assert got not in (detect.PICKLE, detect.TORCH_LEGACY)
    else:
        assert got == expected


@pytest.mark.parametrize("head", [b"(a list in prose)", b"}", b"]", b"cos\nsystem\n(tR."])
def test_text_that_starts_like_a_pickle_is_left_to_the_probe(head: bytes) -> None:
    assert detect_from_head(head, "notes.txt", len(head)) == detect.TEXT


def test_text_cut_inside_a_character_is_not_taken_for_a_binary_pickle() -> None:
    head = b"(" + b"x" * (detect.HEAD_BYTES - 2) + "é".encode()[:1]
    assert detect_from_head(head, "notes.txt", detect.HEAD_BYTES + 100) == detect.TEXT


def test_only_the_first_bytes_decide_text() -> None:
    data = b"x" * (detect.HEAD_BYTES - 1) + "é".encode() + b"more text"  # é cut by the sample
    assert _fmt(data, "notes.txt") == detect.TEXT


def test_a_protocol_0_pickle_in_text_is_found_by_the_probe() -> None:
    assert _fmt(b"cos\nsystem\n(S'echo hi'\ntR.", "notes.txt") == detect.PICKLE
    assert _fmt(b"# a comment\ncos\nsystem\n", "notes.txt") == detect.TEXT  # '#' is no opcode


def test_unknown_binary_starting_with_an_opcode_is_probed() -> None:
    data = b"\x8c\x02os\x8c\x06system\x93\x8c\x04echo\x85R.\xff\xfe"
    assert _fmt(data) == detect.PICKLE


def test_the_probe_uses_the_callers_limits() -> None:
    data = b"N" * 40 + b" and then prose"  # consistent for 40 opcodes, then not a pickle
    assert _fmt(data, "notes.txt") == detect.TEXT
    assert _fmt(data, "notes.txt", Limits(max_pickle_ops=10)) == detect.PICKLE


# -- name-dependent formats ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "head", "expected"),
    [
        ("model.onnx", b"\x08\x07\x12\x04", detect.ONNX),
        ("MODEL.ONNX", b"\x08\x07\x12\x04", detect.ONNX),
        ("model.onnx", b"\x12\x07\x12\x04\xff", detect.BINARY),
        ("model.bin", b"\x08\x07\x12\x04\xff", detect.BINARY),
        ("export/saved_model.pb", b"\x08\x01\xff", detect.SAVEDMODEL),
        ("export/saved_model.pb", b"\x12\x01\xff", detect.SAVEDMODEL),
        ("export/Saved_Model.PB", b"\x12\x01\xff", detect.SAVEDMODEL),
        ("export/saved_model.pb", b"\x1a\x01\xff", detect.BINARY),
        ("export/not_saved_model.pb", b"\x08\x01\xff", detect.BINARY),
        ("a/b/saved_model.pb", b"\x08\x01\xff", detect.SAVEDMODEL),
        ("config.json", b'  {"a": 1}', detect.JSON),
        ("data.jsonl", b'[1]\n["x"]', detect.JSON),
        ("CONFIG.JSON", b'{"a": 1}', detect.JSON),
        ("notes.txt", b'{"a": 1}', detect.TEXT),
        ("config.json", b"plain words", detect.TEXT),
        ("blob.bin", b"\xff\xfe\x00\x01", detect.BINARY),
    ],
)
def test_formats_without_magic_use_the_name_to_break_ties(
    path: str, head: bytes, expected: str
) -> None:
    assert detect_from_head(head, path, len(head)) == expected


# -- text ------------------------------------------------------------------------------------


def test_text_is_utf8_without_nul_bytes() -> None:
    assert detect_from_head("héllo wörld".encode(), "a.txt", 20) == detect.TEXT
    assert detect_from_head(b"hello\x00world", "a.txt", 11) == detect.BINARY
    assert detect_from_head(b"hello \xff\xfe world, more words", "a.txt", 50) == detect.BINARY


def test_a_multibyte_character_cut_by_the_sample_is_still_text() -> None:
    head = b"x" * (detect.HEAD_BYTES - 1) + "é".encode()[:1]
    assert detect_from_head(head, "a.txt", detect.HEAD_BYTES + 10) == detect.TEXT
    # the same bytes as a whole file end in a broken character: not text
    assert detect_from_head(head, "a.txt", len(head)) == detect.BINARY
    head = b"x" * (detect.HEAD_BYTES - 2) + "€".encode()[:2]
    assert detect_from_head(head, "a.txt", detect.HEAD_BYTES + 10) == detect.TEXT


def test_a_broken_character_before_the_last_four_bytes_is_not_text() -> None:
    head = b"x" * (detect.HEAD_BYTES - 5) + b"\xff" + b"xxxx"
    assert detect_from_head(head, "a.txt", detect.HEAD_BYTES + 10) == detect.BINARY
    head = b"x" * (detect.HEAD_BYTES - 4) + b"\xff" + b"xxx"
    assert detect_from_head(head, "a.txt", detect.HEAD_BYTES + 10) == detect.TEXT


# -- zips ------------------------------------------------------------------------------------


def _zip(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, b"x")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("archive/data.pkl", "archive/data/0"), detect.PYTORCH_ZIP),
        (("config.json", "model.weights.h5"), detect.KERAS),
        (("config.json", "metadata.json"), detect.KERAS),
        (("config.json", "weights.h5"), detect.ZIP),
        (("metadata.json", "model.weights.h5"), detect.ZIP),
        (("a.npy", "b.npy"), detect.NPZ),
        (("a.npy", "b.txt"), detect.ZIP),
        ((), detect.ZIP),
    ],
)
def test_zip_kind_comes_from_member_names(names: tuple[str, ...], expected: str) -> None:
    assert _fmt(_zip(*names), "model.zip") == expected


def test_a_damaged_zip_is_still_a_zip() -> None:
    assert _fmt(b"PK\x03\x04" + b"\x00" * 40, "model.zip") == detect.ZIP


# -- protobuf --------------------------------------------------------------------------------


def _pb(data: bytes, size: int | None = None) -> bool:
    return is_protobuf(io.BytesIO(data), len(data) if size is None else size)


@pytest.mark.parametrize(
    "data",
    [
        b"\x08\x96\x01",  # field 1, varint 150
        b"\x09" + bytes(8),  # field 1, fixed64
        b"\x0d" + bytes(4),  # field 1, fixed32
        b"\x0a\x03abc",  # field 1, length-delimited
        b"\x0a\xac\x02" + bytes(300),  # a two-byte length
        b"\x08\x01\x12\x02hi\x1d" + bytes(4),  # several fields
        b"\x80\x01\x01",  # field 16: a two-byte tag
        b"\x08" + b"\xff" * 9 + b"\x01",  # a ten-byte varint
    ],
)
def test_protobuf_wire_format_is_recognised(data: bytes) -> None:
    assert _pb(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",  # no field at all
        b"\x00\x01",  # field number 0
        b"\x05" + bytes(4),  # field number 0, wire type 5
        b"\x09" + bytes(7),  # fixed64 one byte short
        b"\x0d" + bytes(3),  # fixed32 one byte short
        b"\x0a\xac\x02" + bytes(299),  # length one byte past the end
        b"\x08",  # a tag with no value
        b"\x08\x80",  # a varint that never ends
        b"\x0a",  # a length that never comes
        b"\x80",  # a tag that never ends
        b"\x0c\x01",  # wire type 4 (end group)
        b"\x0e\x01",  # wire type 6
        b"\x0f\x01",  # wire type 7
    ],
)
def test_what_breaks_protobuf_wire_format_is_not_protobuf(data: bytes) -> None:
    assert not _pb(data)


def test_protobuf_check_is_bounded_by_size() -> None:
    data = b"\x08\x01"
    assert _pb(data, detect.MAX_PROTOBUF_CHECK)  # reads what is there: still a message
    assert not _pb(data, detect.MAX_PROTOBUF_CHECK + 1)


def test_a_gif_header_that_starts_a_pickle_is_probed() -> None:
    """`G` is BINFLOAT: `GIF89a` and two more bytes are a float (see test_every_byte_read)."""
    live = b"GIF89a\x00\x00\x000cos\nsystem\n(S'x'\ntR."
    assert _fmt(live, "logo.gif") == detect.PICKLE
    assert _fmt(b"GIF89a\x01\x00\x01\x00\x80\x00\x00;", "logo.gif") == detect.IMAGE
    assert _fmt(b"\x89PNG\r\n\x1a\n\x00\x00", "logo.png") == detect.IMAGE


def test_only_unrecognised_binary_is_checked_as_protobuf() -> None:
    assert _fmt(b"\x0a\x03\xff\xfe\xfd", "tokenizer.model") == detect.PROTOBUF
    assert _fmt(b"\x0a\x03abc", "tokenizer.model") == detect.TEXT  # valid UTF-8: text first
    assert _fmt(b"\xff\xfe\xfd", "tokenizer.model") == detect.BINARY
