"""The allowlist: the only globals a checkpoint may name to be converted. Nothing is imported.

Everything a pickle would import must be here, wherever it appears in the stream (even a
global whose result is popped and never used: loading would still call it). The walker
models calls symbolically, so the allowlist is about what the *file* may do, not about us.
"""

from __future__ import annotations

from ..readers.pickle.walker import Walk
from ..readers.torch_tensors import STORAGE_DTYPES, TORCH_DTYPES
from .plan import ConversionRefused

REBUILD_TENSOR = frozenset(
    {
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor_v3",
    }
)
REBUILD_PARAMETER = frozenset(
    {"torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state"}
)
REBUILD_FROM_TYPE = "torch._tensor._rebuild_from_type_v2"
TENSOR_TYPES = frozenset({"torch.Tensor", "torch._tensor.Tensor", "torch.nn.parameter.Parameter"})
ORDERED_DICT = "collections.OrderedDict"
NUMPY_RECONSTRUCT = frozenset(
    {"numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"}
)
NUMPY_FROMBUFFER = frozenset({"numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer"})
NUMPY_NDARRAY = "numpy.ndarray"
NUMPY_DTYPE = "numpy.dtype"
CODECS_ENCODE = "_codecs.encode"  # how protocol 2 spells bytes: harmless
NUMPY_SCALAR = frozenset({"numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar"})

_QUANTIZED = {name for name, (dtype, _) in STORAGE_DTYPES.items() if dtype.startswith("Q")}
_STORAGES = {f"torch.{name}" for name in STORAGE_DTYPES if name not in _QUANTIZED}
_STORAGES |= {"torch.storage.UntypedStorage", "torch.storage.TypedStorage"}

TORCH_ALLOWED = frozenset(
    REBUILD_TENSOR
    | REBUILD_PARAMETER
    | TENSOR_TYPES
    | _STORAGES
    | {f"torch.{name}" for name in TORCH_DTYPES}
    | {REBUILD_FROM_TYPE, ORDERED_DICT, "torch.Size"}
)
NUMPY_ALLOWED = frozenset(
    NUMPY_RECONSTRUCT
    | NUMPY_FROMBUFFER
    | NUMPY_SCALAR
    | {NUMPY_NDARRAY, NUMPY_DTYPE, CODECS_ENCODE, ORDERED_DICT}
)


def enforce(walk: Walk, allowed: frozenset[str], where: str, *, persistent_ids: bool) -> None:
    """Refuse the file unless every import, extension and persistent id is expected."""
    for g in walk.globals:
        if g.dotted not in allowed:
            raise ConversionRefused(
                f"refused: {where} imports {g.dotted} ({g.opcode}), which is not an "
                "allowlisted tensor-rebuild function; nothing was run",
                unsafe=True,
                offset=g.offset,
            )
    if walk.extensions:
        raise ConversionRefused(
            f"refused: {where} uses the copyreg extension registry (EXT opcodes), which can "
            "name any callable",
            unsafe=True,
            offset=walk.extensions[0].offset,
        )
    if walk.persistent_ids and not persistent_ids:
        raise ConversionRefused(
            f"refused: {where} has persistent ids, which only a custom unpickler resolves",
            unsafe=True,
            offset=walk.persistent_ids[0].offset,
        )
