"""Could these bytes be a pickle? A real parse attempt, not a guess from the first byte.

`pickle.load` accepts any valid opcode at byte 0 (protocol 0 text like `N0c...` or `V...`, a
`STRING` before a `STACK_GLOBAL`, `PROTO` in the middle of the stream), so a file that no other
format claims is walked with the same opcode walker the pickle reader uses. It counts as a pickle
when the walk shows what an unpickler would do with it:

- it reaches a call (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX) on something imported or computed:
  loading runs code, whatever follows;
- it reaches STOP after importing a global whose module and name are real identifiers; or
- consecutive pickles cover the whole file (a data-only pickle, up to trailing whitespace).

Ordinary text almost never gets past its first few bytes: prose, CSV, source code and tokenizer
vocabularies are not opcode streams that balance. Memory stays flat (long arguments are seeked
past) and time is bounded by `Limits.max_pickle_ops`; nothing is imported or called.
"""

from __future__ import annotations

from typing import BinaryIO

from ..errors import FormatError
from ..limits import DEFAULT_LIMITS, Limits
from .pickle_opcodes import OPCODES
from .pickle_ops import PickleWalker
from .pickle_values import Call, ExtRef, Global, Value

#: bytes after the last STOP that still let a data-only pickle count as the whole file
_TRAILING_SPACE = 64
_WALK_ERRORS = (FormatError, ValueError, TypeError, KeyError, IndexError, OverflowError)


def could_be_pickle(stream: BinaryIO, size: int, limits: Limits = DEFAULT_LIMITS) -> bool:
    """True when `pickle.load` of the stream from byte 0 would import and call, or load data."""
    stream.seek(0)
    first = stream.read(1)
    if not first or first[0] not in OPCODES:
        return False  # pickle.load fails on the first byte: nothing runs
    walker = PickleWalker(stream, size, limits)
    clean = True
    try:
        walker.walk_all()
    except (*_WALK_ERRORS, MemoryError, RecursionError):
        clean = False  # what was walked before the error still counts
    walk = walker.result
    if any(_callable(c.func) for c in walk.calls):
        return True
    if walk.pickles:
        last_stop = walk.pickles[-1].end
        if any(_importable(g) and g.offset < last_stop for g in walk.globals):
            return True
        if walk.extensions and walk.extensions[0].offset < last_stop:
            return True
        if clean and _only_space_after(stream, last_stop, size):
            return True
    return False


def _callable(func: Value) -> bool:
    """What an unpickler could really call: an import, an extension, or another call's result."""
    if isinstance(func, Global):
        return _importable(func)
    return isinstance(func, Call | ExtRef)


def _importable(g: Global) -> bool:
    if g.module == "<dynamic>":  # computed or too long to keep: it is imported all the same
        return True
    parts = [*g.module.split("."), *g.name.split(".")]
    return all(p.isidentifier() for p in parts)


def _only_space_after(stream: BinaryIO, end: int, size: int) -> bool:
    rest = size - end
    if rest == 0:
        return True
    if rest > _TRAILING_SPACE:
        return False
    stream.seek(end)
    return not stream.read(rest).strip()
