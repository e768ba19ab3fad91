"""A pasted document split into classified lines: front matter, code fences, comments, setext headings and
tables are dealt with here, so the reader sees one ``Line`` per line of the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.errors import ParseError
from assistant.okr import Level
from assistant.parsing.fields import parse_level
from assistant.parsing.lines import Line, classify, is_setext_underline
from assistant.parsing.tables import Table, is_okr_header, is_separator, split_cells
from assistant.parsing.tree import Map, Scalar
from assistant.parsing.yamltree import compose_yaml

_WIKI = re.compile(r"^\s*h[1-6]\.\s+\S")
_FRONT_MATTER_KEYS = {"team": "team", "team_name": "team", "squad": "team", "period": "period",
                      "quarter": "period", "cycle": "period", "level": "level"}


@dataclass(slots=True)
class Document:
    lines: list[Line]
    tables: dict[int, Table] = field(default_factory=dict)  # index of a table's first line -> table
    okr_tables: set[int] = field(default_factory=set)
    team: str | None = None
    period: str | None = None
    level: Level | None = None
    front_matter: bool = False  # when present, it (not the title line) names the team and period


def _front_matter(raw: list[str], document: Document, *, source: str | None) -> int:
    """Read YAML front matter (``---`` ... ``---``) if the file starts with it; return the lines it spans."""
    if not raw or raw[0].strip() != "---":
        return 0
    end = next((index for index in range(1, min(len(raw), 200)) if raw[index].strip() in ("---", "...")), None)
    if end is None or end == 1:
        return 0
    try:
        root = compose_yaml("\n".join(raw[1:end]), source=source, line_offset=1)
    except ParseError:
        return 0  # not front matter after all: a rule, text, and another rule
    if not isinstance(root, Map):
        return 0
    document.front_matter = True
    for name, (_, value) in root.entries.items():
        key = _FRONT_MATTER_KEYS.get(name.strip().lower().replace(" ", "_"))
        if key is None or not isinstance(value, Scalar) or value.value is None:
            continue
        text = (value.value if isinstance(value.value, str) else value.text).strip()
        if key == "level":
            document.level = parse_level(text)
        elif text:
            setattr(document, key, text)
    return end + 1


def _blank_out(raw: list[str], start: int) -> None:
    """Code fences and HTML comments hold no OKRs: replace them by blank lines (keeping line numbers)."""
    fence: str | None = None
    comment = False
    for index in range(start, len(raw)):
        stripped = raw[index].strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            raw[index] = ""
        elif comment:
            if "-->" in stripped:
                comment = False
                raw[index] = raw[index].split("-->", 1)[1]
            else:
                raw[index] = ""
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            raw[index] = ""
        elif "<!--" in stripped:
            before, _, after = raw[index].partition("<!--")
            if "-->" in after:
                raw[index] = before + after.split("-->", 1)[1]
            else:
                raw[index] = before
                comment = True


def _is_table_row(raw: str) -> bool:
    return raw.strip().startswith("|")


def _tsv_cells(raw: str) -> list[str] | None:
    if "\t" not in raw.strip():
        return None
    cells = split_cells(raw.rstrip().lstrip(" "))
    return cells if sum(1 for cell in cells if cell) >= 2 or (cells and not cells[0]) else None


def _collect_tables(raw: list[str], lines: list[Line], document: Document) -> None:
    index = 0
    while index < len(raw):
        tsv = _tsv_cells(raw[index])
        if _is_table_row(raw[index]):
            end = index
            while end < len(raw) and _is_table_row(raw[end]):
                end += 1
            rows = [(number + 1, split_cells(raw[number].strip())) for number in range(index, end)]
        elif tsv is not None and is_okr_header(tsv):
            end = index + 1
            while end < len(raw) and raw[end].strip() and _tsv_cells(raw[end]) is not None:
                end += 1
            rows = [(number + 1, split_cells(raw[number].rstrip().lstrip(" "))) for number in range(index, end)]
        else:
            index += 1
            continue
        header = rows[0][1]
        body = [(number, cells) for number, cells in rows[1:] if not is_separator(cells)]
        table = Table(rows[0][0], header, body)
        document.tables[index] = table
        if is_okr_header(header):
            document.okr_tables.add(index)
        for number in range(index, end):
            lines[number] = Line(number + 1, "table", 0)
        index = end


def read_document(text: str, *, source: str | None = None) -> Document:
    """Split ``text`` (newlines already normalised) into classified lines."""
    raw = text.split("\n")
    document = Document(lines=[])
    start = _front_matter(raw, document, source=source)
    for index in range(start):
        raw[index] = ""
    _blank_out(raw, start)
    lines = [Line(number + 1, "blank") for number in range(len(raw))]
    _collect_tables(raw, lines, document)
    wiki = any(_WIKI.match(row) for row in raw[:2000])
    for index, row in enumerate(raw):
        if lines[index].kind == "table":
            continue
        underline = is_setext_underline(row) if index > 0 else 0
        previous = lines[index - 1] if index > 0 else None
        if underline and previous is not None and previous.kind == "text":
            previous.kind, previous.level = "heading", underline
            continue
        lines[index] = classify(row.expandtabs(4), index + 1, wiki=wiki)
    document.lines = lines
    return document
