"""What a conversion will write: tensors as (dtype, shape, strided view over a byte region)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import OpennessError
from .regions import Region

#: safetensors dtype -> bytes per element
DTYPE_SIZES: dict[str, int] = {
    "F64": 8,
    "F32": 4,
    "F16": 2,
    "BF16": 2,
    "I64": 8,
    "I32": 4,
    "I16": 2,
    "I8": 1,
    "U64": 8,
    "U32": 4,
    "U16": 2,
    "U8": 1,
    "BOOL": 1,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
    "F8_E8M0": 1,
    "C64": 8,
}


class ConversionRefused(OpennessError):
    """The checkpoint cannot be converted without running it, or is not one we understand.

    `unsafe` is True when loading the file would import or call something outside the tensor
    allowlist (the CLI exits 1, a policy failure); False when it is malformed or unsupported
    (exit 2, an input error). Either way nothing from the file was run.
    """

    def __init__(self, message: str, *, unsafe: bool = False, offset: int | None = None):
        where = f" (byte {offset})" if offset is not None else ""
        super().__init__(message + where)
        self.unsafe = unsafe
        self.offset = offset


@dataclass(frozen=True)
class TensorPlan:
    """One tensor to write: element (0,...,0) sits at `offset` bytes into `region`."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]  # in elements, as torch and numpy (after dividing) count them
    offset: int
    region: Region
    storage: str  # where the bytes live, to report shared storages

    @property
    def itemsize(self) -> int:
        return DTYPE_SIZES[self.dtype]

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        return self.numel * self.itemsize

    @property
    def contiguous(self) -> bool:
        expected = 1
        for dim, stride in zip(reversed(self.shape), reversed(self.strides), strict=True):
            if dim != 1 and stride != expected:
                return False
            expected *= dim
        return True

    def span(self) -> int:
        """Bytes from `offset` to the end of the last element the view touches (0 if empty)."""
        if self.numel == 0:
            return 0
        last = sum((d - 1) * s for d, s in zip(self.shape, self.strides, strict=True))
        return (last + 1) * self.itemsize


@dataclass
class ConversionPlan:
    """Everything the writer needs, plus what the user should be told."""

    source: str
    format: str  # pytorch-zip | torch-legacy | numpy-pickle
    tensors: list[TensorPlan] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # non-tensor values left out, by name

    @property
    def nbytes(self) -> int:
        return sum(t.nbytes for t in self.tensors)

    def shared_storages(self) -> dict[str, list[str]]:
        """Storages used by more than one tensor name: each gets its own copy in the output."""
        users: dict[str, list[str]] = {}
        for t in self.tensors:
            users.setdefault(t.storage, []).append(t.name)
        return {k: v for k, v in users.items() if len(v) > 1}


def check_view(t: TensorPlan, limit: int | None = None) -> None:
    """The strided view must stay inside its region (checked before a byte is copied)."""
    if len(t.shape) != len(t.strides):
        raise ConversionRefused(f"tensor {t.name!r}: shape and stride have different lengths")
    if t.offset < 0:
        raise ConversionRefused(f"tensor {t.name!r}: negative storage offset")
    end = t.offset + t.span()
    if t.numel and end > t.region.size:
        raise ConversionRefused(
            f"tensor {t.name!r} reaches byte {end:,} of storage {t.storage}, which holds "
            f"only {t.region.size:,} bytes"
        )
    if limit is not None and t.nbytes > limit:
        raise ConversionRefused(f"tensor {t.name!r} would take {t.nbytes:,} bytes")
