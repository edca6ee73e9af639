"""The one license-expression parser: a card's `license` value as OR-of-AND groups of keys.

Parsing is done by the `license-expression` library (lenient: keys need not be SPDX ids, so Hub
ids such as `llama3.1` or `openrail++` parse too). `X WITH exception` counts as X. A YAML list of
licenses means all of them apply (AND).
"""

from __future__ import annotations

from itertools import product
from typing import Any

#: expressions longer than this are cut: cards hold a handful of ids, not essays
MAX_CHARS = 1000
#: an AND of ORs multiplies out; beyond this many alternatives the rest are dropped
MAX_GROUPS = 64


def declared_text(value: object) -> str:
    """The card value as one expression string (a list of licenses: all of them apply)."""
    if isinstance(value, tuple | list):
        return " AND ".join(str(v) for v in value)
    return str(value)


def groups(value: object) -> list[list[str]]:
    """Alternatives (OR), each a list of keys that all apply (AND), in the order written."""
    text = declared_text(value)[:MAX_CHARS].strip()
    if not text:
        return []
    parsed = _parse(text)
    if parsed is None:
        return [[text]]
    return [list(dict.fromkeys(g)) for g in _dnf(parsed)[:MAX_GROUPS]]


def keys(value: object) -> list[str]:
    """Every key the expression names, once, in order."""
    return list(dict.fromkeys(k for g in groups(value) for k in g))


def _parse(text: str) -> Any:
    from license_expression import ExpressionError, Licensing

    try:
        return Licensing().parse(text, validate=False, strict=False)
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return None


def _dnf(node: Any) -> list[list[str]]:
    from license_expression import AND, OR

    if isinstance(node, OR):
        return [g for arg in node.args for g in _dnf(arg)][:MAX_GROUPS]
    if isinstance(node, AND):
        out: list[list[str]] = [[]]
        for arg in node.args:
            out = [a + b for a, b in product(out, _dnf(arg))][:MAX_GROUPS]
        return out
    symbol = getattr(node, "license_symbol", node)  # "X WITH exception" is X
    return [[str(getattr(symbol, "key", symbol))]]
