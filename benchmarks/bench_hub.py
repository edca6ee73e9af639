"""Requests and bytes to assess a Hub repo holding 20 GB of safetensors, against a fake Hub.

The fake Hub (tests/hub/fake_hub.py) serves eight sparse shards: real headers (a 10B-parameter
Llama-style layout), then zeros that are never stored. Counted on the server side:

    .venv/bin/python benchmarks/bench_hub.py

Baseline in the same run: huggingface_hub's own `get_safetensors_metadata` (header-only too),
and what downloading the weights would cost. Target: `openness assess` reads under 2 MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hub.fake_hub import Content, FakeHub, Repo  # noqa: E402

REPO = "bench/llama-10b"
SHARDS = 8
HIDDEN, INTER, LAYERS, VOCAB = 5120, 13824, 31, 32000


def tensors() -> list[tuple[str, list[int]]]:
    out = [("model.embed_tokens.weight", [VOCAB, HIDDEN])]
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        out += [(p + f"self_attn.{x}_proj.weight", [HIDDEN, HIDDEN]) for x in "qkvo"]
        out += [(p + f"mlp.{x}_proj.weight", [INTER, HIDDEN]) for x in ("gate", "up")]
        out += [(p + "mlp.down_proj.weight", [HIDDEN, INTER])]
        out += [(p + f"{x}_layernorm.weight", [HIDDEN]) for x in ("input", "post_attention")]
    out += [("model.norm.weight", [HIDDEN]), ("lm_head.weight", [VOCAB, HIDDEN])]
    return out


def shards() -> dict[str, Content]:
    specs = tensors()
    per = -(-len(specs) // SHARDS)
    files: dict[str, Content] = {}
    weight_map: dict[str, str] = {}
    for s in range(SHARDS):
        name = f"model-{s + 1:05d}-of-{SHARDS:05d}.safetensors"
        header: dict[str, object] = {"__metadata__": {"format": "pt"}}
        offset = 0
        for tensor, shape in specs[s * per : (s + 1) * per]:
            n = 2
            for d in shape:
                n *= d
            header[tensor] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + n]}
            weight_map[tensor] = name
            offset += n
        raw = json.dumps(header).encode()
        head = struct.pack("<Q", len(raw)) + raw
        claimed = hashlib.sha256(head).hexdigest()  # the Hub's LFS digest, not recomputed here
        files[name] = Content(head, len(head) + offset, claimed)
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    files["model.safetensors.index.json"] = Content.of(json.dumps(index).encode())
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"],
              "hidden_size": HIDDEN, "intermediate_size": INTER, "num_hidden_layers": LAYERS,
              "vocab_size": VOCAB}  # fmt: skip
    files["config.json"] = Content.of(json.dumps(config).encode())
    card = "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# A 10B model\n"
    files["README.md"] = Content.of(card.encode())
    return files


def main() -> None:
    hub = FakeHub().start()
    home = tempfile.mkdtemp(prefix="bench-hub-")
    os.environ.update(HF_ENDPOINT=hub.endpoint, HF_HOME=home)
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_CACHE"):
        os.environ.pop(name, None)
    files = shards()
    hub.add_repo(Repo(REPO)).add_commit(files)
    weights = sum(c.size for p, c in files.items() if p.endswith(".safetensors"))

    import openness  # after HF_ENDPOINT: the client reads it at import

    hub.reset_counts()
    start = time.perf_counter()
    a = openness.assess(f"hf:{REPO}")
    took = time.perf_counter() - start
    ours = (len(hub.requests), hub.body_bytes)
    print(f"repo: {len(files)} files, {weights / 1e9:.1f} GB of safetensors in {SHARDS} shards")
    print(f"parameters read: {a.summary.parameters:,}; complete: {a.complete}")
    print(f"openness assess hf:{REPO}: {ours[0]} requests, {ours[1]:,} bytes, {took:.2f} s")

    from huggingface_hub import get_safetensors_metadata

    hub.reset_counts()
    start = time.perf_counter()
    meta = get_safetensors_metadata(REPO)
    took = time.perf_counter() - start
    print(
        f"huggingface_hub get_safetensors_metadata (headers only, no card/config/license): "
        f"{len(hub.requests)} requests, {hub.body_bytes:,} bytes, {took:.2f} s, "
        f"{sum(meta.parameter_count.values()):,} parameters"
    )
    print(f"downloading the weights: {weights:,} bytes")
    verdict = "PASS" if ours[1] < 2 * 1024 * 1024 else "FAIL"
    print(f"target under 2 MiB read: {verdict} ({ours[1] / 1024:.0f} KiB)")
    hub.stop()


if __name__ == "__main__":
    main()
