"""The rubric engine: conditions, ordering, citations, and loud failures on malformed rubrics."""

from __future__ import annotations

import pytest

from openness.evidence_index import EvidenceIndex
from openness.model import Attribute, Evidence, Level, Location
from openness.rubrics.engine import Rubric, RubricError, Rule, parse_condition


def ev(fact: str, value: object, file: str = "README.md", line: int = 1) -> Evidence:
    return Evidence(fact, value, Location(file, line=line))  # type: ignore[arg-type]


def test_fact_conditions() -> None:
    index = EvidenceIndex([ev("a", "x"), ev("n", 7), ev("t", ("p", "q")), ev("empty", ())])
    assert parse_condition({"fact": "a"}, "t").test(index)[0]
    assert not parse_condition({"fact": "empty"}, "t").test(index)[0]
    assert parse_condition({"fact": "a", "equals": "x"}, "t").test(index)[0]
    assert not parse_condition({"fact": "a", "equals": "y"}, "t").test(index)[0]
    assert parse_condition({"fact": "t", "in": ["q"]}, "t").test(index)[0]
    assert parse_condition({"fact": "n", "min": 7}, "t").test(index)[0]
    assert not parse_condition({"fact": "n", "min": 8}, "t").test(index)[0]
    both = parse_condition({"all": [{"fact": "a"}, {"not": {"fact": "missing"}}]}, "t")
    ok, cited = both.test(index)
    assert ok and [e.fact for e in cited] == ["a"]
    assert not parse_condition({"any": [{"fact": "missing"}, {"fact": "gone"}]}, "t").test(index)[0]


def test_first_matching_rule_wins_and_cites_its_evidence() -> None:
    rubric = Rubric(
        "t",
        {
            Attribute.OPEN_LICENSE: [
                Rule(
                    Level.OPEN, parse_condition({"fact": "lic", "equals": "MIT"}, "t"), "open {lic}"
                ),
                Rule(Level.CLOSED, parse_condition({"always": True}, "t"), "closed"),
            ]
        },
    )
    (rating,) = rubric.rate([ev("lic", "MIT", "LICENSE", 3)])
    assert rating.level is Level.OPEN and rating.rationale == "open MIT"
    assert [str(e.location) for e in rating.evidence] == ["LICENSE:3"]
    (rating,) = rubric.rate([ev("lic", "GPL-3.0")])
    assert rating.level is Level.CLOSED and rating.evidence == ()


@pytest.mark.parametrize("bad", [[], "x", {"all": []}, {"bogus": 1}])
def test_malformed_conditions_fail_loudly(bad: object) -> None:
    with pytest.raises(RubricError):
        parse_condition(bad, "where")


def test_builtin_rubric_covers_all_five_attributes() -> None:
    from openness.pipeline import five_attributes

    ratings = five_attributes().rate([])
    assert [r.attribute for r in ratings] == list(Attribute)
    assert all(r.level is Level.UNKNOWN for r in ratings)


def test_max_and_ranges() -> None:
    from openness.model import Evidence, Location

    def index(value: int) -> EvidenceIndex:
        return EvidenceIndex([Evidence("n", value, Location("f"))], zero_counts=True)

    at_most_5 = parse_condition({"fact": "n", "max": 5}, "t")
    between = parse_condition({"fact": "n", "min": 2, "max": 5}, "t")
    assert [at_most_5.test(index(v))[0] for v in (0, 5, 6)] == [True, True, False]
    assert [between.test(index(v))[0] for v in (1, 2, 5, 6)] == [False, True, True, False]


def test_zero_is_a_value_only_when_asked() -> None:
    from openness.model import Evidence, Location

    zero = [Evidence("commits", 0, Location("git"))]
    assert EvidenceIndex(zero).get("commits") == []
    assert EvidenceIndex(zero, zero_counts=True).get("commits") == zero
    assert (
        EvidenceIndex([Evidence("flag", False, Location("x"))], zero_counts=True).get("flag") == []
    )


def test_every_shipped_rule_list_ends_with_always() -> None:
    """One engine, one "no rule applied" result: the `always` rule each list ends with."""
    from openness.frameworks import FRAMEWORK_NAMES, framework
    from openness.health.rubric import load_checks
    from openness.pipeline import five_attributes

    lists = list(five_attributes().lists.values())
    lists += [c.rules for n in FRAMEWORK_NAMES for c in framework(n).components if c.rules]
    lists += [check.rules for check in load_checks()]
    assert len(lists) > 40
    assert all(rules.rules[-1].when.kind == "always" for rules in lists)


def test_a_rule_list_without_always_fails_at_load() -> None:
    from openness.frameworks.engine import parse_framework
    from openness.rubrics.engine import RuleList, parse_rules

    lic = parse_condition({"fact": "lic"}, "t")
    with pytest.raises(RubricError, match="must end with an `always: true` rule"):
        Rubric("t", {Attribute.OPEN_LICENSE: [Rule(Level.OPEN, lic, "open")]})
    with pytest.raises(RubricError, match="must end with an `always: true` rule"):
        RuleList("t", ())
    with pytest.raises(RubricError, match="x.yaml:a: the rules must end"):
        parse_framework(
            {
                "id": "x",
                "title": "X",
                "components": [
                    {
                        "id": "a",
                        "title": "A",
                        "rules": [{"status": "open", "when": {"fact": "f"}, "because": "f"}],
                    }
                ],
            },
            "x.yaml",
        )
    with pytest.raises(RubricError, match="level 'bogus' is not allowed"):
        parse_rules(
            [{"level": "bogus", "when": {"always": True}, "because": "x"}], "h", "level", Level
        )
