"""The pickle opcode table (protocols 0-5), from the spec in Lib/pickletools.py."""

from __future__ import annotations

#: opcode byte -> name, from the pickle spec (Lib/pickletools.py)
OPCODES: dict[int, str] = {
    ord(k): v
    for k, v in {
        "(": "MARK",
        ".": "STOP",
        "0": "POP",
        "1": "POP_MARK",
        "2": "DUP",
        "F": "FLOAT",
        "I": "INT",
        "J": "BININT",
        "K": "BININT1",
        "L": "LONG",
        "M": "BININT2",
        "N": "NONE",
        "P": "PERSID",
        "Q": "BINPERSID",
        "R": "REDUCE",
        "S": "STRING",
        "T": "BINSTRING",
        "U": "SHORT_BINSTRING",
        "V": "UNICODE",
        "X": "BINUNICODE",
        "a": "APPEND",
        "b": "BUILD",
        "c": "GLOBAL",
        "d": "DICT",
        "}": "EMPTY_DICT",
        "e": "APPENDS",
        "g": "GET",
        "h": "BINGET",
        "i": "INST",
        "j": "LONG_BINGET",
        "l": "LIST",
        "]": "EMPTY_LIST",
        "o": "OBJ",
        "p": "PUT",
        "q": "BINPUT",
        "r": "LONG_BINPUT",
        "s": "SETITEM",
        "t": "TUPLE",
        ")": "EMPTY_TUPLE",
        "u": "SETITEMS",
        "G": "BINFLOAT",
        "\x80": "PROTO",
        "\x81": "NEWOBJ",
        "\x82": "EXT1",
        "\x83": "EXT2",
        "\x84": "EXT4",
        "\x85": "TUPLE1",
        "\x86": "TUPLE2",
        "\x87": "TUPLE3",
        "\x88": "NEWTRUE",
        "\x89": "NEWFALSE",
        "\x8a": "LONG1",
        "\x8b": "LONG4",
        "B": "BINBYTES",
        "C": "SHORT_BINBYTES",
        "\x8c": "SHORT_BINUNICODE",
        "\x8d": "BINUNICODE8",
        "\x8e": "BINBYTES8",
        "\x8f": "EMPTY_SET",
        "\x90": "ADDITEMS",
        "\x91": "FROZENSET",
        "\x92": "NEWOBJ_EX",
        "\x93": "STACK_GLOBAL",
        "\x94": "MEMOIZE",
        "\x95": "FRAME",
        "\x96": "BYTEARRAY8",
        "\x97": "NEXT_BUFFER",
        "\x98": "READONLY_BUFFER",
    }.items()
}

#: opcodes that push nothing (every other handler's return value is pushed, None included)
NO_PUSH = frozenset(
    {
        "MARK",
        "STOP",
        "POP",
        "POP_MARK",
        "APPEND",
        "APPENDS",
        "ADDITEMS",
        "SETITEM",
        "SETITEMS",
        "PUT",
        "BINPUT",
        "LONG_BINPUT",
        "MEMOIZE",
        "BUILD",
        "PROTO",
        "FRAME",
        "READONLY_BUFFER",
    }
)
#: fixed-width argument: opcode -> (bytes, signed, what the argument is)
SIZED: dict[str, tuple[int, bool, str]] = {
    "BININT": (4, True, "int"),
    "BININT1": (1, False, "int"),
    "BININT2": (2, False, "int"),
    "BINGET": (1, False, "get"),
    "LONG_BINGET": (4, False, "get"),
    "BINPUT": (1, False, "put"),
    "LONG_BINPUT": (4, False, "put"),
    "EXT1": (1, False, "ext"),
    "EXT2": (2, False, "ext"),
    "EXT4": (4, True, "ext"),
    "LONG1": (1, False, "long"),
    "LONG4": (4, True, "long"),
    "BINSTRING": (4, True, "pystr"),
    "SHORT_BINSTRING": (1, False, "pystr"),
    "BINBYTES": (4, False, "bytes"),
    "SHORT_BINBYTES": (1, False, "bytes"),
    "BINBYTES8": (8, False, "bytes"),
    "BYTEARRAY8": (8, False, "bytes"),
    "BINUNICODE": (4, False, "text"),
    "SHORT_BINUNICODE": (1, False, "text"),
    "BINUNICODE8": (8, False, "text"),
}
STOP = 0x2E

#: scalar opcodes the hot loop reads in runs: opcode -> (argument width, struct format of one
#: opcode with its argument, or the constant it pushes); BININT1's argument bytes are the values
SCALAR_RUNS: dict[int, tuple[int, str | bool | None]] = {
    ord("G"): (8, ">xd"),  # BINFLOAT, a big-endian double
    ord("K"): (1, None),  # BININT1
    ord("M"): (2, "<xH"),  # BININT2
    ord("J"): (4, "<xi"),  # BININT
    ord("N"): (0, None),  # NONE
    0x88: (0, True),  # NEWTRUE
    0x89: (0, False),  # NEWFALSE
}
