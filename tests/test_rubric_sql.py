"""The Hub metadata rubric rates the same in DuckDB (compiled by rubrics/sql.py) as in the rule
engine: every combination of its facts, NULLs included, gets the same five levels."""

from __future__ import annotations

import itertools
import random

import pytest

from openness.model import Evidence, Location
from openness.rubrics.engine import Rubric, RubricError, RuleList, load_rubric, parse_rules
from openness.rubrics.sql import SqlFact, case_sql, condition_sql

duckdb = pytest.importorskip("duckdb")
metadata_sql = pytest.importorskip("openness.observatory.metadata_sql")

Value = bool | str | None
CATEGORIES = (None, "", "open-source", "open-content", "restricted", "noncommercial", "none", "x")


def _rows() -> list[dict[str, Value]]:
    facts = metadata_sql.RUBRIC_FACTS
    flags = [f for f, spec in facts.items() if spec.kind == "bool"]
    rng = random.Random(7)
    rows = []
    for category in CATEGORIES:
        for bits in itertools.product((None, False, True), repeat=4):
            row: dict[str, Value] = {f: rng.choice((None, False, True)) for f in flags}
            row.update(zip(flags[:4], bits, strict=True))  # the first four exhaustively
            row["license.category"] = category
            rows.append(row)
        for _ in range(150):
            row = {f: rng.choice((None, False, True)) for f in flags}
            row["license.category"] = category
            rows.append(row)
    return rows


def _python_levels(rubric: Rubric, row: dict[str, Value]) -> dict[str, str]:
    evidence = [Evidence(f, v, Location("meta")) for f, v in row.items() if v is not None]
    return {r.attribute.value: r.level.value for r in rubric.rate(evidence)}


def test_compiled_rubric_rates_every_row_as_the_engine_does() -> None:
    facts = metadata_sql.RUBRIC_FACTS
    rubric = load_rubric(metadata_sql.HUB_RUBRIC)
    rows = _rows()
    con = duckdb.connect(":memory:")
    columns = {
        spec.expression: ("VARCHAR" if spec.kind == "text" else "BOOLEAN")
        for spec in facts.values()
    }
    con.execute(
        "CREATE TABLE g (n INTEGER, " + ", ".join(f"{c} {t}" for c, t in columns.items()) + ")"
    )
    con.executemany(
        f"INSERT INTO g VALUES (?, {', '.join('?' for _ in columns)})",
        [[n, *(row[f] for f in facts)] for n, row in enumerate(rows)],
    )
    selects = ", ".join(
        f"{case_sql(rules, facts)} AS {a.value}" for a, rules in rubric.lists.items()
    )
    got = con.execute(f"SELECT {selects} FROM g ORDER BY n").fetchall()
    names = [a.value for a in rubric.lists]
    assert len(got) == len(rows) > 1000
    for row, levels in zip(rows, got, strict=True):
        assert dict(zip(names, levels, strict=True)) == _python_levels(rubric, row), row


def test_the_metadata_query_uses_the_compiled_rubric() -> None:
    query = metadata_sql.rating_query("snapshot")
    rubric = load_rubric(metadata_sql.HUB_RUBRIC)
    for attribute, rules in rubric.lists.items():
        assert f"{case_sql(rules, metadata_sql.RUBRIC_FACTS)} AS {attribute.value}" in query


def _rules(when: object) -> RuleList[str]:
    items = [
        {"level": "open", "when": when, "because": "x"},
        {"level": "unknown", "when": {"always": True}, "because": "y"},
    ]
    return parse_rules(items, "t", "level", str)


def test_a_fact_without_a_column_is_refused() -> None:
    with pytest.raises(RubricError, match="no SQL column"):
        case_sql(_rules({"fact": "nowhere"}), {})


def test_ranges_need_numbers_and_follow_the_engine() -> None:
    with pytest.raises(RubricError, match="not a number"):
        case_sql(_rules({"fact": "a", "min": 1}), {"a": SqlFact("a")})
    con = duckdb.connect(":memory:")
    facts = {"n": SqlFact("n", "number")}
    ranged = case_sql(_rules({"fact": "n", "min": 2, "max": 5}), facts)
    present = case_sql(_rules({"fact": "n"}), facts)
    values = "(VALUES (NULL), (0), (1), (2), (5), (6)) t(n)"
    got = con.execute(f"SELECT n, {ranged}, {present} FROM {values} ORDER BY n").fetchall()
    assert got == [
        (0, "unknown", "unknown"),  # 0 says nothing, as in the engine
        (1, "unknown", "open"),
        (2, "open", "open"),
        (5, "open", "open"),
        (6, "unknown", "open"),
        (None, "unknown", "unknown"),
    ]


def test_not_of_a_null_fact_holds() -> None:
    sql = condition_sql(_rules({"not": {"fact": "a"}}).rules[0].when, {"a": SqlFact("a")})
    assert duckdb.connect(":memory:").execute(
        f"SELECT {sql} FROM (VALUES (NULL::BOOLEAN)) t(a)"
    ).fetchone() == (True,)
