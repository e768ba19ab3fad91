"""Reading OKRs the way people write them: YAML, JSON, Markdown, and plain text pasted from docs and slides.

    parse_okrs(text, fmt=None, source=None) -> OKRSet      text you already have
    parse_okr_bytes(data, fmt=None, source=None) -> OKRSet an upload or stdin (checks size and encoding)
    load_okrs(path) -> OKRSet                             a file (format from the extension or the content)

Every failure is an ``InputError``: ``ParseError`` names the line (and column where it applies),
``PayloadTooLarge`` a size limit, ``UnsupportedFormat`` a binary or office file. No input makes the parser
hang or exhaust memory: sizes, nesting and alias expansion are bounded (``assistant.parsing.limits``).
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import InputError, ParseError, UnsupportedFormat
from assistant.okr import OKRSet
from assistant.parsing.decode import check_characters, decode_bytes
from assistant.parsing.jsontree import compose_json
from assistant.parsing.limits import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_KEY_RESULTS,
    MAX_NODES,
    MAX_OBJECTIVES,
    check_size,
    check_text,
)
from assistant.parsing.structured import build_okr_set
from assistant.parsing.yamltree import compose_yaml

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_KEY_RESULTS",
    "MAX_NODES",
    "MAX_OBJECTIVES",
    "detect_format",
    "load_okrs",
    "normalise_format",
    "parse_okr_bytes",
    "parse_okrs",
]

FORMATS = ("yaml", "json", "md", "text")
_ALIASES = {
    "yaml": "yaml", "yml": "yaml", "json": "json", "md": "md", "markdown": "md", "text": "text", "txt": "text",
    "plain": "text",
}
_EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "md", ".markdown": "md"}
_DOCUMENTS = {
    ".docx": "Word", ".doc": "Word", ".odt": "OpenDocument", ".pdf": "PDF", ".pptx": "PowerPoint",
    ".ppt": "PowerPoint", ".key": "Keynote", ".pages": "Pages", ".xlsx": "Excel", ".xls": "Excel",
    ".numbers": "Numbers", ".ods": "OpenDocument",
}
_JSON_ARRAY = re.compile(r'\[\s*(?:[{\["\]]|-?\d|true\b|false\b|null\b)')
_YAML_BLOCK = re.compile(
    r"(?m)^[\"']?(?:objectives|okrs|goals|key_results)[\"']?[ \t]*:[ \t]*(?:#[^\n]*)?\n"
    r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:[ \t]+\S|-[ \t])"
)
_YAML_MAPPINGS = re.compile(
    r"(?im)^[\"']?(?:objectives|okrs|goals|key[ _-]?results)[\"']?[ \t]*:[ \t]*(?:#[^\n]*)?\n"
    r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:-[ \t]+)?[\w\"' -]{1,40}:(?:[ \t]|$)"
)
_YAML_FLOW = re.compile(r"(?m)^(?:objectives|okrs|goals)[ \t]*:[ \t]*[\[{]")
_YAML_LIST = re.compile(r"^(?:#[^\n]*\n|---[ \t]*\n|[ \t]*\n)*-[ \t]+(?:title|objective|name)[ \t]*:")
_FENCE = re.compile(r"^(?:```|~~~)[ \t]*(?P<info>[\w+-]*)[^\n]*\n(?P<body>.*?)\n(?:```|~~~)[ \t]*$", re.DOTALL)
_MARKDOWN = re.compile(r"(?m)^(?:#{1,6}\s|\s*[-*+]\s|\s*\d{1,3}[.)]\s|\s*\|)")


def normalise_format(fmt: str) -> str:
    """'yml' -> 'yaml', 'markdown' -> 'md', ...; raises ``UnsupportedFormat`` for anything else."""
    canonical = _ALIASES.get(fmt.strip().lower().lstrip("."))
    if canonical is None:
        raise UnsupportedFormat(f"unknown OKR format '{fmt}': use one of {', '.join(FORMATS)}")
    return canonical


def detect_format(text: str) -> str:
    """Guess the format of ``text``: json, yaml, md or text."""
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("{") or _JSON_ARRAY.match(start):
        return "json"
    if any(pattern.search(text) for pattern in (_YAML_BLOCK, _YAML_MAPPINGS, _YAML_FLOW)) or _YAML_LIST.match(text):
        return "yaml"
    return "md" if _MARKDOWN.search(text) else "text"


def _structured(text: str, fmt: str, source: str | None) -> OKRSet:
    root = compose_json(text, source=source) if fmt == "json" else compose_yaml(text, source=source)
    return build_okr_set(root, source=source)


def parse_okrs(text: str, *, fmt: str | None = None, source: str | None = None) -> OKRSet:
    """Read OKRs from ``text``.

    Args:
        text: the file's content.
        fmt: yaml, json, md or text (also yml, markdown, txt); detected from the content when None.
        source: a name for messages, such as the file name.

    Returns:
        The set, with ``line`` on every objective and key result. Key results keep their text as written;
        fields given explicitly (YAML/JSON ``target:``, a ``Target:`` line under a bullet) are carried over.

    Raises:
        ParseError: the text cannot be read as OKRs; the message names the line (and column).
        PayloadTooLarge: over the size, line or objective limits.
        UnsupportedFormat: an unknown ``fmt``.
    """
    check_text(text, source=source)
    check_characters(text, source=source)
    chosen = normalise_format(fmt) if fmt is not None else None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("the input is empty: write at least one objective with its key results", source=source)
    fenced = _FENCE.match(text.strip()) if chosen in (None, "md", "text") else None
    if fenced is not None and "```" not in fenced["body"] and "~~~" not in fenced["body"]:
        # a whole file pasted as one code block: read what is inside, keeping line numbers
        info = fenced["info"].lower()
        leading = text[: len(text) - len(text.lstrip())].count("\n")
        text = "\n" * (leading + 1) + fenced["body"]
        chosen = _ALIASES.get(info) if chosen is None else chosen
    if chosen is None:
        chosen = detect_format(text)
    if chosen in ("json", "yaml"):
        return _structured(text, chosen, source)
    from assistant.parsing.text import parse_text  # here, not at import: YAML and JSON input never need it

    try:
        return parse_text(text, source=source)
    except ParseError as error:
        if fmt is None and re.search(r"(?m)^[\w\"' -]{1,40}:[ \t]*$", text):
            try:
                return _structured(text, "yaml", source)  # YAML with unusual keys ('Objectives:')
            except InputError:
                pass
        raise error from None


def parse_okr_bytes(data: bytes, *, fmt: str | None = None, source: str | None = None) -> OKRSet:
    """Read OKRs from raw bytes (an upload, stdin): checks size, binary content and encoding first.

    Raises:
        ParseError: empty, not UTF-8 (names the byte offset, line and column), or not readable as OKRs.
        UnsupportedFormat: a binary file such as a PDF or a Word document.
        PayloadTooLarge: over the size limit.
    """
    return parse_okrs(decode_bytes(data, source=source), fmt=fmt, source=source)


def load_okrs(path: Path | str) -> OKRSet:
    """Read an OKR file. The format comes from the extension (.yaml/.yml, .json, .md), else the content.

    Raises:
        InputError: the file is missing or unreadable; see ``parse_okr_bytes`` for the rest.
    """
    path = Path(path)
    source = str(path)
    document = _DOCUMENTS.get(path.suffix.lower())
    if document is not None:
        raise UnsupportedFormat(
            f"{source}: {document} files cannot be read directly. Copy the OKRs into a .md or .txt file "
            "(or save as plain text) and try again."
        )
    try:
        if path.is_file():
            check_size(path.stat().st_size, source=source)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{source} is a directory: give the path of an OKR file") from None
    except PermissionError:
        raise InputError(f"{source}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    return parse_okr_bytes(data, fmt=_EXTENSIONS.get(path.suffix.lower()), source=source)
