"""A rule list compiled to one SQL CASE expression, so a vectorised query (the observatory's
metadata mode in DuckDB) rates with the same rules the engine evaluates in Python.

Each fact a rule names must be given a `SqlFact`: the SQL expression that holds its value and
what kind of value it is. The compiled expression follows the engine's semantics: a fact is
present when its value says something (not NULL, false, 0 or ''), SQL NULLs never make a
condition true, and the last (`always`) rule is the ELSE.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from .engine import Condition, RubricError, RuleList

FactKind = Literal["bool", "text", "number"]


@dataclass(frozen=True)
class SqlFact:
    expression: str
    kind: FactKind = "bool"


def literal(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise RubricError(f"a rule compares with {value!r}, which has no SQL literal")


def condition_sql(cond: Condition, facts: Mapping[str, SqlFact]) -> str:
    """A SQL boolean that is never NULL."""
    if cond.kind == "always":
        return "true"
    if cond.kind in ("all", "any"):
        joiner = " AND " if cond.kind == "all" else " OR "
        return "(" + joiner.join(condition_sql(c, facts) for c in cond.children) + ")"
    if cond.kind == "not":
        return f"(NOT {condition_sql(cond.children[0], facts)})"
    fact = facts.get(cond.fact)
    if fact is None:
        raise RubricError(f"fact {cond.fact!r} has no SQL column in this query")
    expr = f"({fact.expression})"
    tests = []
    if cond.values:
        tests.append(f"{expr} IN ({', '.join(literal(v) for v in cond.values)})")
    if cond.minimum is not None or cond.maximum is not None:
        if fact.kind != "number":
            raise RubricError(f"fact {cond.fact!r} is not a number; min/max cannot apply")
        if cond.minimum is not None:
            tests.append(f"{expr} >= {literal(cond.minimum)}")
        if cond.maximum is not None:
            tests.append(f"{expr} <= {literal(cond.maximum)}")
    if not tests:
        tests.append(_present(expr, fact.kind))
    return f"coalesce({' AND '.join(tests)}, false)"


def _present(expr: str, kind: FactKind) -> str:
    if kind == "bool":
        return expr
    if kind == "number":
        return f"{expr} <> 0"
    return f"{expr} <> ''"


def case_sql(rules: RuleList[Any], facts: Mapping[str, SqlFact]) -> str:
    """`CASE WHEN … THEN outcome … ELSE last outcome END` (just the literal for one rule)."""
    whens = [
        f"WHEN {condition_sql(rule.when, facts)} THEN {literal(rule.outcome)}"
        for rule in rules.rules[:-1]
    ]
    last = literal(rules.rules[-1].outcome)
    return f"CASE {' '.join(whens)} ELSE {last} END" if whens else last
