"""Plan a PyTorch checkpoint (zip or legacy `torch.save`) from its opcode stream, never loading it.

Tensors are accepted only as `torch._utils._rebuild_tensor*` calls over ('storage', ...)
persistent ids, optionally wrapped in `_rebuild_parameter*` or `_rebuild_from_type_v2`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from ..errors import FormatError
from ..limits import Limits
from ..readers.pickle.values import Call, Global, PDict, PersistentId, PList, Value, int_tuple
from ..readers.pickle.walker import PickleWalker, Walk
from ..readers.torch_tensors import TORCH_DTYPES, Storage, storage_of
from .plan import DTYPE_SIZES, ConversionPlan, ConversionRefused, TensorPlan, check_view
from .policy import (
    REBUILD_FROM_TYPE,
    REBUILD_PARAMETER,
    REBUILD_TENSOR,
    TENSOR_TYPES,
    TORCH_ALLOWED,
    enforce,
)
from .regions import ZIP_ERRORS, FileRegion, Region, zip_member_region
from .tree import named_leaves

TORCH_MAGIC = 0x1950A86A20F9469CFC6C
_T = TypeVar("_T")
#: (storage key) -> (region holding its bytes, what the persistent id said about it)
StorageLookup = Callable[[Storage], Region]


def is_tensor(value: Value) -> bool:
    if not isinstance(value, Call) or not isinstance(value.func, Global):
        return False
    dotted = value.func.dotted
    return dotted in REBUILD_TENSOR or dotted in REBUILD_PARAMETER or dotted == REBUILD_FROM_TYPE


def plan_tensors(
    plan: ConversionPlan, walk: Walk, root: Value, lookup: StorageLookup, max_bytes: int
) -> None:
    total = 0
    for name, leaf in named_leaves(root, is_tensor, "tensor"):
        if not is_tensor(leaf):
            plan.dropped.append(name)
            continue
        assert isinstance(leaf, Call)
        tensor = _tensor(name, leaf, lookup)
        check_view(tensor)
        total += tensor.nbytes
        if total > max_bytes:
            raise ConversionRefused(
                f"the output would exceed {max_bytes:,} bytes (at tensor {name!r}); views that "
                "repeat one storage many times are refused"
            )
        plan.tensors.append(tensor)


def _tensor(name: str, call: Call, lookup: StorageLookup, depth: int = 0) -> TensorPlan:
    assert isinstance(call.func, Global)
    dotted, args = call.func.dotted, call.args
    if not isinstance(args, tuple) or depth > 4:
        raise _bad(name, "its rebuild call has no argument tuple", call)
    if dotted in REBUILD_PARAMETER:
        return _tensor(name, _as_call(name, args[0] if args else None, call), lookup, depth + 1)
    if dotted == REBUILD_FROM_TYPE:
        if len(args) < 3 or not (isinstance(args[1], Global) and args[1].dotted in TENSOR_TYPES):
            raise _bad(name, "_rebuild_from_type_v2 names no tensor type", call)
        inner = Call(args[0], args[2], call.offset, call.kind)
        return _tensor(name, _as_call(name, inner, call), lookup, depth + 1)
    return _rebuild(name, dotted, args, call, lookup)


def _as_call(name: str, value: Value, outer: Call) -> Call:
    if not is_tensor(value):
        raise _bad(name, "a parameter wraps something that is not a tensor", outer)
    assert isinstance(value, Call)
    return value


def _rebuild(
    name: str, dotted: str, args: tuple[Value, ...], call: Call, lookup: StorageLookup
) -> TensorPlan:
    if len(args) < 4:
        raise _bad(name, f"{dotted} has {len(args)} arguments, expected at least 4", call)
    storage = storage_of(args[0]) if isinstance(args[0], PersistentId) else None
    if storage is None:
        raise _bad(name, "its storage is not a ('storage', type, key, ...) persistent id", call)
    pid = args[0].value if isinstance(args[0], PersistentId) else None
    if isinstance(pid, tuple) and len(pid) > 5 and pid[5] is not None:
        raise _bad(name, "legacy storage views (view_metadata) are not supported", call)
    offset, shape, stride = args[1], int_tuple(args[2]), int_tuple(args[3])
    if not isinstance(offset, int) or isinstance(offset, bool) or shape is None or stride is None:
        raise _bad(name, "its offset, size or stride is not made of non-negative integers", call)
    dtype = storage.dtype
    if dotted.endswith("_v3"):
        if len(args) < 7 or not isinstance(args[6], Global):
            raise _bad(name, "_rebuild_tensor_v3 without a dtype", call)
        dtype = TORCH_DTYPES.get(args[6].name, args[6].name)
    if dtype not in DTYPE_SIZES:
        raise ConversionRefused(
            f"tensor {name!r}: dtype {dtype} has no safetensors equivalent (quantized, complex128 "
            "and sub-byte types are not converted)",
            offset=call.offset,
        )
    return TensorPlan(
        name=name,
        dtype=dtype,
        shape=shape,
        strides=stride,
        offset=offset * DTYPE_SIZES[dtype],
        region=lookup(storage),
        storage=storage.key,
    )


def _bad(name: str, why: str, call: Call) -> ConversionRefused:
    return ConversionRefused(f"tensor {name!r}: {why}", offset=call.offset)


def plan_zip(path: str, stream: BinaryIO, limits: Limits, max_bytes: int) -> ConversionPlan:
    try:
        archive = zipfile.ZipFile(stream)
        infos = {i.filename: i for i in archive.infolist()}
    except ZIP_ERRORS as exc:
        raise ConversionRefused(f"not a readable zip archive: {exc}") from None
    try:
        return _plan_zip(path, stream, archive, infos, limits, max_bytes)
    except ZIP_ERRORS as exc:
        raise ConversionRefused(f"damaged zip archive: {exc}") from None


def _plan_zip(
    path: str,
    stream: BinaryIO,
    archive: zipfile.ZipFile,
    infos: dict[str, zipfile.ZipInfo],
    limits: Limits,
    max_bytes: int,
) -> ConversionPlan:
    pickles = [n for n in infos if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pickles) != 1:
        raise ConversionRefused("not a torch.save zip: expected exactly one <name>/data.pkl")
    prefix = pickles[0][: -len("data.pkl")]
    if any("/code/" in n or n.endswith((".py", "constants.pkl")) for n in infos):
        raise ConversionRefused(
            "a TorchScript archive: it holds code, not just a state dict; save the "
            "state_dict() and convert that",
            unsafe=True,
        )
    order = infos.get(prefix + "byteorder")
    if order is not None and archive.read(order).strip() not in (b"little", b""):
        raise ConversionRefused("big-endian checkpoints are not supported")
    info = infos[pickles[0]]
    if info.file_size > limits.max_pickle_bytes:
        raise ConversionRefused(f"data.pkl is over {limits.max_pickle_bytes:,} bytes")
    with archive.open(info) as member:
        walker = PickleWalker(member, info.file_size, limits)  # type: ignore[arg-type]
        walk = _walk(walker.walk_all, pickles[0])
    enforce(walk, TORCH_ALLOWED, pickles[0], persistent_ids=True)

    def lookup(storage: Storage) -> Region:
        member_info = infos.get(f"{prefix}data/{storage.key}")
        if member_info is None:
            raise ConversionRefused(f"storage {storage.key!r} is missing from the archive")
        return zip_member_region(stream, archive, member_info)

    plan = ConversionPlan(path, "pytorch-zip")
    plan_tensors(plan, walk, walk.pickles[0].value, lookup, max_bytes)
    return plan


def plan_legacy(
    path: str, stream: BinaryIO, size: int, limits: Limits, max_bytes: int
) -> ConversionPlan:
    walker = PickleWalker(stream, size, limits)
    magic = _walk(walker.walk_one, "the magic-number pickle").value
    if magic != TORCH_MAGIC:
        raise ConversionRefused("not a legacy torch.save file (no magic number)")
    _walk(walker.walk_one, "the protocol-version pickle")
    info = _walk(walker.walk_one, "the system-info pickle").value
    if isinstance(info, PDict) and info.get("little_endian") is False:
        raise ConversionRefused("big-endian checkpoints are not supported")
    root = _walk(walker.walk_one, "the main pickle").value
    keys = _walk(walker.walk_one, "the storage-key pickle").value
    enforce(walker.result, TORCH_ALLOWED, "the pickle", persistent_ids=True)
    if not isinstance(keys, PList) or not all(isinstance(k, str) for k in keys.items):
        raise ConversionRefused("legacy torch file: the storage keys are not a list of strings")
    sizes: dict[str, int] = {}
    for pid in walker.result.persistent_ids:
        storage = storage_of(pid)
        if storage is not None:
            sizes[storage.key] = storage.element_size
    regions: dict[str, Region] = {}
    for key in keys.items:
        assert isinstance(key, str)
        count = int.from_bytes(_walk(lambda: walker.read(8, "storage size"), key), "little")
        nbytes = count * sizes.get(key, 1)
        if nbytes > walker.remaining():
            raise ConversionRefused(f"storage {key!r} runs past the end of the file")
        regions[key] = FileRegion(stream, walker.pos, nbytes)
        walker.skip(nbytes, f"storage {key}")

    def lookup(storage: Storage) -> Region:
        if storage.key not in regions:
            raise ConversionRefused(f"storage {storage.key!r} is missing from the file")
        return regions[storage.key]

    plan = ConversionPlan(path, "torch-legacy")
    plan_tensors(plan, walker.result, root, lookup, max_bytes)
    return plan


def _walk(step: Callable[[], _T], what: str) -> _T:
    try:
        return step()
    except FormatError as exc:
        raise ConversionRefused(f"{what}: {exc}", offset=exc.offset) from None
