"""Fingerprints of files the real libraries wrote: the samples are the tensor's own values at
the chosen positions, whatever the format and dtype; damaged files give a clear error."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from openness.errors import FormatError
from openness.lineage.fingerprint import MAX_SAMPLE_BYTES, fingerprint_target
from openness.lineage.sampling import runs
from tests.helpers import run_cli
from tests.lineage.tiny import trained


def _expected(t: torch.Tensor, name: str) -> np.ndarray:
    flat = t.float().flatten().numpy().astype(np.float64)
    return np.concatenate([flat[s : s + n] for s, n in runs(name, tuple(t.shape))])


def _check_samples(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    fp = fingerprint_target(str(path))
    assert fp.sampled and not fp.note
    assert len(fp.samples) >= 10
    for s in fp.samples:
        np.testing.assert_array_equal(s.values, _expected(tensors[s.name], s.name))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
def test_safetensors_samples_are_the_tensor_values(tmp_path: Path, dtype: torch.dtype) -> None:
    tensors = {k: v.to(dtype) for k, v in trained(1, steps=2).items()}
    save_file(tensors, str(tmp_path / "model.safetensors"))
    _check_samples(tmp_path / "model.safetensors", tensors)


def test_int8_and_fp8_are_decoded(tmp_path: Path) -> None:
    base = trained(1, steps=2)
    tensors = {
        "embeddings.word_embeddings.weight": (base["embeddings.word_embeddings.weight"] * 3000)
        .clamp(-127, 127)
        .to(torch.int8),
        **{
            k: v.to(torch.float8_e4m3fn)
            for k, v in base.items()
            if k.startswith("encoder.layer.0.")
        },
        **{k: v.to(torch.float8_e5m2) for k, v in base.items() if k.startswith("encoder.layer.2.")},
    }
    save_file(tensors, str(tmp_path / "model.safetensors"))
    _check_samples(tmp_path / "model.safetensors", tensors)


def test_torch_save_zip_samples_come_from_the_storages(tmp_path: Path) -> None:
    tensors = trained(1, steps=2)
    # views into one shared storage: offsets inside the storage must be honoured
    shared = torch.randn(4, 64)
    tensors["embeddings.LayerNorm.weight"] = shared[1]
    tensors["embeddings.LayerNorm.bias"] = shared[3]
    torch.save(tensors, tmp_path / "pytorch_model.bin")
    fp = fingerprint_target(str(tmp_path / "pytorch_model.bin"))
    assert fp.format == "pytorch-zip"
    for s in fp.samples:
        np.testing.assert_array_equal(s.values, _expected(tensors[s.name], s.name))
    assert "embeddings.LayerNorm.weight" in {s.name for s in fp.samples}


def test_a_transposed_view_is_not_sampled_as_if_row_major(tmp_path: Path) -> None:
    tensors = trained(1, steps=2)
    name = "encoder.layer.0.intermediate.dense.weight"
    tensors[name] = tensors[name].T.contiguous().T  # same values, column-major storage
    torch.save(tensors, tmp_path / "model.pt")
    fp = fingerprint_target(str(tmp_path / "model.pt"))
    assert name not in {s.name for s in fp.samples}
    assert name in {n for n, _, _ in fp.tensors}


def test_onnx_initializers_are_sampled_from_raw_data(tmp_path: Path) -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import helper, numpy_helper

    tensors = trained(1, steps=2)
    inits = [numpy_helper.from_array(v.numpy(), k) for k, v in tensors.items()]
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])],
        initializer=inits,
    )
    onnx.save(helper.make_model(graph), str(tmp_path / "model.onnx"))
    _check_samples(tmp_path / "model.onnx", tensors)


def test_gguf_gives_a_signature_only_and_says_so(tmp_path: Path) -> None:
    gguf = pytest.importorskip("gguf")
    writer = gguf.GGUFWriter(str(tmp_path / "model.gguf"), "llama")
    writer.add_tensor("blk.0.attn_q.weight", np.ones((8, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    fp = fingerprint_target(str(tmp_path / "model.gguf"))
    assert fp.format == "gguf" and not fp.sampled
    assert fp.tensors == (("blk.0.attn_q.weight", (8, 8), "F32"),)
    assert "signature only" in fp.note


def test_reads_stay_small_on_a_large_file(tmp_path: Path) -> None:
    tensors = {"embeddings.word_embeddings.weight": torch.randn(30522, 384)}
    for i in range(12):
        for part in ("attention.self.query", "intermediate.dense"):
            tensors[f"encoder.layer.{i}.{part}.weight"] = torch.randn(384, 384)
    save_file(tensors, str(tmp_path / "model.safetensors"))  # about 60 MB
    fp = fingerprint_target(str(tmp_path / "model.safetensors"))
    assert fp.sampled
    assert fp.bytes_read < MAX_SAMPLE_BYTES + 64 * 1024 <= 512 * 1024


def test_onnx_reads_stay_small_too(tmp_path: Path) -> None:
    """Tensor headers lie between the raw_data payloads: reading them must not pull in the
    weights around them (a 64 KB window per header read 1.5-2.8 MB of a 23 MB ONNX)."""
    onnx = pytest.importorskip("onnx")
    from onnx import helper, numpy_helper

    rng = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(
            rng.standard_normal((384, 384), dtype=np.float32),
            f"encoder.layer.{i}.attention.self.query.weight",
        )
        for i in range(24)
    ]
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])],
        initializer=inits,
    )
    onnx.save(helper.make_model(graph), str(tmp_path / "model.onnx"))  # about 14 MB
    fp = fingerprint_target(str(tmp_path / "model.onnx"))
    assert fp.sampled
    assert fp.bytes_read <= 512 * 1024, fp.bytes_read


def test_files_without_weights_give_an_empty_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# nothing\n")
    fp = fingerprint_target(str(tmp_path))
    assert not fp.sampled and fp.note == "no weight file found"


def _cut(path: Path, keep: int) -> None:
    path.write_bytes(path.read_bytes()[:keep])


def test_truncated_and_malformed_files_give_clear_errors(tmp_path: Path) -> None:
    save_file(trained(1, steps=2), str(tmp_path / "model.safetensors"))
    size = (tmp_path / "model.safetensors").stat().st_size
    _cut(tmp_path / "model.safetensors", size - 1000)
    with pytest.raises(FormatError, match=r"model\.safetensors: .*outside the file"):
        fingerprint_target(str(tmp_path / "model.safetensors"))

    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(struct.pack("<Q", 10) + b'{"a": [1,,')
    with pytest.raises(FormatError, match="not valid JSON"):
        fingerprint_target(str(bad))

    torch.save(trained(1, steps=2), tmp_path / "model.bin")
    _cut(tmp_path / "model.bin", 3000)
    result = run_cli(
        "lineage", "match", str(tmp_path / "model.bin"), "--db", str(tmp_path / "x.db")
    )
    assert result.returncode == 2
    assert "no weight file found" in result.stderr and "Traceback" not in result.stderr

    result = run_cli(
        "lineage", "index", str(tmp_path / "model.safetensors"), "--db", str(tmp_path / "x.db")
    )
    assert result.returncode == 2
    assert "outside the file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("exported", "normalised"),
    [
        (
            "model.0.auto_model.embeddings.word_embeddings.weight",
            "embeddings.word_embeddings.weight",
        ),
        ("inner.embeddings.word_embeddings.weight_q", "embeddings.word_embeddings.weight"),
        (
            "bert.encoder.layer.0.output.dense.weight_quantized",
            "encoder.layer.0.output.dense.weight",
        ),
        ("blk.0.attn_q.weight", "blk.0.attn_q.weight"),
    ],
)
def test_exporters_names_are_normalised(exported: str, normalised: str) -> None:
    from openness.lineage.names import normalise

    assert normalise(exported) == normalised
