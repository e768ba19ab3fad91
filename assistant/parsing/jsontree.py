"""JSON to a positioned tree, without recursion, so depth and size are bounded and every value has a line."""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable

from assistant.errors import ParseError
from assistant.parsing.tree import Budget, Map, Node, Scalar, ScalarValue, Seq

_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = json.scanner.NUMBER_RE
_LITERALS: dict[str, ScalarValue] = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


class _Reader:
    def __init__(self, text: str, *, source: str | None) -> None:
        self.text = text
        self.source = source
        self.budget = Budget(source=source, counting="values")
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    def position(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, index)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, index - start + 1

    def error(self, message: str, index: int) -> ParseError:
        line, column = self.position(min(index, len(self.text)))
        return ParseError(f"invalid JSON: {message}", line=line, column=column, source=self.source)

    def skip(self, index: int) -> int:
        text = self.text
        if index < len(text) and text[index] not in " \t\n\r":  # most often: no whitespace to skip
            return index
        match = _WS.match(text, index)
        assert match is not None
        return match.end()

    def string(self, index: int) -> tuple[Scalar, int]:
        """Read the string starting at the quote at ``index``."""
        try:
            value, end = _scanstring(self.text, index + 1, True)
        except json.JSONDecodeError as exc:
            raise self.error(exc.msg.removesuffix(" at").lower(), exc.pos) from None
        line, column = self.position(index)
        self.budget.spend(1, line=line, column=column)
        return Scalar(line, column, value, value), end

    def scalar(self, index: int) -> tuple[Scalar, int]:
        """Read a number or literal at ``index``."""
        if self.text[index] in "tfnNI-":
            for literal, value in _LITERALS.items():
                if self.text.startswith(literal, index):
                    line, column = self.position(index)
                    self.budget.spend(1, line=line, column=column)
                    return Scalar(line, column, value, literal), index + len(literal)
        match = _NUMBER.match(self.text, index)
        if match is None:
            raise self.error("expected a value (text in double quotes, a number, true, false, null, [ or {)", index)
        integer, fraction, exponent = match.groups()
        raw = match.group()
        try:
            number: float | int = float(raw) if fraction or exponent else int(integer)
        except ValueError:
            raise self.error(f"the number {raw[:20]}... is too long", index) from None
        line, column = self.position(index)
        self.budget.spend(1, line=line, column=column)
        return Scalar(line, column, number, raw), match.end()

    def read(self) -> Node:
        text = self.text
        stack: list[tuple[Map | Seq, Scalar | None]] = []
        index = self.skip(0)
        while True:
            # Read one value: a scalar, or the start of a container.
            if index >= len(text):
                raise self.error("the text ends where a value was expected", index)
            char = text[index]
            node: Node
            if char in "[{":
                line, column = self.position(index)
                self.budget.enter(len(stack) + 1, line=line, column=column)
                self.budget.spend(1, line=line, column=column)
                container: Map | Seq = Map(line, column) if char == "{" else Seq(line, column)
                index = self.skip(index + 1)
                closer = "}" if char == "{" else "]"
                if index < len(text) and text[index] == closer:
                    node, index = container, index + 1
                else:
                    first_key: Scalar | None = None
                    if isinstance(container, Map):
                        first_key, index = self.key(index)
                    stack.append((container, first_key))
                    continue
            elif char == '"':
                node, index = self.string(index)
            else:
                node, index = self.scalar(index)
            # Attach the finished value, then close every container that ends here.
            while True:
                if not stack:
                    index = self.skip(index)
                    if index < len(text):
                        raise self.error("extra text after the end of the JSON value", index)
                    return node
                parent, pending = stack[-1]
                if isinstance(parent, Seq):
                    parent.items.append(node)
                else:
                    assert pending is not None
                    if pending.text in parent.entries:
                        first = parent.entries[pending.text][0]
                        raise ParseError(
                            f"duplicate key '{pending.text}' (first given on line {first.line})",
                            line=pending.line,
                            column=pending.column,
                            source=self.source,
                        )
                    parent.entries[pending.text] = (pending, node)
                index = self.skip(index)
                closer = "]" if isinstance(parent, Seq) else "}"
                if index < len(text) and text[index] == closer:
                    stack.pop()
                    node, index = parent, index + 1
                    continue
                if index >= len(text) or text[index] != ",":
                    raise self.error(f"expected ',' or '{closer}'", index)
                index = self.skip(index + 1)
                if isinstance(parent, Map):
                    key, index = self.key(index)
                    stack[-1] = (parent, key)
                break

    def key(self, index: int) -> tuple[Scalar, int]:
        """Read ``"name":`` at ``index``; return the key and the index of its value."""
        if index >= len(self.text) or self.text[index] != '"':
            raise self.error("expected a key in double quotes", index)
        key, index = self.string(index)
        index = self.skip(index)
        if index >= len(self.text) or self.text[index] != ":":
            raise self.error("expected ':' after the key", index)
        return key, self.skip(index + 1)


def compose_json(text: str, *, source: str | None = None) -> Node:
    """Read JSON ``text`` into a positioned tree.

    Raises:
        ParseError: invalid JSON, too deep, or too many values; names line and column.
    """
    return _Reader(text, source=source).read()
