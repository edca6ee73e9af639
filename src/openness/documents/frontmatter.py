"""YAML front matter of a model card, parsed safely and within bounds.

`yaml.SafeLoader` constructs no arbitrary objects, but it does expand aliases: a few hundred bytes
can describe billions of nodes ("billion laughs"). The loader below caps aliases and nesting
depth while composing, and `_check_size` walks the constructed value with a node budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 50
MAX_NODES = 50_000


class FrontMatterError(Exception):
    """The front matter could not be read. `line` is 1-based in the card; `limit` marks caps."""

    def __init__(self, message: str, line: int, *, limit: bool = False):
        super().__init__(message)
        self.line = line
        self.limit = limit


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[str, int]  # top-level key -> 1-based line in the card


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses too many aliases or too deep nesting while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(f"more than {MAX_ALIASES} YAML aliases", self._mark())
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Limit(f"YAML nested deeper than {MAX_DEPTH}", self._mark())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _mark(self) -> Any:
        return self.peek_event().start_mark  # type: ignore[no-untyped-call]


class _Limit(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.mark = mark


def parse_front_matter(text: str, first_line: int) -> FrontMatter | None:
    """Parse `text` (which starts at card line `first_line`); None when it is empty.

    Raises FrontMatterError for invalid YAML, a non-mapping, or a size/alias/depth cap.
    """
    size = len(text.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"front matter is {size:,} bytes, beyond the limit of "
            f"{MAX_FRONT_MATTER_BYTES:,}; not parsed",
            first_line,
            limit=True,
        )
    try:
        loader = _BoundedLoader(text)
    except yaml.YAMLError as exc:  # the reader rejects non-printable characters such as NUL
        raise FrontMatterError(f"invalid YAML front matter: {exc}", first_line) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Limit as exc:
        raise FrontMatterError(
            f"{exc}; not parsed", _line(exc.mark, first_line), limit=True
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        raise FrontMatterError(
            f"invalid YAML front matter: {problem}", _line(mark, first_line)
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise FrontMatterError(
            f"invalid YAML front matter: {type(exc).__name__}", first_line
        ) from None
    finally:
        loader.dispose()
    if data is None:
        return None
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter is a {type(data).__name__}, not a mapping", first_line
        )
    _check_size(data, first_line)
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_lines[str(key_node.value)] = key_node.start_mark.line + first_line
    return FrontMatter({str(k): v for k, v in data.items()}, key_lines)


def _line(mark: Any, first_line: int) -> int:
    return first_line + int(mark.line) if mark is not None else first_line


def _check_size(data: Any, first_line: int) -> None:
    """Walk the value as a consumer would (aliases expanded), within a node budget."""
    budget = MAX_NODES
    stack = [data]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            raise FrontMatterError(
                f"front matter expands to more than {MAX_NODES:,} values (aliases); not parsed",
                first_line,
                limit=True,
            )
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)


def strings(value: Any, limit: int = 10_000) -> list[str]:
    """Every string inside a parsed YAML value, depth-first, at most `limit`."""
    out: list[str] = []
    stack = [value]
    steps = 0
    while stack and len(out) < limit and steps < MAX_NODES:
        steps += 1
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
    return out
