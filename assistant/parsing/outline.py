"""Finding the objectives of a document that never says "Objective".

Most pasted OKRs label their objectives ("Objective 1:", "O2 -"). When none does, the structure tells:

- a heading with a flat list of items under it is an objective, the items its key results (unless the
  heading is the document's title, "Payments OKRs — Q1 2027");
- a nested list under a title (or under no heading) has objectives at the top and key results below;
- a line of text directly followed by a list is an objective;
- in text without any bullets (bullets lost in a paste), the first line of each paragraph is an objective
  when the lines below it hold numbers, as key results do.
"""

from __future__ import annotations

from assistant.parsing.document import Document
from assistant.parsing.lines import Line
from assistant.parsing.titles import is_title


def _is_member(line: Line) -> bool:
    """A line that can be a key result in a list: an unlabelled item, or any labelled key result."""
    return (line.kind == "item" and line.plain) or line.key_result is not None


def _regions(lines: list[Line]) -> list[tuple[int | None, list[int]]]:
    """Lines grouped under the heading they follow; key-result headings do not start a region."""
    regions: list[tuple[int | None, list[int]]] = [(None, [])]
    for index, line in enumerate(lines):
        if line.kind == "heading" and line.section != "krs" and line.annotation is None:
            regions.append((index, []))
        elif line.kind not in ("blank", "rule", "table", "heading"):
            regions[-1][1].append(index)
    return regions


def _children(lines: list[Line], body: list[int], top: int, indent: int) -> int:
    """How many list items sit directly below the item at ``top`` (deeper than ``indent``)."""
    count = 0
    for index in body:
        if index <= top:
            continue
        line = lines[index]
        if line.kind == "item" and line.indent <= indent:
            break
        if _is_member(line) and line.indent > indent:
            count += 1
    return count


def _promote_region(lines: list[Line], heading: int | None, body: list[int], promoted: set[int]) -> None:
    members = [index for index in body if _is_member(lines[index])]
    if not members:
        return
    items = [index for index in members if lines[index].kind == "item"]
    title_like = heading is None or lines[heading].section == "objectives" or is_title(lines[heading].content)
    if items:
        indent = min(lines[index].indent for index in items)
        top = [index for index in items if lines[index].indent == indent]
        counts = [_children(lines, body, index, indent) for index in top]
        nested = any(counts)
        regular = nested and all(count >= 2 for count in counts)
        if nested and (title_like or regular):
            promoted.update(top)
            return
    if not title_like:
        assert heading is not None
        promoted.add(heading)
        return
    # Under a title: a text line directly before a run of key results is that run's objective.
    previous: int | None = None
    for index in body:
        line = lines[index]
        if _is_member(line):
            if previous is not None and lines[previous].kind == "text" and lines[previous].plain:
                promoted.add(previous)
            previous = index
        elif line.annotation is None:
            previous = index


def _is_prose(content: str) -> bool:
    """A sentence of a paragraph rather than an objective's title."""
    return content.endswith((".", "!", "?", ",")) and len(content.split()) > 10


def _promote_paragraphs(lines: list[Line], promoted: set[int]) -> None:
    """Bullet-less text: the first line of each paragraph (or the heading above it) is an objective."""
    paragraph: list[int] = []
    heading: int | None = None
    first_content = True

    def flush() -> None:
        nonlocal first_content
        if first_content and paragraph and is_title(lines[paragraph[0]].content):
            paragraph.pop(0)
        if paragraph:
            first_content = False
        measured = any(any(char.isdigit() for char in lines[index].content) for index in paragraph[1:])
        if heading is not None and not is_title(lines[heading].content) and paragraph:
            if measured or any(char.isdigit() for char in lines[paragraph[0]].content):
                promoted.add(heading)
        elif len(paragraph) >= 2 and measured and not _is_prose(lines[paragraph[0]].content):
            promoted.add(paragraph[0])
        paragraph.clear()

    for index, line in enumerate(lines):
        if line.kind == "heading" and line.annotation is None and line.section is None:
            flush()
            heading = index
            first_content = False
        elif line.kind == "text" and line.plain:
            paragraph.append(index)
        elif line.kind in ("blank", "rule") or line.section is not None:
            flush()
            if line.section is not None:
                heading = None
    flush()


def promote_unlabelled(document: Document) -> set[int]:
    """In a labelled document, headings that sit where the labelled objectives sit and hold measurable items.

    "## Objective 1: ..." then "## Grow revenue" with numbered key results below: the label was forgotten,
    and dropping the objective silently would be worse than reading it.
    """
    lines = document.lines
    levels = {line.level for line in lines if line.kind == "heading" and line.objective is not None}
    promoted: set[int] = set()
    for heading, body in _regions(lines):
        if heading is None or lines[heading].level not in levels or not lines[heading].plain:
            continue
        if is_title(lines[heading].content):
            continue
        items = [lines[index] for index in body if lines[index].kind == "item" and lines[index].plain]
        if items and any(any(char.isdigit() for char in item.content) for item in items):
            promoted.add(heading)
    return promoted


def promote(document: Document) -> set[int]:
    """Indexes of the lines that are objectives in a document without objective labels."""
    lines = document.lines
    promoted: set[int] = set()
    if not any(line.kind == "item" or line.key_result is not None for line in lines):
        _promote_paragraphs(lines, promoted)
        return promoted
    for heading, body in _regions(lines):
        if heading is not None and lines[heading].section == "ignore":
            continue
        _promote_region(lines, heading, body, promoted)
    return promoted
