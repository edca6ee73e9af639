"""GGUF reader: fixtures written by the real gguf package; hostile headers built by hand."""

from __future__ import annotations

import struct
import time
import tracemalloc
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import pytest

from openness.errors import FormatError, LimitExceeded
from openness.limits import Limits
from openness.model import ReaderResult
from openness.readers.common import KEEP_TEMPLATE
from openness.readers.gguf import GgufReader

TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"


def read(path: Path, limits: Limits | None = None) -> ReaderResult:
    with path.open("rb") as f:
        return GgufReader().read(path.name, path.stat().st_size, f, limits or Limits())


def facts(result: ReaderResult) -> dict[str, Any]:
    return {e.fact: e.value for e in result.evidence}


def write_model(
    path: Path,
    *,
    vocab: int = 1000,
    template: str = TEMPLATE,
    endian: gguf.GGUFEndian = gguf.GGUFEndian.LITTLE,
) -> list[np.ndarray]:
    """A tiny llama-like GGUF; returns the float arrays its tensors were made from."""
    w = gguf.GGUFWriter(str(path), "llama", endianess=endian)
    w.add_name("tiny-test")
    w.add_string("general.license", "apache-2.0")
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    w.add_chat_template(template)
    w.add_embedding_length(8)
    w.add_block_count(2)
    w.add_context_length(128)
    w.add_token_list([f"tok{i}" for i in range(vocab)])
    w.add_array("test.nested", [[1, 2], [3, 4, 5], [[6]]])
    w.add_array("test.strings", ["a", "bb"])
    for adder, value in [
        (w.add_uint8, 1),
        (w.add_int8, -1),
        (w.add_uint16, 2),
        (w.add_int16, -2),
        (w.add_uint32, 3),
        (w.add_int32, -3),
        (w.add_float32, 0.5),
        (w.add_bool, True),
        (w.add_uint64, 4),
        (w.add_int64, -4),
        (w.add_float64, 0.25),
    ]:
        adder(f"test.{adder.__name__}", value)
    rng = np.random.default_rng(0)
    a = rng.random((4, 8), dtype=np.float32)
    b = np.ones(16, dtype=np.float16)
    c = rng.random((2, 64), dtype=np.float32)
    w.add_tensor("a.weight", a)
    w.add_tensor("b.bias", b)
    qc = gguf.quants.quantize(c, gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor("c.weight", qc, raw_dtype=gguf.GGMLQuantizationType.Q8_0)  # byte shape in
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return [a, b, c]


def test_reads_what_the_gguf_writer_wrote(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    arrays = write_model(path)
    result = read(path)
    f = facts(result)
    expected = sum(a.size for a in arrays)
    assert result.artifact.complete, result.artifact.note
    assert result.artifact.parameters == expected
    assert f["weights.parameters"] == expected
    assert f["weights.tensors"] == 3 == result.artifact.tensors
    assert f["gguf.architecture"] == "llama" == result.artifact.architecture
    assert f["gguf.name"] == "tiny-test"
    assert f["gguf.license"] == "apache-2.0"
    assert f["gguf.file_type"] == "MOSTLY_F16"
    assert f["gguf.chat_template"] == TEMPLATE
    assert f["gguf.chat_template_bytes"] == len(TEMPLATE.encode())
    assert f["gguf.vocab_size"] == 1000
    assert f["gguf.embedding_length"] == 8
    assert f["gguf.block_count"] == 2
    assert f["gguf.version"] == 3
    mix = {d.dtype: d.parameters for d in result.artifact.dtypes}
    assert mix == {"F32": arrays[0].size, "F16": arrays[1].size, "Q8_0": arrays[2].size}
    shapes = {t.name: t.shape for t in result.tensors}
    assert shapes == {"a.weight": (4, 8), "b.bias": (16,), "c.weight": (2, 64)}
    # the real library agrees
    ref = gguf.GGUFReader(str(path))
    assert sum(int(t.n_elements) for t in ref.tensors) == expected
    arch = next(e for e in result.evidence if e.fact == "gguf.architecture")
    assert arch.location.key == "general.architecture" and arch.location.offset


def test_long_template_and_big_vocab_are_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "big.gguf"
    template = "{{ x }}" * (KEEP_TEMPLATE // 7 + 3000)
    write_model(path, vocab=150_000, template=template)
    tracemalloc.start()
    result = read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    f = facts(result)
    assert f["gguf.vocab_size"] == 150_000
    assert f["gguf.chat_template_bytes"] == len(template)
    assert len(f["gguf.chat_template"]) == KEEP_TEMPLATE
    assert peak < 16 * 1024 * 1024


def test_version_1_file(tmp_path: Path) -> None:
    def s(text: str) -> bytes:
        return struct.pack("<I", len(text)) + text.encode()

    header = b"GGUF" + struct.pack("<III", 1, 1, 1)
    header += s("general.architecture") + struct.pack("<I", 8) + s("llama")
    header += s("w") + struct.pack("<III", 2, 3, 5) + struct.pack("<IQ", 0, 0)
    header += b"\0" * (-len(header) % 32)
    path = tmp_path / "v1.gguf"
    path.write_bytes(header + b"\0" * 4 * 15)
    result = read(path)
    assert result.artifact.complete, result.artifact.note
    assert facts(result)["gguf.version"] == 1
    assert result.artifact.parameters == 15
    assert result.tensors[0].shape == (5, 3)


def test_big_endian_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "be.gguf"
    write_model(path, endian=gguf.GGUFEndian.BIG)
    with pytest.raises(FormatError, match="big-endian"):
        read(path)


def test_truncated_files(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    write_model(path)
    data = path.read_bytes()
    whole = read(path)
    for cut in (2, 6, 20, 200, len(data) // 3, len(data) - 600, len(data) - 30):
        part = tmp_path / f"cut{cut}.gguf"
        part.write_bytes(data[:cut])
        try:
            result = read(part)
        except FormatError:
            continue
        assert not result.artifact.complete, cut
        assert result.artifact.note
    # cut inside the metadata: what was read is kept
    part = tmp_path / "cut-meta.gguf"
    part.write_bytes(data[:1000])
    assert facts(read(part))["gguf.architecture"] == "llama"
    # cut inside the tensor data: the header is whole, the data is not
    part = tmp_path / "cut-data.gguf"
    part.write_bytes(data[:-30])  # the last 24 bytes are alignment padding
    result = read(part)
    assert not result.artifact.complete and "truncated" in result.artifact.note
    assert facts(result)["weights.parameters"] == whole.artifact.parameters


def _hostile(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "hostile.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<I", 3) + body)
    return path


def _quick(path: Path, error: type[Exception] = FormatError) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(error):
        read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - start < 1.0
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize("n_tensors, n_kv", [(2**63, 0), (0, 2**40), (5_000_000, 900_000)])
def test_absurd_counts(tmp_path: Path, n_tensors: int, n_kv: int) -> None:
    _quick(_hostile(tmp_path, struct.pack("<QQ", n_tensors, n_kv)))


def test_count_over_the_limit_is_limit_exceeded(tmp_path: Path) -> None:
    path = _hostile(tmp_path, struct.pack("<QQ", 0, 11) + b"\0" * 1000)
    with pytest.raises(LimitExceeded):
        read(path, Limits(max_gguf_kv=10))


def test_absurd_string_length(tmp_path: Path) -> None:
    _quick(_hostile(tmp_path, struct.pack("<QQQ", 0, 1, 2**62) + b"key"))


def test_absurd_array_length(tmp_path: Path) -> None:
    key = struct.pack("<Q", 1) + b"k"
    for item_type, count in [(8, 40_000_000), (4, 49_000_000), (9, 10**7), (8, 2**60)]:
        body = struct.pack("<QQ", 0, 1) + key + struct.pack("<IIQ", 9, item_type, count)
        _quick(_hostile(tmp_path, body + b"\0" * 64))


def test_unknown_value_type(tmp_path: Path) -> None:
    body = struct.pack("<QQ", 0, 1) + struct.pack("<Q", 1) + b"k" + struct.pack("<I", 77)
    with pytest.raises(FormatError, match="unknown metadata value type"):
        read(_hostile(tmp_path, body + b"\0" * 64))


def test_not_gguf(tmp_path: Path) -> None:
    path = tmp_path / "x.gguf"
    path.write_bytes(b"GGUX" + b"\0" * 40)
    with pytest.raises(FormatError):
        read(path)
    path.write_bytes(b"GGUF" + struct.pack("<I", 9) + b"\0" * 40)
    with pytest.raises(FormatError, match="version"):
        read(path)


def _gguf_with_keys(path: Path, kvs: list[tuple[str, str]]) -> Path:
    """A GGUF v3 written by hand: gguf's writer refuses a repeated key, the format does not."""

    def text(value: str) -> bytes:
        raw = value.encode()
        return struct.pack("<Q", len(raw)) + raw

    body = b"".join(text(k) + struct.pack("<I", 8) + text(v) for k, v in kvs)
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + body
    path.write_bytes(data + b"\0" * (-len(data) % 32))
    return path


@pytest.mark.parametrize("evil_first", [True, False])
def test_repeated_chat_template_key_keeps_both_values(tmp_path: Path, evil_first: bool) -> None:
    """llama.cpp and gguf-py disagree on a repeated key (the first wins, or the file is refused):
    both templates are evidence, and the repetition is a finding."""
    evil, plain = "{{ cycler.__init__ }}", "{{ messages[0]['content'] }}"
    first, second = (evil, plain) if evil_first else (plain, evil)
    path = _gguf_with_keys(
        tmp_path / "dup.gguf",
        [("general.architecture", "llama"), ("tokenizer.chat_template", first),
         ("tokenizer.chat_template", second)],
    )  # fmt: skip
    result = read(path)
    templates = [e.value for e in result.evidence if e.fact == "gguf.chat_template"]
    assert sorted(templates) == sorted([evil, plain])
    [dup] = [f for f in result.findings if f.rule_id == "OPN-FMT-001"]
    assert dup.trigger == "tokenizer.chat_template"
