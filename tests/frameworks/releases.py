"""Releases built in a folder, component by component, to reach each MOF class."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

CARD = """---
license: {license}
library_name: transformers
datasets:
- example/corpus
---
# Tiny model

{claim}

## Training data

Trained on 1,000 tokens of example/corpus.

## Training procedure

Two epochs on one A100 GPU, 0.1 GPU hours.

## Evaluation

Accuracy 0.5 on the held-out split.

## Limitations

A toy.
"""

CLASS_III = {
    "technical_report.pdf": b"%PDF-1.4 report",
    "data_card.md": b"# Data card\n",
    "samples/outputs.jsonl": b'{"prompt": "1", "output": "2"}\n',
}
CLASS_II = {
    "train.py": b"print('train')\n",
    "inference.py": b"print('infer')\n",
    "eval.py": b"print('eval')\n",
    "eval/test.jsonl": b'{"x": 1}\n',
    "requirements.txt": b"numpy\n",
}
CLASS_I = {
    "paper.pdf": b"%PDF-1.4 paper",
    "data/train.jsonl": b'{"text": "a"}\n',
    "preprocess.py": b"print('clean')\n",
}
CHECKPOINT = "checkpoints/step-100/model.safetensors"


def weights(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(path))


def build(
    root: Path,
    mof_class: str | None = "I",
    *,
    drop: str | None = None,
    license: str = "apache-2.0",
    claim: str = "",
) -> Path:
    """A release reaching `mof_class` (III, II, I or None), minus the file `drop`."""
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "README.md": CARD.format(license=license, claim=claim).encode(),
        "config.json": json.dumps({"model_type": "bert", "hidden_size": 2}).encode(),
    }
    levels = {"III": [CLASS_III], "II": [CLASS_III, CLASS_II], "I": [CLASS_III, CLASS_II, CLASS_I]}
    for group in levels.get(mof_class or "", []):
        files.update(group)
    for name, data in files.items():
        if name == drop:
            continue
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if drop != "model.safetensors":
        weights(root / "model.safetensors")
    if mof_class == "I" and drop != CHECKPOINT:
        weights(root / CHECKPOINT)
    return root
