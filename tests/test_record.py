"""Record must behave exactly like the methods dataclass would generate."""

from dataclasses import FrozenInstanceError, dataclass, field, replace

import pytest

from openness.record import Record


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
