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
    return typing.cast(T, _decode(cls, data))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, data: Any) -> Any:
    if tp is Any or tp is JSONValue:
        return _json_value(data)
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if data is None:
            return None
        if len(args) == 1:
            return _decode(args[0], data)
        return _json_value(data)
    if origin is tuple:
        (item, *_rest) = get_args(tp)
        if not isinstance(data, list):
            raise TypeError(f"expected a list, got {type(data).__name__}")
        return tuple(_decode(item, v) for v in data)
    if isinstance(tp, type) and issubclass(tp, IntEnum):
        return tp[str(data).upper()]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(data, dict):
            raise TypeError(f"expected an object for {tp.__name__}")
        hints = _hints(tp)
        kwargs = {
            f.name: _decode(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.compare and f.name in data
        }
        return tp(**kwargs)
    if tp in (str, int, float, bool):
        if tp is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if not isinstance(data, tp):
            raise TypeError(f"expected {tp.__name__}, got {type(data).__name__}")
        return data
    raise TypeError(f"cannot decode type {tp!r}")


def _json_value(data: Any) -> JSONValue:
    if isinstance(data, list):
        return tuple(_json_value(v) for v in data)
    if data is None or isinstance(data, str | int | float | bool):
        return data
    raise TypeError(f"unexpected JSON value of type {type(data).__name__}")
