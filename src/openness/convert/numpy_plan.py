"""Plan a pickle of NumPy arrays (or of dicts and lists of them) without unpickling it.

Arrays are accepted as `numpy._core.multiarray._reconstruct` + BUILD state (protocols 0-4) or
`numpy._core.numeric._frombuffer` (protocol 5, in-band buffer). Array bytes longer than the
walker's string cap were seeked past; they are read back from the file at their offset.
"""

from __future__ import annotations

from typing import BinaryIO

from ..errors import FormatError
from ..lazy_re import lazy
from ..limits import Limits
from ..readers.pickle.values import Call, Global, Skipped, Value, int_tuple
from ..readers.pickle.walker import PickleWalker
from .plan import ConversionPlan, ConversionRefused, TensorPlan, check_view
from .policy import (
    CODECS_ENCODE,
    NUMPY_ALLOWED,
    NUMPY_DTYPE,
    NUMPY_FROMBUFFER,
    NUMPY_RECONSTRUCT,
    enforce,
)
from .regions import BytesRegion, FileRegion, Region
from .tree import named_leaves

#: numpy kind+size -> safetensors dtype
NUMPY_DTYPES = {
    "f2": "F16",
    "f4": "F32",
    "f8": "F64",
    "i1": "I8",
    "i2": "I16",
    "i4": "I32",
    "i8": "I64",
    "u1": "U8",
    "u2": "U16",
    "u4": "U32",
    "u8": "U64",
    "b1": "BOOL",
    "c8": "C64",
}
_DTYPE = lazy(r"^[<>|=]?([a-zA-Z]\d+|\?)$")
#: opcode -> width of its length prefix, for reading a skipped bytes argument back
_LENGTH_WIDTH = {b"B": 4, b"T": 4, b"X": 4, b"\x8e": 8, b"\x96": 8, b"\x8d": 8}


def is_array(value: Value) -> bool:
    if not isinstance(value, Call) or not isinstance(value.func, Global):
        return False
    return value.func.dotted in NUMPY_RECONSTRUCT | NUMPY_FROMBUFFER


def plan_numpy(
    path: str, stream: BinaryIO, size: int, limits: Limits, max_bytes: int
) -> ConversionPlan:
    walker = PickleWalker(stream, size, limits)
    try:
        walk = walker.walk_all()
    except FormatError as exc:
        raise ConversionRefused(f"malformed pickle: {exc}", offset=exc.offset) from None
    enforce(walk, NUMPY_ALLOWED, "the pickle", persistent_ids=False)
    plan = ConversionPlan(path, "numpy-pickle")
    total = 0
    many = len(walk.pickles) > 1
    for index, pickle in enumerate(walk.pickles):
        default = f"{index}" if many else "array"
        for name, leaf in named_leaves(pickle.value, is_array, default):
            full = f"{index}.{name}" if many and name != default else name
            if not is_array(leaf):
                plan.dropped.append(full)
                continue
            assert isinstance(leaf, Call)
            tensor = _array(full, leaf, stream)
            check_view(tensor)
            total += tensor.nbytes
            if total > max_bytes:
                raise ConversionRefused(f"the output would exceed {max_bytes:,} bytes")
            plan.tensors.append(tensor)
    return plan


def _array(name: str, call: Call, stream: BinaryIO) -> TensorPlan:
    assert isinstance(call.func, Global)
    args = call.args if isinstance(call.args, tuple) else ()
    if call.func.dotted in NUMPY_FROMBUFFER:
        if len(args) != 4:
            raise _bad(name, "_frombuffer needs (buffer, dtype, shape, order)", call)
        data, dtype_call, shape, order = args
        fortran = order == "F"
    else:
        state = call.state
        if not isinstance(state, tuple) or len(state) != 5:
            raise _bad(name, "the array state is not (version, shape, dtype, fortran, data)", call)
        _, shape, dtype_call, fortran_flag, data = state
        fortran = fortran_flag is True
    dims = int_tuple(shape)
    if dims is None:
        raise _bad(name, "its shape is not a tuple of non-negative integers", call)
    dtype = _dtype(name, dtype_call, call)
    region = _data_region(name, data, stream, call)
    strides = _strides(dims, fortran)
    tensor = TensorPlan(name, dtype, dims, strides, 0, region, f"{name}@{call.offset}")
    if region.size != tensor.nbytes:
        raise _bad(name, f"holds {region.size:,} bytes, its shape needs {tensor.nbytes:,}", call)
    return tensor


def _dtype(name: str, value: Value, call: Call) -> str:
    if not (isinstance(value, Call) and isinstance(value.func, Global)):
        raise _bad(name, "its dtype is not a numpy.dtype call", call)
    args = value.args
    if value.func.dotted != NUMPY_DTYPE or not isinstance(args, tuple) or not args:
        raise _bad(name, "its dtype is not a numpy.dtype call", call)
    spec = args[0]
    state = value.state
    order = state[1] if isinstance(state, tuple) and len(state) > 4 else "|"
    if (
        isinstance(state, tuple)
        and len(state) > 4
        and (state[3] is not None or state[4] is not None)
    ):
        raise _bad(name, "structured dtypes are not converted", call)
    match = _DTYPE.match(spec) if isinstance(spec, str) else None
    kind = "b1" if match and match.group(1) == "?" else match.group(1) if match else None
    if kind is None or kind not in NUMPY_DTYPES:
        raise ConversionRefused(
            f"array {name!r}: numpy dtype {spec!r} has no safetensors equivalent (object, "
            "string and structured arrays are not converted)",
            offset=call.offset,
        )
    if order == ">" or (isinstance(spec, str) and spec.startswith(">")):
        raise _bad(name, "big-endian arrays are not supported", call)
    return NUMPY_DTYPES[kind]


def _data_region(name: str, data: Value, stream: BinaryIO, call: Call) -> Region:
    if isinstance(data, bytes):
        return BytesRegion(data)
    if isinstance(data, Skipped) and data.kind == "bytes":
        return _skipped_region(name, data, stream, call)
    if (
        isinstance(data, Call)
        and isinstance(data.func, Global)
        and data.func.dotted == CODECS_ENCODE
    ):
        args = data.args
        if isinstance(args, tuple) and len(args) == 2 and args[1] == "latin1":
            text = args[0]
            if isinstance(text, Skipped) and text.kind == "str":
                raw = _skipped_region(name, text, stream, call).read(0, text.length)
                text = raw.decode("utf-8", "surrogatepass")
            if isinstance(text, str):
                try:
                    return BytesRegion(text.encode("latin1"))
                except UnicodeEncodeError:
                    raise _bad(name, "its protocol-2 data is not latin-1", call) from None
    raise _bad(name, "its data is not a bytes argument", call)


def _skipped_region(name: str, skipped: Skipped, stream: BinaryIO, call: Call) -> FileRegion:
    stream.seek(skipped.offset)
    width = _LENGTH_WIDTH.get(stream.read(1))
    if width is None:
        raise _bad(name, "its data uses an opcode that cannot be read back by offset", call)
    return FileRegion(stream, skipped.offset + 1 + width, skipped.length)


def _strides(shape: tuple[int, ...], fortran: bool) -> tuple[int, ...]:
    dims = list(reversed(shape)) if not fortran else list(shape)
    out, step = [], 1
    for d in dims:
        out.append(step)
        step *= d
    return tuple(reversed(out)) if not fortran else tuple(out)


def _bad(name: str, why: str, call: Call) -> ConversionRefused:
    return ConversionRefused(f"array {name!r}: {why}", offset=call.offset)
