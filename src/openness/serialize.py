"""The canonical JSON form of an Assessment, and its way back (a lossless round trip)."""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum, IntEnum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

from . import notebook  # noqa: F401  (registers the notebook views of an Assessment)
from .errors import OpennessError
from .model import SCHEMA_ID, Assessment, JSONValue

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """Plain JSON-ready data: dataclasses become objects, enums their values, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        }
    if isinstance(value, IntEnum):
        return value.name.lower()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    return value


def assessment_from_data(data: Any) -> Assessment:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise OpennessError(f"not an {SCHEMA_ID} document (schema: {found!r})")
    try:
        return from_data(Assessment, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise OpennessError(f"assessment JSON does not match {SCHEMA_ID}: {exc}") from None


def from_data(cls: type[T], data: Any) -> T:
    tp: Any = cls  # a type is hashable; mypy's type[T] is not known to be
    return typing.cast(T, _decoder(tp)(data))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


Decoder = typing.Callable[[Any], Any]


@cache
def _decoder(tp: Any) -> Decoder:
    """The function that decodes JSON data of type `tp`, built once per type: reading the
    type's hints and fields for every value was most of the cost of reading a document back."""
    if tp is Any or tp is JSONValue:
        return _json_value
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _optional(_decoder(args[0]) if len(args) == 1 else _json_value)
    if origin is tuple:
        return _tuple_of(_decoder(get_args(tp)[0]))
    if isinstance(tp, type) and issubclass(tp, IntEnum):
        return lambda data: tp[str(data).upper()]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_of(tp)
    if tp in (str, int, float, bool):
        return _scalar(tp)
    raise TypeError(f"cannot decode type {tp!r}")


def _optional(decode: Decoder) -> Decoder:
    return lambda data: None if data is None else decode(data)


def _tuple_of(decode: Decoder) -> Decoder:
    def decoded(data: Any) -> tuple[Any, ...]:
        if not isinstance(data, list):
            raise TypeError(f"expected a list, got {type(data).__name__}")
        return tuple(decode(v) for v in data)

    return decoded


def _dataclass_of(tp: type) -> Decoder:
    fields: list[tuple[str, Decoder]] | None = None  # built on first use: types may recurse

    def decoded(data: Any) -> Any:
        nonlocal fields
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {tp.__name__}")
        if fields is None:
            hints = _hints(tp)
            kept = [f.name for f in dataclasses.fields(tp) if f.compare]
            fields = [(name, _decoder(hints[name])) for name in kept]
        return tp(**{name: decode(data[name]) for name, decode in fields if name in data})

    return decoded


def _scalar(tp: type) -> Decoder:
    def decoded(data: Any) -> Any:
        if tp is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if not isinstance(data, tp):
            raise TypeError(f"expected {tp.__name__}, got {type(data).__name__}")
        return data

    return decoded


def _json_value(data: Any) -> JSONValue:
    if isinstance(data, list):
        return tuple(_json_value(v) for v in data)
    if data is None or isinstance(data, str | int | float | bool):
        return data
    raise TypeError(f"unexpected JSON value of type {type(data).__name__}")
