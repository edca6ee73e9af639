"""Hypothesis strategies: byte mutations of valid files, and pickles built opcode by opcode."""

from __future__ import annotations

import pickle
import struct
from typing import Any

from hypothesis import strategies as st

#: values that break length fields: zero, one, sign bits, all ones, just past common limits
_INTERESTING = [
    0,
    1,
    0x7F,
    0x80,
    0xFF,
    0x7FFF,
    0xFFFF,
    0x7FFFFFFF,
    0xFFFFFFFF,
    2**63 - 1,
    2**64 - 1,
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes, max_mutations: int = 6) -> bytes:
    """`seed` with a few random edits: bit flips, overwrites, inserts, deletes, truncation,
    duplicated slices and "interesting" integers written over length fields."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_mutations))):
        if not data:
            data += draw(st.binary(min_size=1, max_size=16))
            continue
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "dup", "int"]))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "dup":
            end = min(len(data), at + draw(st.integers(1, 256)))
            data[at:at] = data[at:end]
        else:
            width = draw(st.sampled_from([1, 2, 4, 8]))
            value = draw(st.sampled_from(_INTERESTING)) % (1 << (8 * width))
            big = draw(st.booleans())
            data[at : at + width] = value.to_bytes(width, "big" if big else "little")
    return bytes(data)


# -- pickles, opcode by opcode ---------------------------------------------------------------

_NAMES = st.sampled_from(
    [
        ("os", "system"),
        ("builtins", "getattr"),
        ("builtins", "eval"),
        ("collections", "OrderedDict"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch", "FloatStorage"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy", "dtype"),
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("__builtin__", "set"),
        ("a.b", "c.d"),
        ("", ""),
    ]
)
_TEXT = st.text(max_size=12)
_SMALL = st.integers(0, 8)


def _sbu(s: str) -> bytes:
    raw = s.encode("utf-8", "surrogatepass")[:255]
    return b"\x8c" + bytes([len(raw)]) + raw


def _line(s: str) -> bytes:
    return s.replace("\n", " ").encode("utf-8", "surrogatepass") + b"\n"


#: one opcode with an argument drawn to be mostly valid
_OP = st.one_of(
    st.sampled_from(
        list(b"(.012NRabdelostu)]}\x85\x86\x87\x88\x89\x81\x92\x93\x94\x8f\x90\x91")
    ).map(lambda c: bytes([c])),
    st.floats(allow_nan=True).map(lambda f: b"G" + struct.pack(">d", f)),
    st.integers(-(2**31), 2**31 - 1).map(lambda n: b"J" + struct.pack("<i", n)),
    st.integers(0, 255).map(lambda n: b"K" + bytes([n])),
    st.integers(0, 65535).map(lambda n: b"M" + struct.pack("<H", n)),
    _TEXT.map(_sbu),
    _TEXT.map(
        lambda s: (
            b"X"
            + struct.pack("<I", len(s.encode("utf-8", "surrogatepass")))
            + s.encode("utf-8", "surrogatepass")
        )
    ),
    st.binary(max_size=12).map(lambda b: b"C" + bytes([len(b)]) + b),
    st.binary(max_size=12).map(lambda b: b"U" + bytes([len(b)]) + b),
    st.binary(max_size=12).map(lambda b: b"B" + struct.pack("<I", len(b)) + b),
    _SMALL.map(lambda n: b"q" + bytes([n])),
    _SMALL.map(lambda n: b"h" + bytes([n])),
    _SMALL.map(lambda n: b"r" + struct.pack("<I", n)),
    _SMALL.map(lambda n: b"j" + struct.pack("<I", n)),
    _SMALL.map(lambda n: b"p" + _line(str(n))),
    _SMALL.map(lambda n: b"g" + _line(str(n))),
    st.integers(-(10**6), 10**6).map(lambda n: b"I" + _line(str(n))),
    st.sampled_from([b"I00\n", b"I01\n", b"F1.5\n", b"Fnan\n", b"L12L\n", b"V\\u00e9\n"]),
    _TEXT.map(lambda s: b"S" + _line(repr(s.encode("ascii", "replace"))[1:])),
    _NAMES.map(lambda mn: b"c" + _line(mn[0]) + _line(mn[1])),
    _NAMES.map(lambda mn: b"i" + _line(mn[0]) + _line(mn[1])),
    _NAMES.map(lambda mn: _sbu(mn[0]) + _sbu(mn[1]) + b"\x93"),
    st.integers(1, 300).map(lambda n: b"\x82" + bytes([n % 256])),
    st.integers(0, 70000).map(lambda n: b"\x83" + struct.pack("<H", n % 65536)),
    _TEXT.map(lambda s: b"P" + _line(s)),
    st.just(b"Q"),
    st.integers(0, 2**62).map(lambda n: b"\x95" + struct.pack("<Q", n % 64)),
    st.integers(0, 6).map(lambda n: b"\x80" + bytes([n])),
    st.integers(-(2**70), 2**70).map(lambda n: b"\x8a" + bytes([len(_long(n))]) + _long(n)),
)


def _long(n: int) -> bytes:
    return bytes(pickle.encode_long(n))


@st.composite
def opcode_pickles(draw: st.DrawFn) -> bytes:
    """A stream of opcodes, usually framed as a pickle (PROTO ... STOP), sometimes several."""
    parts: list[bytes] = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            parts.append(b"\x80" + bytes([draw(st.integers(0, 5))]))
        parts += draw(st.lists(_OP, max_size=60))
        if draw(st.integers(0, 9)):
            parts.append(b".")
    return b"".join(parts)


# -- python values that pickle and compare back -----------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.binary(max_size=20),
)


def python_values() -> st.SearchStrategy[Any]:
    """Nested lists, tuples, dicts and sets of scalars."""
    return st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=8),
            st.lists(inner, max_size=8).map(tuple),
            st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=8),
            st.frozensets(st.one_of(st.integers(), st.text(max_size=8)), max_size=5),
        ),
        max_leaves=40,
    )
