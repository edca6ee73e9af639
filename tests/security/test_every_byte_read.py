"""Issue 16, "never clean unless every byte was read": live pickles that do not start the usual
way, truncated and absurd headers, unrecognised content and empty targets.

Every malicious payload is built here from opcodes, proven live by a throwaway interpreter
loading it (it creates a marker file), then scanned in-process: never clean. Ordinary text,
JSON and tokenizer files must stay clean and complete (no false alarms).
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from openness.cli.main import main
from openness.model import Assessment, Severity
from openness.pipeline import scan
from openness.readers import detect
from openness.readers.pickle.probe import PROBE_OPS, could_be_pickle
from openness.security.report import security_only, verdict
from tests.helpers import safetensors_bytes

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "openness" / "examples" / "tiny-release"


def _string(text: str) -> bytes:
    """Protocol 0 STRING: S + a quoted repr + newline."""
    return b"S" + repr(text).encode() + b"\n"


def _unicode_bin(text: str) -> bytes:
    raw = text.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def _system_call(marker: Path) -> bytes:
    """GLOBAL os.system, a MARK-ed STRING argument, TUPLE, REDUCE, STOP."""
    return b"cos\nsystem\n(" + _string(f"touch {marker}") + b"tR."


def string_then_stack_global(marker: Path) -> bytes:
    # first opcode STRING; the callable is named by two strings and STACK_GLOBAL
    return _string("os") + _string("system") + b"\x93" + _string(f"touch {marker}") + b"\x85R."


def protocol0_starts_with_none_pop(marker: Path) -> bytes:
    return b"N0" + _system_call(marker)  # pure ASCII: looks like text


def protocol0_starts_with_unicode(marker: Path) -> bytes:
    return b"Vhello\n0" + _system_call(marker)  # pure ASCII: looks like text


def proto_in_the_middle(marker: Path) -> bytes:
    return b"N0\x80\x02cos\nsystem\n" + _unicode_bin(f"touch {marker}") + b"\x85R."


def inst_with_mark(marker: Path) -> bytes:
    return b"(" + _string(f"touch {marker}") + b"ios\nsystem\n."


def stack_global_short_unicode(marker: Path) -> bytes:
    def short(text: str) -> bytes:
        return b"\x8c" + bytes([len(text)]) + text.encode()

    # binary from the first byte (BININT1, POP): never PROTO, never a container opcode first
    return (
        b"K\x010"
        + short("os")
        + short("system")
        + b"\x93"
        + _unicode_bin(f"touch {marker}")
        + (b"\x85R.")
    )


SHAPES: dict[str, Callable[[Path], bytes]] = {
    f.__name__: f
    for f in (
        string_then_stack_global,
        protocol0_starts_with_none_pop,
        protocol0_starts_with_unicode,
        proto_in_the_middle,
        inst_with_mark,
        stack_global_short_unicode,
    )
}

#: every first opcode a pickle can start with, each followed by what undoes it (POP, POP_MARK)
FIRST_OPCODES: dict[str, bytes] = {
    "NONE": b"N0",
    "INT": b"I7\n0",
    "LONG": b"L7\n0",
    "FLOAT": b"F1.5\n0",
    "STRING": b"S'x'\n0",
    "UNICODE": b"Vx\n0",
    "EMPTY_LIST": b"]0",
    "EMPTY_DICT": b"}0",
    "EMPTY_TUPLE": b")0",
    "MARK": b"(1",
    "BININT1": b"K\x070",
    "BININT2": b"M\x07\x000",
    "BININT": b"J\x07\x00\x00\x000",
    "BINFLOAT": b"G" + struct.pack(">d", 1.5) + b"0",
    "SHORT_BINSTRING": b"U\x01x0",
    "SHORT_BINBYTES": b"C\x01x0",
    "BINUNICODE": b"X\x01\x00\x00\x00x0",
    "SHORT_BINUNICODE": b"\x8c\x01x0",
    "NEWTRUE": b"\x880",
    "NEWFALSE": b"\x890",
    "LONG1": b"\x8a\x01\x070",
    "EMPTY_SET": b"\x8f0",
    "PROTO": b"\x80\x04",
    "FRAME": b"\x95" + struct.pack("<Q", 0),
}


def _prove_live(payload: bytes, tmp_path: Path, marker: Path) -> None:
    """Load the payload in a throwaway interpreter (never in this one): the marker appears."""
    sample = tmp_path / "proof.bin"
    sample.write_bytes(payload)
    code = "import pickle,sys; pickle.loads(open(sys.argv[1],'rb').read())"
    subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, timeout=60)
    assert marker.exists(), "the payload did not run: it proves nothing"
    marker.unlink()
    sample.unlink()


def _scan_one(tmp_path: Path, name: str, data: bytes) -> Assessment:
    folder = tmp_path / "release"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return security_only(scan(str(folder)))


def _rules(a: Assessment) -> set[str]:
    return {f.rule_id for f in a.findings}


def _not_clean(a: Assessment) -> None:
    """What `openness scan` says at its default threshold: fail, not clean or pass."""
    said = verdict(a, Severity.HIGH)
    assert said.startswith("FAIL"), said


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_live_pickle_shape_is_found(shape: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = SHAPES[shape](marker)
    _prove_live(payload, tmp_path, marker)
    a = _scan_one(tmp_path, "model.bin", payload)
    assert a.files[0].format == detect.PICKLE
    assert "OPN-PKL-001" in _rules(a)
    _not_clean(a)
    assert not marker.exists()  # scanning ran nothing


@pytest.mark.parametrize("magic", [b"GIF89a", b"GIF87a"])
def test_live_pickle_behind_an_image_magic_number_is_found(magic: bytes, tmp_path: Path) -> None:
    """`G` is BINFLOAT: the GIF header and two more bytes are a float, POP drops it."""
    marker = tmp_path / "ran"
    payload = magic + b"\x00\x00\x00" + b"0" + _system_call(marker)
    _prove_live(payload, tmp_path, marker)
    a = _scan_one(tmp_path, "model.bin", payload)
    assert a.files[0].format == detect.PICKLE
    assert "OPN-PKL-001" in _rules(a)
    _not_clean(a)


def test_a_real_gif_is_still_an_image(tmp_path: Path) -> None:
    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    gif += b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    a = _scan_one(tmp_path, "logo.gif", gif)
    assert a.files[0].format == detect.IMAGE and a.findings == ()


@pytest.mark.parametrize("first", sorted(FIRST_OPCODES))
def test_live_pickle_with_any_first_opcode_is_found(first: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = FIRST_OPCODES[first] + _system_call(marker)
    _prove_live(payload, tmp_path, marker)
    a = _scan_one(tmp_path, "weights.dat", payload)
    assert a.files[0].format == detect.PICKLE, first
    assert "OPN-PKL-001" in _rules(a)
    _not_clean(a)


def test_pickle_named_as_safetensors_is_a_mismatch_and_still_scanned(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = protocol0_starts_with_none_pop(marker)
    _prove_live(payload, tmp_path, marker)
    a = _scan_one(tmp_path, "model.safetensors", payload)
    assert {"OPN-FMT-004", "OPN-PKL-001"} <= _rules(a)


def test_pickle_disguised_as_text_inside_a_zip_is_found(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = protocol0_starts_with_unicode(marker)
    _prove_live(payload, tmp_path, marker)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", payload)
    a = _scan_one(tmp_path, "bundle.zip", buf.getvalue())
    hits = [f for f in a.findings if f.rule_id == "OPN-PKL-001"]
    assert hits and hits[0].location.key == "notes.txt"


# -- truncated and absurd headers: incomplete with the reason, every format ------------------


def _zip_pt() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02}q\x00." * 200)
    return buf.getvalue()


TRUNCATED: dict[str, tuple[str, bytes]] = {
    "safetensors_cut_at_20_bytes": (
        "model.safetensors",
        safetensors_bytes({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, 16)[:20],
    ),
    "safetensors_header_length_2_pow_63": (
        "model.safetensors",
        struct.pack("<Q", 2**63) + b"{}" + bytes(30),
    ),
    "safetensors_cut_inside_the_length": ("model.safetensors", b"\x10\x00\x00"),
    "gguf_cut_after_the_version": ("model.gguf", b"GGUF\x03\x00\x00\x00\x01"),
    "onnx_cut_in_a_varint": ("model.onnx", b"\x08\x07\x12"),
    "npy_cut_inside_the_magic": ("weights.npy", b"\x93NUM"),
    "npy_cut_after_the_magic": ("weights.npy", b"\x93NUMPY\x01\x00\x40"),
    "zip_cut_after_the_first_header": ("model.pt", _zip_pt()[:60]),
    "zip_cut_before_the_directory_end": ("model.pt", _zip_pt()[:-10]),
    "plain_zip_cut": ("bundle.zip", _zip_pt()[:60]),
}


@pytest.mark.parametrize("case", sorted(TRUNCATED))
def test_truncated_or_absurd_header_is_incomplete(case: str, tmp_path: Path) -> None:
    name, data = TRUNCATED[case]
    a = _scan_one(tmp_path, name, data)
    assert a.complete is False
    assert a.incomplete and a.incomplete[0].startswith(name + ":")
    assert verdict(a, None).startswith("INCOMPLETE")
    # not "content is binary, not what the name says": the reason says what is wrong
    assert not any("content is binary" in f.reason for f in a.findings)


# -- unrecognised content is reported, known inert content is not ----------------------------


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x00\x01\x02\x03" * 100, b"K\x07\xff\xfe" + bytes(64)],
    ids=["all-bytes", "nul-led", "opcode-led-binary"],
)
def test_unrecognised_binary_is_unscanned_not_clean(data: bytes, tmp_path: Path) -> None:
    a = _scan_one(tmp_path, "tokenizer.model", data)
    assert a.files[0].format == detect.BINARY
    assert "OPN-FMT-005" in _rules(a)
    assert a.complete is False
    assert verdict(a, None).startswith("INCOMPLETE")


def test_unrecognised_member_of_an_archive_is_unscanned(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("blob.dat", bytes(range(256)))
        zf.writestr("README.md", "# hello\n")
    a = _scan_one(tmp_path, "bundle.zip", buf.getvalue())
    hits = [f for f in a.findings if f.rule_id == "OPN-FMT-005"]
    assert [f.location.key for f in hits] == ["blob.dat"]
    assert a.complete is False


def test_format_without_a_reader_is_unscanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detect, "detect_format", lambda *args, **kwargs: "mystery")
    a = _scan_one(tmp_path, "thing", b"whatever")
    assert "OPN-FMT-005" in _rules(a)
    assert a.complete is False


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), detect.IMAGE),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(64), detect.IMAGE),
        ("anim.gif", b"GIF89a" + bytes(64), detect.IMAGE),
        ("pic.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(64), detect.IMAGE),
        ("paper.pdf", b"%PDF-1.7\n" + bytes(64), detect.PDF),
    ],
)
def test_known_inert_binary_is_clean(name: str, data: bytes, fmt: str, tmp_path: Path) -> None:
    a = _scan_one(tmp_path, name, data)
    assert a.files[0].format == fmt
    assert a.complete and not a.findings


# -- no false alarms on ordinary text ------------------------------------------------------

ORDINARY_TEXT: dict[str, str] = {
    "README.md": "# Tiny model\n\nCopyright (c) 2024 Example Org. All rights reserved. This "
    "model does things. See the paper.\n(c) notes.\nN.B. it is small.\n",
    "LICENSE": "MIT License\n\nCopyright (c) 2024 Example\n\nPermission is hereby granted, free "
    "of charge, to any person obtaining a copy.\n",
    "NOTICE": "Copyright 2024 " + "x" * 200 + ". Second sentence.\n",
    "merges.txt": "#version: 0.2\nĠ t\nĠ a\nh e\ni n\nr e\no n\n",
    "merges-no-header.txt": "i n\nt h\na n\n",
    "vocab.txt": "[PAD]\n[unused0]\n[unused1]\n[CLS]\n[SEP]\nthe\nof\n",
    "words.txt": "it\nthe\nand\nof\n",
    "animals.txt": "cat\ndog\n(bird)\n",
    "numbers.txt": "I1\nI2\n",
    "modeling.py": "import os\n\nclass Model:\n    def forward(self, x):\n        return x\n",
    "data.csv": "id,name,score\n1,alpha,0.5\n2,beta,0.7\n",
    "special_tokens_map.json": json.dumps({"pad_token": "[PAD]"}),
    "paren.txt": "(see below)\n.\n",
    "empty-looking.txt": "N.\nmore text after\n",
}


def test_ordinary_text_files_stay_clean_and_complete(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    for name, text in ORDINARY_TEXT.items():
        (folder / name).write_text(text, encoding="utf-8")
    a = security_only(scan(str(folder)))
    assert {f.path: f.format for f in a.files if f.format == detect.PICKLE} == {}
    assert a.findings == () and a.complete, [f.reason for f in a.findings]
    assert verdict(a, None).startswith("CLEAN")


def test_example_release_stays_clean_and_complete() -> None:
    a = security_only(scan(str(EXAMPLE)))
    assert a.complete and a.findings == ()


def test_shared_text_corpus_stays_clean_and_complete() -> None:
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent")
    a = security_only(scan(str(corpus)))
    assert a.complete and a.findings == ()
    assert {f.format for f in a.files} <= detect.INERT_FORMATS


# -- the probe itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"(lp0\nI1\naI2\na.", True),  # a data-only protocol 0 pickle: the whole file
        (b"(lp0\nI1\naI2\na.\n", True),  # ... with a trailing newline
        (b"(lp0\nI1\naI2\na." + b"x" * 100, False),  # data then junk: nothing to run
        (b"cos\nsystem\n", False),  # an import cut short: the unpickler calls nothing
        (b"cos\nsystem\n.", True),  # an import that STOPs: a pickle
        (b"cnot a module\nname\n.", False),  # not an identifier: nothing could be imported
        (b"C\x6f" + b"y" * 0x6F + b". And more prose.", False),  # a lucky STOP, then prose
        (b"cnot a module\nname\n(S'x'\ntR.", False),  # the import fails before the call
        (b"", False),
        (b"#", False),
    ],
)
def test_probe_decides_by_parsing(data: bytes, expected: bool) -> None:
    assert could_be_pickle(io.BytesIO(data), len(data)) is expected


def test_probe_is_bounded_and_hands_long_streams_to_the_reader() -> None:
    data = b"N" * (PROBE_OPS + 10)  # a consistent stream longer than the probe's budget
    assert could_be_pickle(io.BytesIO(data), len(data)) is True
    data = b"(" * 1000 + b"x"  # marks then an invalid byte: fails fast
    assert could_be_pickle(io.BytesIO(data), len(data)) is False


# -- empty targets -------------------------------------------------------------------------


def test_scan_of_an_empty_folder_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "holds no files" in err


def test_scan_of_an_empty_archive_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "empty.zip"
    with zipfile.ZipFile(target, "w"):
        pass
    assert main(["scan", str(target)]) == 2
    assert "holds no files" in capsys.readouterr().err


def test_assess_of_an_empty_folder_prints_a_short_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(tmp_path)]) == 2
    out, _ = capsys.readouterr()
    assert "Nothing to assess" in out and len(out.splitlines()) < 6


def test_assess_json_of_an_empty_folder_writes_no_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(tmp_path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "holds no files" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_folder_with_only_unreadable_entries_is_incomplete(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    a = security_only(scan(str(tmp_path)))
    assert a.findings and a.complete is False
