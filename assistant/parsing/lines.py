"""One line of a pasted document: its shape (heading, list item, text, table row) and what it says.

The reader in ``text.py`` decides what the lines mean together; this module only looks at one line at a
time: list markers, emphasis, checkboxes and emoji are taken off, and labels such as ``Objective 2:``,
``O1 -``, ``KR 1.2`` or ``Owner: Priya`` are recognised.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from assistant.parsing.annotations import Annotation, line_annotation, section_of

_UNICODE_BULLETS = "•◦▪▫‣●○■□➤►▸▹⁃∙·➢➔✦✧◆◇❖"
_ITEM = re.compile(
    r"^(?P<marker>[-*+–—→]\s+|[" + _UNICODE_BULLETS + r"]\s*"
    r"|\(?\d{1,3}(?:\.\d{1,3}){0,3}[.)]\s+|\d{1,3}(?:\.\d{1,3}){1,3}\s+"
    r"|\(?(?:[a-zA-Z]|i{2,3}|iv|vi{0,3}|ix)[.)]\s+)(?P<rest>\S.*)$"
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?(?:\s+#+)?\s*$")
_WIKI_HEADING = re.compile(r"^h(?P<level>[1-6])\.\s+(?P<text>.*?)\s*$")
_WIKI_ITEM = re.compile(r"^(?P<marks>[#*]{1,6})\s+(?P<rest>\S.*)$")
_ORDINAL = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,3}){0,3}[.)]|\d{1,3}(?:\.\d{1,3}){1,3})\s+(?=\S)")
_RULE = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,}|(?:~\s*){3,})$")
_SETEXT = re.compile(r"^(?:=+|-{2,})\s*$")
_CHECKBOX = re.compile(r"^\[(?: |x|X|✓|✔|-)?\]\s*")
_LINK = re.compile(r"!?\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")
_TAGS = re.compile(r"</?(?:b|i|u|s|em|strong|span|p|div|font|mark|sup|sub|del|ins|small|big)(?:\s[^<>]{0,200})?>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_EMPHASIS_DOUBLE = re.compile(r"\*\*|__|~~")
_EMPHASIS_OPEN = re.compile(r"(?<![\w*])[*_](?=[^\s*_])")
_EMPHASIS_CLOSE = re.compile(r"(?<=[^\s*_])[*_](?![\w*])")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\ufe0f\ufe0e"), None)
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SYMBOL_CATEGORIES = {"So", "Sk", "Cn", "Co"}

_ID_PREFIX = re.compile(r"^\[(?P<id>[A-Za-z]{1,10}-?\d{1,6}(?:[.\-]\d{1,4}){0,3})\]\s*")
_OBJECTIVE = re.compile(
    r"^(?:(?P<word>objective|obj\.?|okr|goal)(?![a-z])\s*(?:#|no\.\s*|number\s+)?"
    r"(?P<tok>(?:[A-Za-z]{1,6}[-_.]?)?\d{1,4}(?:[.\-]\d{1,4}){0,3}[a-z]?(?!\w))?"
    r"|(?P<o>O)(?P<onum>\d{1,3}(?:\.\d{1,2})?)(?!\w))"
    r"\s*(?P<sep>[:.)|\-–—]+)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_KEY_RESULT = re.compile(
    r"^(?P<word>krs?|key[\s-]*results?)(?![a-z])\s*(?:#|no\.\s*)?(?P<dash>-)?"
    r"(?P<tok>(?:[A-Za-z]{1,6}[-_.]?)?\d{1,4}(?:[.\-]\d{1,4}){0,3}[a-z]?(?!\w))?"
    r"\s*(?P<sep>[:.)|\-–—]+)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Label:
    """``Objective 2: Title`` or ``KR1.2 text``: the id the label gives (None for a plain ordinal) and the rest."""

    id: str | None
    rest: str


@dataclass(slots=True)
class Line:
    number: int  # 1-based
    kind: str  # blank | rule | heading | item | text | table
    indent: int = 0
    level: int = 0  # heading level
    content: str = ""
    objective: Label | None = None
    key_result: Label | None = None
    annotation: Annotation | None = None
    section: str | None = None  # krs | ignore | objectives

    @property
    def plain(self) -> bool:
        """A line that is not a label, annotation or section header."""
        return (
            self.objective is None and self.key_result is None and self.annotation is None and self.section is None
        )


def _strip_symbols(text: str) -> str:
    start, end = 0, len(text)
    while start < end and (unicodedata.category(text[start]) in _SYMBOL_CATEGORIES or text[start].isspace()):
        start += 1
    while end > start and (unicodedata.category(text[end - 1]) in _SYMBOL_CATEGORIES or text[end - 1].isspace()):
        end -= 1
    return text[start:end]


def clean_inline(text: str) -> str:
    """Plain text of a line's content: no emphasis, links, tags, checkboxes, leading emoji or odd spaces."""
    text = text.translate(_INVISIBLE)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAGS.sub("", _BR.sub(" ", text))
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    text = _EMPHASIS_DOUBLE.sub("", text).replace("`", "")
    if "*" in text or "_" in text:
        text = _EMPHASIS_CLOSE.sub("", _EMPHASIS_OPEN.sub("", text))
    text = _SPACES.sub(" ", text).strip()
    for _ in range(3):
        before = text
        text = _strip_symbols(_CHECKBOX.sub("", text))
        if text == before:
            break
    return text


def objective_label(content: str, *, top_level: bool) -> Label | None:
    """``Objective 1: ...``, ``O2 - ...``, ``Goal 3: ...``; None when the line is not one."""
    match = _OBJECTIVE.match(content)
    if match is None:
        return None
    word = (match["word"] or "").lower().rstrip(".")
    token, sep, rest = match["tok"], match["sep"], match["rest"].strip()
    if word:
        if token is None and sep is None and rest:
            return None  # "Objective Grow revenue"
        if word == "goal" and (not top_level or (token is None and (sep or "").strip() != ":")):
            return None
        if word == "okr" and token is None:
            return None
        identifier = None if token is None or token.replace(".", "").isdigit() else token
        return Label(identifier, rest)
    return Label(f"O{match['onum']}", rest)


def key_result_label(content: str) -> Label | None:
    """``KR1: ...``, ``KR 1.2 ...``, ``Key result 2 - ...``, ``KR: ...``; None otherwise (and for a bare
    ``Key results`` header, which is a section)."""
    match = _KEY_RESULT.match(content)
    if match is None:
        return None
    token, sep, rest = match["tok"], match["sep"], match["rest"].strip()
    if token is None and (sep is None or not rest):
        return None
    if match["word"].lower().endswith("s") and token is None:
        return None  # "KRs: a, b" reads as a header, not one key result
    identifier = None
    if token is not None:
        identifier = f"KR{match['dash'] or ''}{token}" if token[0].isdigit() else token
    return Label(identifier, rest)


def classify(raw: str, number: int, *, wiki: bool = False) -> Line:
    """Read one line (already split, tabs expanded) into a ``Line``; ``wiki`` for Confluence wiki markup."""
    stripped = raw.strip()
    indent = len(raw) - len(raw.lstrip())
    while stripped.startswith(">"):
        stripped = stripped[1:].lstrip()
    if not stripped:
        return Line(number, "blank", indent)
    if _RULE.match(stripped):
        return Line(number, "rule", indent)
    kind, level, text = "text", 0, stripped
    heading = _HEADING.match(stripped) if not wiki else _WIKI_HEADING.match(stripped)
    wiki_item = _WIKI_ITEM.match(stripped) if wiki else None
    if wiki_item is not None:  # Confluence wiki markup: "# item" and "## sub-item" are numbered lists
        kind, text, indent = "item", wiki_item["rest"], indent + 2 * (len(wiki_item["marks"]) - 1)
    elif heading is not None:
        kind, level, text = "heading", len(heading["hashes"]) if not wiki else int(heading["level"]), heading["text"] or ""
        ordinal = _ORDINAL.match(text)
        if ordinal is not None:
            text = text[ordinal.end() :]  # "## 1. Grow revenue"
    else:
        item = _ITEM.match(stripped)
        if item is not None and not stripped.startswith(("**", "__")):
            kind, text = "item", item["rest"]
    content = clean_inline(text)
    if not content:
        return Line(number, "blank" if kind != "heading" else "heading", indent, level)
    item_marker = _ITEM.match(content) if kind == "text" else None
    if item_marker is not None and stripped[0] in "*_":
        kind, content = "item", clean_inline(item_marker["rest"])  # "**1.** Increase..." after cleaning
    line = Line(number, kind, indent, level, content)
    prefix = _ID_PREFIX.match(content)
    labelled = content[prefix.end() :] if prefix is not None else content
    line.objective = objective_label(labelled, top_level=kind == "heading" or indent == 0)
    if line.objective is not None and prefix is not None and line.objective.id is None:
        line.objective = Label(prefix["id"], line.objective.rest)  # "[PAY-7] Objective: ..." (a Jira key)
    if line.objective is None:
        line.key_result = key_result_label(content)
    if line.objective is None and line.key_result is None:
        line.annotation = line_annotation(content)
        if line.annotation is not None and line.annotation.kind == "meta" and not line.annotation.value:
            line.annotation = None  # "Initiatives:" or "Notes:" heads a section
        if line.annotation is None:
            line.section = section_of(content)
    return line


def is_setext_underline(raw: str) -> int:
    """1 or 2 when ``raw`` underlines the line above as a heading (``====`` / ``----``), else 0."""
    stripped = raw.strip()
    if not _SETEXT.match(stripped):
        return 0
    return 1 if stripped.startswith("=") else 2
