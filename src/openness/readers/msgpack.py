"""msgpack (Flax checkpoints, `flax_model.msgpack`): recognised by walking its structure.

msgpack carries data only: maps, arrays, strings, binary, numbers and typed `ext` blobs that a
loader decodes with its own hook (Flax: arrays and complex numbers). Nothing in it names code.
The walk checks that the whole file is exactly one or more well-formed values, without building
any of them, so an arbitrary binary blob named `.msgpack` stays unrecognised.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

#: deeper nesting than any checkpoint has; a walk past it is not called msgpack
MAX_DEPTH = 512
#: a checkpoint is a few thousand values (arrays are single ext blobs); past this, not recognised
MAX_VALUES = 2_000_000

# first byte -> (bytes of a length field, or of a fixed payload; "len" means a length follows)
_FIXED = {0xC0: 0, 0xC2: 0, 0xC3: 0, 0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}
_FIXED.update({0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8, 0xD4: 2, 0xD5: 3, 0xD6: 5, 0xD7: 9, 0xD8: 17})
_SIZED = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4}  # bin8/16/32, str8/16/32
_EXT = {0xC7: 1, 0xC8: 2, 0xC9: 4}
_CONTAINER = {0xDC: (2, 1), 0xDD: (4, 1), 0xDE: (2, 2), 0xDF: (4, 2)}  # (length bytes, per item)


class _Reader:
    def __init__(self, stream: BinaryIO, size: int) -> None:
        self.stream, self.size, self.pos, self.values = stream, size, 0, 0

    def take(self, n: int) -> bytes:
        if n > self.size - self.pos:
            raise ValueError("past the end")
        self.pos += n
        return self.stream.read(n)

    def skip(self, n: int) -> None:
        if n > self.size - self.pos:
            raise ValueError("past the end")
        self.pos += n
        self.stream.seek(self.pos)

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")


def is_msgpack(stream: BinaryIO, size: int) -> bool:
    """The whole file walks as msgpack values, ending exactly at its end."""
    stream.seek(0)
    r = _Reader(stream, size)
    try:
        while r.pos < size:
            _walk_value(r)
    except (ValueError, struct.error):
        return False
    return size > 0


def _walk_value(r: _Reader) -> None:
    pending = 1  # values still to read at this level; a stack of them for nesting
    stack: list[int] = []
    while True:
        if r.values >= MAX_VALUES:
            raise ValueError("too many values")
        while pending == 0:
            if not stack:
                return
            pending = stack.pop()
        pending -= 1
        r.values += 1
        first = r.take(1)[0]
        items = 0
        if first <= 0x7F or first >= 0xE0:
            continue  # fixint
        if 0x80 <= first <= 0x8F:
            items = 2 * (first & 0x0F)
        elif 0x90 <= first <= 0x9F:
            items = first & 0x0F
        elif 0xA0 <= first <= 0xBF:
            r.skip(first & 0x1F)
            continue
        elif first in _FIXED:
            r.skip(_FIXED[first])
            continue
        elif first in _SIZED:
            r.skip(r.uint(_SIZED[first]))
            continue
        elif first in _EXT:
            r.skip(r.uint(_EXT[first]) + 1)
            continue
        elif first in _CONTAINER:
            width, per = _CONTAINER[first]
            items = per * r.uint(width)
        else:
            raise ValueError(f"byte {first:#x} starts no msgpack value")  # 0xC1 is never used
        if items > r.size - r.pos:
            raise ValueError("more items than bytes left")
        if items:
            if len(stack) >= MAX_DEPTH:
                raise ValueError("nested too deep")
            stack.append(pending)
            pending = items
