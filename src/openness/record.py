"""Frozen value classes whose methods are written once, not compiled per class.

Python 3.11 compiles every generated dataclass method (`__init__`, and for a frozen class
`__setattr__` and `__delattr__`) from source text at import; with some forty classes on the
`openness scan` path that was over a third of its start-up. A class declared `@record` and
inheriting from Record is a dataclass (`fields`, `replace`, `asdict` work) whose `__init__`,
frozen `__setattr__`/`__delattr__`, `==`, hash and repr are shared functions here, with the
same semantics as the generated ones (fields with compare=False or repr=False are skipped,
defaults and default factories apply, `kw_only` classes take keywords only, `__post_init__`
runs). Type checkers read
`@record` as a frozen dataclass (PEP 681).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorated: decorated


T = TypeVar("T", bound=type)


@overload
def record(cls: T, /) -> T: ...


@overload
def record(*, kw_only: bool = False) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, eq_default=False, field_specifiers=(field, Field))
def record(cls: T | None = None, /, *, kw_only: bool = False) -> T | Callable[[T], T]:
    def wrap(decorated: T) -> T:
        if not decorated.__doc__:  # dataclass would write one with inspect.signature: costly
            names = ", ".join(decorated.__dict__.get("__annotations__", {}))
            decorated.__doc__ = f"{decorated.__name__}({names})"
        made: Any = dataclass(init=False, eq=False, repr=False, kw_only=kw_only)(decorated)
        made.__init__ = _initialiser(made, kw_only)
        return decorated

    return wrap if cls is None else wrap(cls)


def _initialiser(cls: type, kw_only: bool) -> Callable[..., None]:
    specs = [f for f in fields(cls) if f.init]
    names = tuple(f.name for f in specs)
    known = frozenset(names)
    positional = () if kw_only else tuple(f.name for f in specs if not f.kw_only)
    defaults = {f.name: f.default for f in specs if f.default is not MISSING}
    factories = {f.name: f.default_factory for f in specs if f.default_factory is not MISSING}
    #: fields outside __init__ that still get a value, as dataclasses does
    fixed = [f for f in fields(cls) if not f.init and f.default is not MISSING]
    made: list[tuple[str, Callable[[], Any]]] = [
        (f.name, f.default_factory)
        for f in fields(cls)
        if not f.init and f.default_factory is not MISSING
    ]
    post_init = getattr(cls, "__post_init__", None)
    title = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(positional):
            raise TypeError(
                f"{title}() takes {len(positional)} positional arguments, {len(args)} given"
            )
        values = dict(zip(positional, args, strict=False))
        for name, value in kwargs.items():
            if name not in known:
                raise TypeError(f"{title}() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{title}() got multiple values for argument {name!r}")
            values[name] = value
        state = self.__dict__
        for name in names:
            if name in values:
                state[name] = values[name]
            elif name in defaults:
                state[name] = defaults[name]
            elif name in factories:
                state[name] = factories[name]()
            else:
                raise TypeError(f"{title}() missing required argument {name!r}")
        for f in fixed:
            state[f.name] = f.default
        for name, factory in made:
            state[name] = factory()
        if post_init is not None:
            post_init(self)

    return __init__


_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def _compared(cls: type) -> tuple[str, ...]:
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare)
    return names


def _shown(cls: type) -> tuple[str, ...]:
    names = _SHOWN.get(cls)
    if names is None:
        names = _SHOWN[cls] = tuple(f.name for f in fields(cls) if f.repr)
    return names


class Record:
    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _key(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in _compared(type(self))])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _shown(type(self)))
        return f"{type(self).__qualname__}({shown})"
