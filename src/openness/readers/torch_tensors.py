"""Recover tensors from a walked torch pickle: `_rebuild_tensor*` calls over persistent-id storages.

Shared by the zip reader (data.pkl) and the legacy `torch.save` reader. Names come from the dict
keys leading to each tensor; traversal is iterative and visits each container once.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import TensorInfo
from ..record import Record, record
from .pickle.values import Call, Global, PDict, PersistentId, PList, PSet, Value, int_tuple
from .pickle.walker import Walk

#: legacy storage class -> (safetensors-style dtype, bytes per element)
STORAGE_DTYPES: dict[str, tuple[str, int]] = {
    "FloatStorage": ("F32", 4),
    "DoubleStorage": ("F64", 8),
    "HalfStorage": ("F16", 2),
    "BFloat16Storage": ("BF16", 2),
    "LongStorage": ("I64", 8),
    "IntStorage": ("I32", 4),
    "ShortStorage": ("I16", 2),
    "CharStorage": ("I8", 1),
    "ByteStorage": ("U8", 1),
    "BoolStorage": ("BOOL", 1),
    "ComplexFloatStorage": ("C64", 8),
    "ComplexDoubleStorage": ("C128", 16),
    "QInt8Storage": ("QI8", 1),
    "QUInt8Storage": ("QU8", 1),
    "QInt32Storage": ("QI32", 4),
    "QUInt4x2Storage": ("QU4x2", 1),
    "QUInt2x4Storage": ("QU2x4", 1),
    "UntypedStorage": ("U8", 1),
}
#: torch.<dtype> globals (passed to _rebuild_tensor_v3) -> safetensors-style dtype
TORCH_DTYPES: dict[str, str] = {
    "float32": "F32",
    "float": "F32",
    "float64": "F64",
    "double": "F64",
    "float16": "F16",
    "half": "F16",
    "bfloat16": "BF16",
    "int64": "I64",
    "long": "I64",
    "int32": "I32",
    "int": "I32",
    "int16": "I16",
    "short": "I16",
    "int8": "I8",
    "uint8": "U8",
    "uint16": "U16",
    "uint32": "U32",
    "uint64": "U64",
    "bool": "BOOL",
    "complex64": "C64",
    "cfloat": "C64",
    "complex128": "C128",
    "cdouble": "C128",
    "float8_e4m3fn": "F8_E4M3",
    "float8_e5m2": "F8_E5M2",
    "float8_e8m0fnu": "F8_E8M0",
    "float4_e2m1fn_x2": "F4",
}
#: rebuilds whose first argument is a storage and third the shape (a quantized tensor too)
_REBUILD = frozenset(
    {"_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_qtensor"}
)
_WRAPPERS = frozenset(
    {
        "_rebuild_parameter",
        "_rebuild_parameter_with_state",
        "_rebuild_from_type_v2",
        "_rebuild_qtensor",
    }
)
_MODULE_SLOTS = frozenset({"_parameters", "_buffers", "_modules"})


@record
class Storage(Record):
    """A persistent-id storage: ('storage', type, key, location, numel[, view_metadata])."""

    key: str
    dtype: str
    element_size: int
    numel: int | None
    location: str


def storage_of(value: Value) -> Storage | None:
    if not isinstance(value, PersistentId) or not isinstance(value.value, tuple):
        return None
    pid = value.value
    if len(pid) < 5 or pid[0] != "storage" or not isinstance(pid[1], Global):
        return None
    stype, key, location, numel = pid[1], pid[2], pid[3], pid[4]
    if stype.module not in ("torch", "torch.cuda", "torch.storage") or not isinstance(key, str):
        return None
    dtype, size = STORAGE_DTYPES.get(stype.name, ("?", 1))
    return Storage(
        key,
        dtype,
        size,
        numel if isinstance(numel, int) and not isinstance(numel, bool) else None,
        location if isinstance(location, str) else "?",
    )


def _rebuild_args(call: Call) -> tuple[str, tuple[Value, ...]] | None:
    """(rebuild function name, its args) when `call` rebuilds a tensor from a storage."""
    func, args = call.func, call.args
    if not isinstance(func, Global) or not isinstance(args, tuple):
        return None
    if func.dotted == "torch._tensor._rebuild_from_type_v2" and len(args) >= 3:
        inner, inner_args = args[0], args[2]
        if (
            isinstance(inner, Global)
            and inner.module == "torch._utils"
            and inner.name in _REBUILD
            and isinstance(inner_args, tuple)
        ):
            return inner.name, inner_args
        return None
    if func.module == "torch._utils" and func.name in _REBUILD:
        return func.name, args
    return None


def recover(
    walk: Walk, prefix: str = "", locate: Callable[[str], int | None] | None = None
) -> tuple[list[TensorInfo], list[Storage]]:
    """Tensors (named where the object tree names them) and the distinct storages they use.

    `locate` maps a storage key (with `prefix`) to the file offset of its raw bytes, when they
    are stored uncompressed; contiguous tensors then get their `data_offset`."""
    found: dict[int, TensorInfo] = {}
    storages: dict[str, Storage] = {}
    for call in walk.calls:
        rebuilt = _rebuild_args(call)
        if rebuilt is None:
            continue
        name, args = rebuilt
        storage = storage_of(args[0]) if args else None
        shape = int_tuple(args[2]) if len(args) >= 3 else None
        if storage is None or shape is None:
            continue
        dtype = storage.dtype
        if name == "_rebuild_tensor_v3" and len(args) >= 7 and isinstance(args[6], Global):
            dtype = TORCH_DTYPES.get(args[6].name, dtype)
        storages.setdefault(storage.key, storage)
        at = _data_offset(args, shape, storage, locate(prefix + storage.key) if locate else None)
        found[id(call)] = TensorInfo(
            f"<tensor@{call.offset}>", dtype, shape, storage=prefix + storage.key, data_offset=at
        )
    names = _names(walk, set(found))
    return (
        [
            TensorInfo(names.get(i, t.name), t.dtype, t.shape, t.storage, t.data_offset)
            for i, t in found.items()
        ],
        list(storages.values()),
    )


def _data_offset(
    args: tuple[Value, ...], shape: tuple[int, ...], storage: Storage, start: int | None
) -> int | None:
    """Where a row-major (contiguous) tensor's first element sits in the file."""
    if start is None or len(args) < 4:
        return None
    offset, stride = args[1], int_tuple(args[3])
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0 or stride is None:
        return None
    expected, step = [], 1
    for d in reversed(shape):
        expected.append(step)
        step *= d
    if tuple(reversed(expected)) != stride and step > 1:
        return None
    return start + offset * storage.element_size


def _names(walk: Walk, wanted: set[int]) -> dict[int, str]:
    """Dotted key paths to the tensor calls, found by one iterative pass over the object tree."""
    names: dict[int, str] = {}
    seen: set[int] = set()
    todo: list[tuple[Value, str]] = [(p.value, "") for p in reversed(walk.pickles)]
    while todo and len(names) < len(wanted):
        value, path = todo.pop()
        if not isinstance(value, tuple | PList | PDict | PSet | Call) or id(value) in seen:
            continue
        seen.add(id(value))
        if id(value) in wanted:
            names[id(value)] = path
            continue
        todo.extend(_children(value, path))
    return names


def _children(value: Value, path: str) -> list[tuple[Value, str]]:
    def join(key: Value) -> str:
        part = key if isinstance(key, str) else str(key) if isinstance(key, int) else "?"
        if part in _MODULE_SLOTS:
            return path
        return f"{path}.{part}" if path else part

    out: list[tuple[Value, str]] = []
    if isinstance(value, PDict):
        out += [(v, join(k)) for k, v in value.items]
    elif isinstance(value, tuple | PList | PSet):
        items = value if isinstance(value, tuple) else value.items
        out += [(v, join(i)) for i, v in enumerate(items)]
    elif isinstance(value, Call):
        wrapper = isinstance(value.func, Global) and value.func.name in _WRAPPERS
        out += [(v, join(k)) for k, v in value.items]
        out += [(v, join(i)) for i, v in enumerate(value.appended)]
        out.append((value.state, path))
        if wrapper and isinstance(value.args, tuple) and value.args:
            out.append((value.args[0], path))
    return list(reversed(out))
