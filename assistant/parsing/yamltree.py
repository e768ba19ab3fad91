"""YAML to a positioned tree, built from the parser's event stream.

Composing from events (rather than ``yaml.safe_load``) lets every value keep its line and column, and puts
a budget on depth and on alias expansion, so a "billion laughs" file or a 10,000-level nesting fails fast
with a clear message instead of exhausting memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml

from assistant.errors import ParseError
from assistant.parsing.tree import Budget, Map, Node, Scalar, ScalarValue, Seq

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_TYPED = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:timestamp": "construct_yaml_timestamp",
}
_TAB_HINT = "YAML does not allow tabs for indentation: use spaces"
_HINTS = {
    "mapping values are not allowed": "a ':' followed by a space inside unquoted text; put that text in quotes",
    "found undefined alias": "an alias (*name) refers to an anchor (&name) that is not defined before it",
}


@dataclass(slots=True)
class _Frame:
    node: Map | Seq
    anchor: str | None
    size: int = 1
    key: Scalar | None = None
    merges: list[tuple[Scalar, Node]] = field(default_factory=list)


def _position(mark: yaml.Mark | None, line_offset: int) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1 + line_offset, mark.column + 1


def _scalar(loader: yaml.SafeLoader, event: yaml.ScalarEvent, line: int, column: int) -> Scalar:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, (True, False)) if event.implicit[0] else _STR
    value: object = event.value
    method = _TYPED.get(tag)
    if method is not None:
        try:
            value = getattr(loader, method)(yaml.ScalarNode(tag, event.value))
        except (ValueError, OverflowError, yaml.YAMLError):
            value = event.value  # e.g. 2027-02-30 or a 5,000-digit integer: keep the text
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    if not isinstance(value, str | int | float | bool | None):
        value = event.value
    scalar_value: ScalarValue = None if tag == _MERGE else value  # a merge key: text '<<', no value
    return Scalar(line, column, scalar_value, event.value)


class _Composer:
    def __init__(self, text: str, *, source: str | None, line_offset: int) -> None:
        self.text = text
        self.source = source
        self.line_offset = line_offset
        self.budget = Budget(source=source, counting="values (counting every use of an alias)")
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.stack: list[_Frame] = []
        self.roots: list[Node] = []

    def error(self, message: str, line: int | None, column: int | None) -> ParseError:
        return ParseError(message, line=line, column=column, source=self.source)

    def _char_at(self, mark: yaml.Mark | None) -> str:
        if mark is None:
            return ""
        lines = self.text.split("\n", mark.line + 1)
        if mark.line >= len(lines):
            return ""
        row = lines[mark.line]
        return row[mark.column] if mark.column < len(row) else ""

    def compose(self) -> Node | None:
        loader = _Loader(self.text)
        try:
            self._run(loader)
        except yaml.MarkedYAMLError as exc:
            line, column = _position(exc.problem_mark or exc.context_mark, self.line_offset)
            problem = exc.problem or "invalid YAML"
            hint = next((text for start, text in _HINTS.items() if problem.startswith(start)), None)
            if hint is None and self._char_at(exc.problem_mark) == "\t":
                hint = _TAB_HINT
            detail = f"{problem} ({exc.context})" if exc.context else problem
            raise self.error(f"invalid YAML: {detail}" + (f"; {hint}" if hint else ""), line, column) from None
        except yaml.reader.ReaderError as exc:
            before = self.text[: exc.position]
            line = before.count("\n") + 1 + self.line_offset
            column = exc.position - (before.rfind("\n") + 1) + 1
            raise self.error(f"invalid character U+{exc.character:04X} in YAML", line, column) from None
        except yaml.YAMLError as exc:
            raise self.error(f"invalid YAML: {exc}", None, None) from None
        finally:
            loader.dispose()
        return self.roots[0] if self.roots else None

    def _run(self, loader: yaml.SafeLoader) -> None:
        second_document: tuple[int | None, int | None] | None = None
        while True:
            event = loader.get_event()
            line, column = _position(event.start_mark, self.line_offset)
            at = (line or 1, column or 1)
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                if self.roots:
                    second_document = (line, column)
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.ScalarEvent):
                self.budget.spend(1, line=at[0], column=at[1])
                scalar = _scalar(loader, event, *at)
                self._register(event.anchor, scalar, 1)
                self._attach(scalar, 1)
            elif isinstance(event, yaml.AliasEvent):
                found = self.anchors.get(event.anchor or "")
                if found is None:
                    raise self.error(f"alias *{event.anchor} refers to no anchor defined before it", *at)
                self.budget.spend(found[1], line=at[0], column=at[1])
                self._attach(found[0], found[1])
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                self.budget.enter(len(self.stack) + 1, line=at[0], column=at[1])
                self.budget.spend(1, line=at[0], column=at[1])
                node: Map | Seq = Seq(*at) if isinstance(event, yaml.SequenceStartEvent) else Map(*at)
                self.stack.append(_Frame(node, event.anchor))
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                frame = self.stack.pop()
                if isinstance(frame.node, Map):
                    self._merge(frame)
                self._register(frame.anchor, frame.node, frame.size)
                self._attach(frame.node, frame.size)
        roots = [root for root in self.roots if not (isinstance(root, Scalar) and root.value is None)]
        if len(roots) > 1 and second_document is not None:
            raise self.error(
                "a second YAML document ('---'): put all objectives in one document", *second_document
            )
        self.roots = roots

    def _register(self, anchor: str | None, node: Node, size: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (node, size)

    def _attach(self, node: Node, size: int) -> None:
        if not self.stack:
            self.roots.append(node)
            return
        frame = self.stack[-1]
        frame.size += size
        if isinstance(frame.node, Seq):
            frame.node.items.append(node)
            return
        if frame.key is None:
            if not isinstance(node, Scalar):
                raise self.error("a mapping key must be plain text, not a list or mapping", node.line, node.column)
            frame.key = node
            return
        key, frame.key = frame.key, None
        if key.text == "<<" and key.value is None:
            frame.merges.append((key, node))
            return
        name = key.text
        if name in frame.node.entries:
            first = frame.node.entries[name][0]
            raise self.error(f"duplicate key '{name}' (first given on line {first.line})", key.line, key.column)
        frame.node.entries[name] = (key, node)

    def _merge(self, frame: _Frame) -> None:
        """Apply YAML merge keys (``<<: *defaults``): explicit keys win over merged ones."""
        assert isinstance(frame.node, Map)
        for key, value in frame.merges:
            sources = value.items if isinstance(value, Seq) else [value]
            for source in sources:
                if not isinstance(source, Map):
                    raise self.error("'<<' merges a mapping (or a list of mappings) into this one", key.line, key.column)
                for name, entry in source.entries.items():
                    frame.node.entries.setdefault(name, entry)


def compose_yaml(text: str, *, source: str | None = None, line_offset: int = 0) -> Node | None:
    """Read YAML ``text`` into a positioned tree (None for an empty document).

    Raises:
        ParseError: invalid YAML, too deep, too many values (alias bombs included); names line and column.
    """
    return _Composer(text, source=source, line_offset=line_offset).compose()
