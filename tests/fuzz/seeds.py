"""Valid files of every format the readers know, made by code with the real libraries.

The fuzz harnesses mutate these: a mutation of a valid file reaches much deeper into a reader
than random bytes do. Each builder is cached: hypothesis calls them thousands of times.
"""

from __future__ import annotations

import io
import json
import pickle
import tempfile
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np


@cache
def safetensors_file() -> bytes:
    from safetensors.numpy import save

    return save({"a.weight": np.ones((2, 3), np.float32), "b": np.arange(4, dtype=np.int64)})


@cache
def torch_zip() -> bytes:
    import torch

    out = io.BytesIO()
    base = torch.arange(12, dtype=torch.float32)
    torch.save({"w": base.view(3, 4), "row": base[4:8], "h": torch.ones(2, dtype=torch.half)}, out)
    return out.getvalue()


@cache
def torch_legacy() -> bytes:
    import torch

    out = io.BytesIO()
    torch.save(
        {"w": torch.ones(2, 2), "n": torch.tensor([1, 2])},
        out,
        _use_new_zipfile_serialization=False,
    )
    return out.getvalue()


@cache
def plain_pickle() -> bytes:
    obj = {"ints": [1, -2, 2**70], "f": 1.5, "s": "héllo", "b": b"\x00", "set": {1}, "t": (None,)}
    return pickle.dumps(obj, protocol=4)


@cache
def numpy_pickle() -> bytes:
    return pickle.dumps({"a": np.arange(6, dtype=np.float32).reshape(2, 3)}, protocol=2)


@cache
def npy_file() -> bytes:
    out = io.BytesIO()
    np.save(out, np.arange(10, dtype=np.float64))
    return out.getvalue()


@cache
def npy_object() -> bytes:
    out = io.BytesIO()
    np.save(out, np.array([{"k": 1}, None], dtype=object), allow_pickle=True)
    return out.getvalue()


@cache
def npz_file() -> bytes:
    out = io.BytesIO()
    np.savez(out, a=np.ones(3), b=np.zeros((2, 2), np.int8))
    return out.getvalue()


@cache
def gguf_file() -> bytes:
    import gguf

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.gguf"
        w = gguf.GGUFWriter(str(path), "llama")
        w.add_name("tiny")
        w.add_string("general.license", "apache-2.0")
        w.add_chat_template("{% for m in messages %}{{ m.content }}{% endfor %}")
        w.add_block_count(2)
        w.add_token_list(["a", "b", "c"])
        w.add_array("test.nested", [[1, 2], [3]])
        w.add_tensor("a.weight", np.ones((4, 8), np.float32))
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        return path.read_bytes()


@cache
def onnx_file() -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    init = numpy_helper.from_array(np.ones((4, 2), np.float32), "W")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["y"]),
            helper.make_node("Custom", ["y"], ["out"], domain="com.example"),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 2])],
        [init],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)]
    )
    return bytes(model.SerializeToString())


def _h5(fill: Callable[[object], None]) -> bytes:
    import h5py

    out = io.BytesIO()
    with h5py.File(out, "w") as h5:
        fill(h5)
    return out.getvalue()


_KERAS_CONFIG = {
    "class_name": "Sequential",
    "config": {
        "name": "seq",
        "layers": [
            {"class_name": "Dense", "config": {"name": "dense", "units": 2}},
            {"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAAAA", None]}},
        ],
    },
}


@cache
def keras_h5() -> bytes:
    def fill(h5: object) -> None:
        h5.attrs["model_config"] = json.dumps(_KERAS_CONFIG)  # type: ignore[attr-defined]
        h5.attrs["keras_version"] = "2.15.0"  # type: ignore[attr-defined]
        h5.create_dataset(  # type: ignore[attr-defined]
            "model_weights/dense/dense/kernel:0", data=np.ones((4, 2), np.float32)
        )

    return _h5(fill)


@cache
def keras_zip() -> bytes:
    def fill(h5: object) -> None:
        h5.create_dataset("layers/dense/vars/0", data=np.ones((4, 2), np.float32))  # type: ignore[attr-defined]

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.3.3"}))
        zf.writestr("config.json", json.dumps(_KERAS_CONFIG))
        zf.writestr("model.weights.h5", _h5(fill))
    return out.getvalue()


CONFIG_JSON = json.dumps(
    {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": 8,
        "num_hidden_layers": 2,
        "vocab_size": 3,
        "auto_map": {"AutoModel": "modeling_x.Model"},
    }
).encode()
TOKENIZER_CONFIG = json.dumps(
    {"chat_template": "{{ messages[0].content }}", "model_max_length": 128}
).encode()
CARD = b"""---
license: apache-2.0
datasets: [c4]
base_model: meta-llama/Llama-2-7b
model-index:
- name: x
  results: []
---
# Model card
## Training data
Trained on [C4](https://huggingface.co/datasets/c4). Paper: https://arxiv.org/abs/2101.00001
## Limitations
Biased. ## License
Apache-2.0
"""
LICENSE = b"""MIT License

Copyright (c) 2024 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software.
"""

#: file name -> builder; names chosen so the release-level logic (cards, configs) kicks in
FILES: dict[str, Callable[[], bytes]] = {
    "model.safetensors": safetensors_file,
    "pytorch_model.bin": torch_zip,
    "legacy.bin": torch_legacy,
    "data.pkl": plain_pickle,
    "arrays.pkl": numpy_pickle,
    "x.npy": npy_file,
    "obj.npy": npy_object,
    "x.npz": npz_file,
    "model.gguf": gguf_file,
    "model.onnx": onnx_file,
    "model.h5": keras_h5,
    "model.keras": keras_zip,
    "config.json": lambda: CONFIG_JSON,
    "tokenizer_config.json": lambda: TOKENIZER_CONFIG,
    "README.md": lambda: CARD,
    "LICENSE": lambda: LICENSE,
}
