"""Safe conversion of pickle-based checkpoints to safetensors, without running the pickle.

`plan_conversion(path)` walks the opcode stream and returns a plan (or raises
`ConversionRefused` with the reason); `write_safetensors(plan, out, metadata)` writes it.
"""

from __future__ import annotations

from typing import BinaryIO

from ..limits import DEFAULT_LIMITS, Limits
from ..readers import detect
from .numpy_plan import plan_numpy
from .plan import ConversionPlan, ConversionRefused, TensorPlan
from .regions import ZIP_ERRORS
from .torch_plan import plan_legacy, plan_zip
from .writer import write_safetensors

#: output may exceed the input (tied weights are copied per name), but not without bound
OUTPUT_FACTOR, OUTPUT_SLACK = 4, 64 * 1024 * 1024


def plan_conversion(
    path: str,
    stream: BinaryIO,
    size: int,
    limits: Limits = DEFAULT_LIMITS,
    max_output_bytes: int | None = None,
) -> ConversionPlan:
    """Plan converting one checkpoint; `stream` must stay open until the plan is written."""
    cap = max_output_bytes if max_output_bytes is not None else size * OUTPUT_FACTOR + OUTPUT_SLACK
    try:
        fmt = detect.detect_format(path, size, stream)
    except ZIP_ERRORS as exc:
        raise ConversionRefused(f"{path}: cannot recognise the format: {exc}") from None
    stream.seek(0)
    if fmt == detect.PYTORCH_ZIP:
        plan = plan_zip(path, stream, limits, cap)
    elif fmt == detect.TORCH_LEGACY:
        plan = plan_legacy(path, stream, size, limits, cap)
    elif fmt == detect.PICKLE:
        plan = plan_numpy(path, stream, size, limits, cap)
    elif fmt == detect.SAFETENSORS:
        raise ConversionRefused(f"{path} is already safetensors")
    else:
        raise ConversionRefused(
            f"{path} is {fmt}, not a pickle-based checkpoint (PyTorch .bin/.pt, legacy "
            "torch.save, or a pickle of NumPy arrays)"
        )
    if not plan.tensors:
        raise ConversionRefused(f"{path} holds no tensors to convert")
    return plan


__all__ = [
    "ConversionPlan",
    "ConversionRefused",
    "TensorPlan",
    "plan_conversion",
    "write_safetensors",
]
