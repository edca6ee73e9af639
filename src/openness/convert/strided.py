"""Copy a strided view out of its storage as contiguous bytes: bit for bit, no dtype arithmetic.

Contiguous tensors are streamed in chunks (flat memory). Other views read the span they touch
and gather elements with NumPy when it is installed (`openness[convert]`), else in pure Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .plan import TensorPlan

CHUNK = 8 * 1024 * 1024


def tensor_bytes(t: TensorPlan) -> Iterator[bytes]:
    """The tensor's elements in C order, as chunks of raw bytes."""
    if t.numel == 0:
        return
    if t.contiguous:
        done, total = 0, t.nbytes
        while done < total:
            n = min(CHUNK, total - done)
            yield t.region.read(t.offset + done, n)
            done += n
        return
    span = t.region.read(t.offset, t.span())
    yield _gather_numpy(t, span) if _have_numpy() else _gather_python(t, span)


def _have_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _gather_numpy(t: TensorPlan, span: bytes) -> bytes:
    import numpy as np
    from numpy.lib.stride_tricks import as_strided

    size = t.itemsize
    flat = np.frombuffer(span, dtype=np.dtype(f"V{size}"))
    view = as_strided(flat, shape=t.shape, strides=[s * size for s in t.strides], writeable=False)
    return bytes(np.ascontiguousarray(view).tobytes())


def _gather_python(t: TensorPlan, span: bytes) -> bytes:
    size = t.itemsize
    inner_dim, inner_stride = t.shape[-1], t.strides[-1]
    out = bytearray()
    for index in itertools.product(*(range(d) for d in t.shape[:-1])):
        base = sum(i * s for i, s in zip(index, t.strides[:-1], strict=True)) * size
        if inner_stride == 1:
            out += span[base : base + inner_dim * size]
        else:
            step = inner_stride * size
            for k in range(inner_dim):
                at = base + k * step
                out += span[at : at + size]
    return bytes(out)
