"""The release's components in calibrated states, from one data file (`components.yaml`) that
every framework and the five attributes read, so that none keeps its own idea of "present",
"claimed" or "absent".

A rule refers to a state as `{component: NAME, is: STATE}` or `{component: NAME, in: [...]}`;
`expand` turns that into the plain condition it stands for (the state's own condition, and none
of the earlier states'), which the rule engine then parses like any other. Pure data: this
module reads the file and rewrites conditions, it does not import the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..datafiles import load_yaml

STATES = ("present", "linked", "absent", "unknown")
KINDS = ("code", "weights", "data", "documentation")


class ComponentError(ValueError):
    """A reference to a component or state that components.yaml does not define."""


@dataclass(frozen=True)
class Component:
    name: str
    kind: str
    #: (state, raw condition), in the order they are tried; `unknown` is what is left
    states: tuple[tuple[str, Any], ...]
    #: state -> why, when components.yaml says it better than a framework's generic words
    because: Mapping[str, str]

    def condition(self, state: str) -> Any:
        """The raw condition under which the component is in `state`."""
        if state not in STATES:
            raise ComponentError(f"{self.name}: unknown state {state!r}; one of {STATES}")
        earlier: list[Any] = []
        for name, when in self.states:
            if name == state:
                return {"all": [*({"not": c} for c in earlier), when]} if earlier else when
            earlier.append(when)
        if state != "unknown":  # a state this component never takes: it never holds
            return {"not": {"always": True}}
        return {"all": [{"not": c} for c in earlier]} if earlier else {"always": True}


@cache
def components() -> Mapping[str, Component]:
    text = resources.files("openness.rubrics").joinpath("components.yaml").read_text("utf-8")
    return parse_components(load_yaml(text))


def parse_components(raw: Any) -> dict[str, Component]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("components"), Mapping):
        raise ComponentError("components.yaml: expected a mapping of 'components'")
    out = {}
    for name, spec in raw["components"].items():
        kind = spec.get("kind") if isinstance(spec, Mapping) else None
        if kind not in KINDS:
            raise ComponentError(f"components.yaml:{name}: kind must be one of {KINDS}")
        states, because = [], {}
        for item in spec.get("states") or []:
            if not isinstance(item, Mapping) or item.get("state") not in STATES[:-1]:
                raise ComponentError(f"components.yaml:{name}: bad state {item!r}")
            states.append((str(item["state"]), item["when"]))
            if "because" in item:
                because[str(item["state"])] = str(item["because"])
        out[str(name)] = Component(str(name), str(kind), tuple(states), because)
    return out


def expand(raw: Mapping[str, Any]) -> Any:
    """`{component: NAME, is: STATE}` / `{component: NAME, in: [STATE, ...]}` as a raw condition."""
    name = str(raw["component"])
    found = components().get(name)
    if found is None:
        raise ComponentError(f"unknown component {name!r}; one of {sorted(components())}")
    wanted = raw.get("in", [raw.get("is")])
    if not isinstance(wanted, list) or not wanted or None in wanted:
        raise ComponentError(f"component {name}: give `is: STATE` or `in: [STATES]`")
    conditions = [found.condition(str(s)) for s in wanted]
    return conditions[0] if len(conditions) == 1 else {"any": conditions}


def component(name: str) -> Component:
    found = components().get(name)
    if found is None:
        raise ComponentError(f"unknown component {name!r}; one of {sorted(components())}")
    return found
