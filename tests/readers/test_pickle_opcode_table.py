"""Every entry of the opcode table, each in a pickle that uses it, walked on both paths (hot loop
and checked handlers, values compared); data-only ones also against what pickle.loads returns
for the same bytes (our own bytes: safe). A new table entry without a row here fails."""

from __future__ import annotations

import pickle
import pickletools
import struct

import pytest

from openness.readers.pickle.opcodes import OPCODES
from tests.fuzz.test_pickle_vm import to_python
from tests.readers.test_pickle_vm import deep, walk


def u(text: str) -> bytes:
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


P2, P4, P5 = b"\x80\x02", b"\x80\x04", b"\x80\x05"

#: opcode -> a whole pickle that uses it and only loads plain data
DATA: dict[str, bytes] = {
    "INT": b"I42\n.",
    "BININT": b"J\xfe\xff\xff\xff.",
    "BININT1": b"K\x07.",
    "BININT2": b"M\x01\x02.",
    "LONG": b"L123456789012345678901234567890L\n.",
    "LONG1": P2 + b"\x8a\x02\xff\x7f.",
    "LONG4": P2 + b"\x8b\x03\x00\x00\x00\x01\x02\x83.",
    "STRING": b"S'abc'\n.",
    "BINSTRING": b"T\x03\x00\x00\x00abc.",
    "SHORT_BINSTRING": b"U\x03abc.",
    "BINBYTES": b"\x80\x03B\x02\x00\x00\x00hi.",
    "SHORT_BINBYTES": b"\x80\x03C\x02hi.",
    "BINBYTES8": P4 + b"\x8e" + struct.pack("<Q", 2) + b"hi.",
    "BYTEARRAY8": P5 + b"\x96" + struct.pack("<Q", 2) + b"hi.",
    "NONE": b"N.",
    "NEWTRUE": P2 + b"\x88.",
    "NEWFALSE": P2 + b"\x89.",
    "UNICODE": b"Vh\\u00e9\n.",
    "SHORT_BINUNICODE": P4 + u("hé") + b".",
    "BINUNICODE": b"X\x02\x00\x00\x00hi.",
    "BINUNICODE8": P4 + b"\x8d" + struct.pack("<Q", 2) + b"hi.",
    "FLOAT": b"F1.25\n.",
    "BINFLOAT": b"G" + struct.pack(">d", -2.5) + b".",
    "EMPTY_LIST": b"].",
    "APPEND": b"]K\x01a.",
    "APPENDS": b"](K\x01K\x02e.",
    "LIST": b"(K\x01K\x02l.",
    "EMPTY_TUPLE": b").",
    "TUPLE": b"(K\x01K\x02t.",
    "TUPLE1": P2 + b"K\x01\x85.",
    "TUPLE2": P2 + b"K\x01K\x02\x86.",
    "TUPLE3": P2 + b"K\x01K\x02K\x03\x87.",
    "EMPTY_DICT": b"}.",
    "DICT": b"(K\x01K\x02d.",
    "SETITEM": b"}K\x01K\x02s.",
    "SETITEMS": b"}(K\x01K\x02K\x03K\x04u.",
    "EMPTY_SET": P4 + b"\x8f.",
    "ADDITEMS": P4 + b"\x8f(K\x01K\x02\x90.",
    "FROZENSET": P4 + b"(K\x01K\x02\x91.",
    "POP": b"K\x01K\x020.",
    "DUP": P2 + b"K\x012\x86.",
    "MARK": b"(K\x01t.",
    "POP_MARK": b"K\x07(K\x01K\x021.",
    "GET": b"]p0\n0g0\n.",
    "BINGET": b"]q\x010h\x01.",
    "LONG_BINGET": b"]r\x01\x00\x00\x000j\x01\x00\x00\x00.",
    "PUT": b"K\x05p3\n.",
    "BINPUT": b"K\x05q\x03.",
    "LONG_BINPUT": b"K\x05r\x03\x00\x00\x00.",
    "MEMOIZE": P4 + b"]\x940h\x00.",
    "PROTO": P2 + b"N.",
    "STOP": b"N.",
    "FRAME": P4 + b"\x95" + struct.pack("<Q", 2) + b"N.",
}

#: opcode -> (a whole pickle using it, the walked top value as plain data); never loaded
SYMBOLIC: dict[str, tuple[bytes, object]] = {
    "GLOBAL": (b"cos\nsystem\n.", ("global", "os", "system", 0, "GLOBAL")),
    "STACK_GLOBAL": (
        P4 + u("os") + u("system") + b"\x93.",
        ("global", "os", "system", 14, "STACK_GLOBAL"),
    ),
    "REDUCE": (
        b"cos\nsystem\n(K\x01tR.",
        (
            "call",
            ("global", "os", "system", 0, "GLOBAL"),
            (("int", 1),),
            15,
            "REDUCE",
            ("NoneType", None),
            ("NoneType", None),
            [],
            [],
            0,
        ),
    ),
    "BUILD": (
        b"cm\nC\n)R}K\x01K\x02sb.",
        (
            "call",
            ("global", "m", "C", 0, "GLOBAL"),
            (),
            6,
            "REDUCE",
            ("NoneType", None),
            ("dict", [(("int", 1), ("int", 2))], 0),
            [],
            [],
            0,
        ),
    ),
    "INST": (
        b"(K\x01im\nC\n.",
        (
            "call",
            ("global", "m", "C", 3, "INST"),
            (("int", 1),),
            3,
            "INST",
            ("NoneType", None),
            ("NoneType", None),
            [],
            [],
            0,
        ),
    ),
    "OBJ": (
        b"(cm\nC\nK\x01o.",
        (
            "call",
            ("global", "m", "C", 1, "GLOBAL"),
            (("int", 1),),
            8,
            "OBJ",
            ("NoneType", None),
            ("NoneType", None),
            [],
            [],
            0,
        ),
    ),
    "NEWOBJ": (
        P2 + b"cm\nC\n)\x81.",
        (
            "call",
            ("global", "m", "C", 2, "GLOBAL"),
            (),
            8,
            "NEWOBJ",
            ("NoneType", None),
            ("NoneType", None),
            [],
            [],
            0,
        ),
    ),
    "NEWOBJ_EX": (
        P4 + b"cm\nC\n)}\x92.",
        (
            "call",
            ("global", "m", "C", 2, "GLOBAL"),
            (),
            9,
            "NEWOBJ_EX",
            ("dict", [], 0),
            ("NoneType", None),
            [],
            [],
            0,
        ),
    ),
    "EXT1": (P2 + b"\x82\x01.", "ExtRef(code=1, offset=2)"),
    "EXT2": (P2 + b"\x83\x01\x01.", "ExtRef(code=257, offset=2)"),
    "EXT4": (P2 + b"\x84\x01\x00\x01\x00.", "ExtRef(code=65537, offset=2)"),
    "PERSID": (b"Pkey\n.", ("pid", ("str", "key"), 0)),
    "BINPERSID": (P2 + u("key") + b"Q.", ("pid", ("str", "key"), 7)),
    "NEXT_BUFFER": (P5 + b"\x97.", "Opaque(reason='out-of-band buffer', offset=2)"),
    "READONLY_BUFFER": (P5 + b"\x97\x98.", "Opaque(reason='out-of-band buffer', offset=2)"),
}


def test_every_opcode_of_the_table_has_a_row() -> None:
    assert set(DATA) | set(SYMBOLIC) == set(OPCODES.values())
    assert not set(DATA) & set(SYMBOLIC)


@pytest.mark.parametrize("name", sorted(OPCODES.values()))
def test_each_row_uses_its_opcode(name: str) -> None:
    data = DATA[name] if name in DATA else SYMBOLIC[name][0]
    assert name in {op.name for op, _, _ in pickletools.genops(data)}  # parses, never loads


@pytest.mark.parametrize("name", sorted(DATA))
def test_data_opcode_walks_to_what_pickle_loads(name: str) -> None:
    data = DATA[name]
    walked = walk(data)
    assert walked.end == len(data)
    assert to_python(walked.pickles[0].value) == pickle.loads(data)


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_symbolic_opcode_walks_to_its_value(name: str) -> None:
    data, expected = SYMBOLIC[name]
    assert deep(walk(data).pickles[0].value) == expected
