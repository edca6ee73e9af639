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
vocabularies are not opcode streams that balance. Long arguments are seeked past, and the walk
stops after PROBE_OPS opcodes: a stream still consistent that far is treated as a pickle and the
pickle reader, with the full limits, decides. Nothing is imported or called.
"""

from __future__ import annotations

from dataclasses import replace
from typing import BinaryIO

from ...errors import FormatError, LimitExceeded
from ...limits import DEFAULT_LIMITS, Limits
from .opcodes import OPCODES
from .values import Call, ExtRef, Global, Value
from .walker import PickleWalker

#: opcodes the probe walks (about a second at most); a walk still going by then is a pickle's
PROBE_OPS = 500_000
#: bytes after the last STOP that still let a data-only pickle count as the whole file
_TRAILING_SPACE = 64
_OPS_LIMIT = "pickle opcodes"  # how the walker words its opcode-count limit
_WALK_ERRORS = (FormatError, ValueError, TypeError, KeyError, IndexError, OverflowError)


def could_be_pickle(stream: BinaryIO, size: int, limits: Limits = DEFAULT_LIMITS) -> bool:
    """True when `pickle.load` of the stream from byte 0 would import and call, or load data."""
    stream.seek(0)
    first = stream.read(1)
    if not first or first[0] not in OPCODES:
        return False  # pickle.load fails on the first byte: nothing runs
    budget = min(limits.max_pickle_ops, PROBE_OPS)
    walker = PickleWalker(stream, size, replace(limits, max_pickle_ops=budget))
    clean = True
    try:
        walker.walk_all()
    except LimitExceeded as exc:
        if _OPS_LIMIT in str(exc):
            return True  # a consistent opcode stream this long is no accident: the reader decides
        clean = False
    except (*_WALK_ERRORS, MemoryError, RecursionError):
        clean = False  # what was walked before the error still counts
    walk = walker.result
    # pickle.load stops at an import that cannot succeed: nothing after it happens
    cut = min((g.offset for g in walk.globals if not _importable(g)), default=size + 1)
    if any(_callable(c.func) and c.offset < cut for c in walk.calls):
        return True
    stops = [p.end for p in walk.pickles if p.end <= cut]
    if not stops:
        return False
    if any(g.offset < stops[-1] for g in walk.globals):
        return True  # every one of these is importable (they are before the cut)
    if any(e.offset < stops[-1] for e in walk.extensions):
        return True
    whole = clean and cut > size and stops[-1] == walk.pickles[-1].end
    return whole and _only_space_after(stream, stops[-1], size)


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
