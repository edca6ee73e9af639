"""A tiny BERT-shaped encoder built with torch (HF tensor names), trained for a few steps on a
masked-token task: bases, derivatives and independent models in seconds."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn

VOCAB, HIDDEN, LAYERS, FFN, SEQ = 400, 64, 3, 128, 16
torch.set_num_threads(1)  # the test machine's cores are shared; tiny models gain nothing


class Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attention = nn.ModuleDict(
            {
                "self": nn.ModuleDict(
                    {k: nn.Linear(HIDDEN, HIDDEN) for k in ("query", "key", "value")}
                ),
                "output": nn.ModuleDict(
                    {"dense": nn.Linear(HIDDEN, HIDDEN), "LayerNorm": nn.LayerNorm(HIDDEN)}
                ),
            }
        )
        self.intermediate = nn.ModuleDict({"dense": nn.Linear(HIDDEN, FFN)})
        self.output = nn.ModuleDict(
            {"dense": nn.Linear(FFN, HIDDEN), "LayerNorm": nn.LayerNorm(HIDDEN)}
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.attention["self"]
        q, k, v = s["query"](x), s["key"](x), s["value"](x)
        a = torch.softmax(q @ k.transpose(-1, -2) / HIDDEN**0.5, -1) @ v
        o = self.attention["output"]
        x = o["LayerNorm"](x + o["dense"](a))
        h = torch.nn.functional.gelu(self.intermediate["dense"](x))
        return self.output["LayerNorm"](x + self.output["dense"](h))


class Tiny(nn.Module):
    def __init__(self, seed: int) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.embeddings = nn.ModuleDict(
            {
                "word_embeddings": nn.Embedding(VOCAB, HIDDEN),
                "position_embeddings": nn.Embedding(SEQ, HIDDEN),
                "LayerNorm": nn.LayerNorm(HIDDEN),
            }
        )
        self.encoder = nn.ModuleDict({"layer": nn.ModuleList(Layer() for _ in range(LAYERS))})
        for p in self.parameters():  # BERT's init: N(0, 0.02) weights
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        e = self.embeddings
        x = e["LayerNorm"](
            e["word_embeddings"](ids) + e["position_embeddings"].weight[: ids.shape[1]]
        )
        for layer in self.encoder["layer"]:
            x = layer(x)
        return x @ e["word_embeddings"].weight.T


def train(model: Tiny, steps: int, seed: int, lr: float = 1e-3) -> Tiny:
    """Masked-token training on sequences with a learnable rule (token i+1 follows token i)."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    for _ in range(steps):
        start = torch.randint(0, VOCAB - SEQ, (8, 1), generator=g)
        ids = start + torch.arange(SEQ)
        masked = ids.clone()
        masked[:, ::3] = 0
        loss = nn.functional.cross_entropy(model(masked).reshape(-1, VOCAB), ids.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def save(tensors: dict[str, torch.Tensor], folder: Path, card: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "model.safetensors"))
    if card is not None:
        (folder / "README.md").write_text(card, encoding="utf-8")
    return folder


def card(license_id: str, base_model: str | None = None) -> str:
    base = f"base_model: {base_model}\n" if base_model else ""
    return f"---\nlicense: {license_id}\n{base}library_name: transformers\n---\n\n# A model\n"


def int8_rows(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Symmetric per-row int8 for 2-D weights with a `weight_scale` beside each (as in
    compressed-tensors checkpoints); other tensors kept."""
    out: dict[str, torch.Tensor] = {}
    for name, t in tensors.items():
        if t.dim() == 2 and name.endswith(".weight") and "embeddings" not in name:
            scale = t.abs().amax(dim=1, keepdim=True).clamp(min=1e-8) / 127
            out[name] = torch.round(t / scale).clamp(-127, 127).to(torch.int8)
            out[name[: -len("weight")] + "weight_scale"] = scale.float()
        else:
            out[name] = t
    return out


_cache: dict[tuple[int, int, int], dict[str, torch.Tensor]] = {}


def trained(seed: int, steps: int = 20, data_seed: int = 0) -> dict[str, torch.Tensor]:
    key = (seed, steps, data_seed)
    if key not in _cache:
        _cache[key] = state(train(Tiny(seed), steps, data_seed))
    return {k: v.clone() for k, v in _cache[key].items()}


def fine_tuned(
    base: dict[str, torch.Tensor], steps: int = 15, data_seed: int = 7
) -> dict[str, torch.Tensor]:
    model = Tiny(0)
    model.load_state_dict(base)
    return state(train(model, steps, data_seed, lr=3e-4))
