"""A small positioned tree that both YAML and JSON are read into, so errors can name a line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.errors import ParseError
from assistant.parsing.limits import MAX_DEPTH, MAX_NODES

ScalarValue = str | int | float | bool | None


@dataclass(slots=True, eq=False)
class Node:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(slots=True, eq=False)
class Scalar(Node):
    value: ScalarValue
    text: str  # as written (a YAML plain scalar, a JSON literal), for fields that want text


@dataclass(slots=True, eq=False)
class Seq(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Map(Node):
    entries: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)


def kind_name(node: Node) -> str:
    """How a node's type reads in a message: 'a list', 'a number', ..."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    assert isinstance(node, Scalar)
    value = node.value
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({node.text})"
    if isinstance(value, int | float):
        return f"a number ({node.text})"
    return "text"


class Budget:
    """Counts values (with alias expansions) and nesting depth, so no input can exhaust memory or time."""

    def __init__(
        self, *, source: str | None, counting: str, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
    ) -> None:
        self.source = source
        self.counting = counting
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.nodes = 0

    def spend(self, count: int, *, line: int, column: int) -> None:
        self.nodes += count
        if self.nodes > self.max_nodes:
            raise ParseError(
                f"more than {self.max_nodes:,} {self.counting}: this is not an OKR file, or it is far too "
                "large; split it by team",
                line=line,
                column=column,
                source=self.source,
            )

    def enter(self, depth: int, *, line: int, column: int) -> None:
        if depth > self.max_depth:
            raise ParseError(
                f"nested more than {self.max_depth} levels deep; an OKR file needs about five",
                line=line,
                column=column,
                source=self.source,
            )
