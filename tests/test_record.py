"""Record must behave exactly like the methods dataclass would generate."""

from dataclasses import FrozenInstanceError, dataclass, field, fields, replace

import pytest

from openness.record import Record, record


@dataclass(frozen=True)
class Generated:
    name: str
    size: int = 0
    hidden: tuple[int, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)
class Shared(Record):
    name: str
    size: int = 0
    hidden: tuple[int, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)
class Other(Record):
    name: str
    size: int = 0


@pytest.mark.parametrize(
    ("a", "b"), [(("x", 1, (1,)), ("x", 1, (2,))), (("x", 1, ()), ("x", 2, ())), (("x",), ("y",))]
)
def test_eq_hash_and_repr_match_generated_ones(a: tuple, b: tuple) -> None:  # type: ignore[type-arg]
    assert (Shared(*a) == Shared(*b)) == (Generated(*a) == Generated(*b))
    assert (hash(Shared(*a)) == hash(Shared(*b))) == (hash(Generated(*a)) == hash(Generated(*b)))
    assert repr(Shared(*a)).replace("Shared", "Generated") == repr(Generated(*a))


def test_other_classes_and_types_are_never_equal() -> None:
    assert Shared("x", 1) != Other("x", 1)
    assert Shared("x", 1) != ("x", 1)
    assert len({Shared("x", 1), Shared("x", 1, (5,)), Shared("y")}) == 2


def test_still_frozen_and_replaceable() -> None:
    value = Shared("x")
    with pytest.raises(FrozenInstanceError):
        value.name = "y"  # type: ignore[misc]
    assert replace(value, size=3) == Shared("x", 3)


@record
class Declared(Record):
    name: str
    size: int = 0
    hidden: tuple[int, ...] = field(default=(), compare=False, repr=False)
    made: list[int] = field(default_factory=list, compare=False, repr=False)


@record(kw_only=True)
class KeywordsOnly(Record):
    name: str
    size: int = 0


@record
class Derived(Record):
    name: str
    upper: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "upper", self.name.upper())


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("x",), {}), (("x", 2), {}), ((), {"name": "x", "size": 3}), (("x",), {"hidden": (1,)})],
)
def test_record_init_matches_the_generated_one(args: tuple, kwargs: dict) -> None:  # type: ignore[type-arg]
    made, generated = Declared(*args, **kwargs), Generated(*args, **kwargs)
    assert repr(made).replace("Declared", "Generated") == repr(generated)
    assert (made.name, made.size, made.hidden) == (generated.name, generated.size, generated.hidden)
    assert made.made == [] and made.made is not Declared("y").made


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), (("x", 1, (), [], 5), {}), (("x",), {"name": "y"}), (("x",), {"colour": "red"})],
)
def test_record_init_refuses_what_the_generated_one_refuses(args: tuple, kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(TypeError):
        Generated(*args[:3], **kwargs) if len(args) < 5 else Generated(*args)
    with pytest.raises(TypeError):
        Declared(*args, **kwargs)


def test_record_is_a_frozen_dataclass() -> None:
    value = Declared("x", 1)
    with pytest.raises(FrozenInstanceError):
        value.name = "y"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del value.size
    assert [f.name for f in fields(value)] == ["name", "size", "hidden", "made"]
    assert replace(value, size=3) == Declared("x", 3)
    assert KeywordsOnly(name="x").size == 0
    with pytest.raises(TypeError):
        KeywordsOnly("x")  # type: ignore[call-arg]
    assert Derived("ab").upper == "AB" and Derived("ab") == Derived("ab")
