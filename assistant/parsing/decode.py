"""Bytes to text: reject binary files and bad encodings with a message that says where and what to do."""

from __future__ import annotations

import codecs
import re

from assistant.errors import ParseError, UnsupportedFormat
from assistant.parsing.limits import check_size

# Magic numbers of the binary files people most often hand to a text tool by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .pptx file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"{\\rtf", "a rich-text (RTF) document"),
)
_BINARY_HINT = "Export or paste the OKRs as Markdown, plain text, YAML or JSON and try again."
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _where(source: str | None) -> str:
    return source or "input"


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode_bytes(data: bytes, *, source: str | None = None) -> str:
    """Decode an uploaded or read file to text.

    UTF-8 (with or without a byte-order mark) is the format; UTF-16 with a byte-order mark (Windows
    "Unicode" text) is accepted too.

    Raises:
        PayloadTooLarge: over the size limit.
        UnsupportedFormat: a binary file (PDF, Office document, image, ...).
        ParseError: empty, or not valid UTF-8 (names the byte offset, line and column).
    """
    check_size(len(data), source=source)
    if not data.strip():
        raise ParseError(
            "the file is empty: write at least one objective with its key results", source=source
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"the file starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start}): "
                "save it as UTF-8",
                source=source,
            ) from None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormat(f"{_where(source)}: this is {kind}, not text. {_BINARY_HINT}")
    if b"\x00" in data[:8192]:
        raise UnsupportedFormat(f"{_where(source)}: this looks like a binary file (it contains NUL bytes). {_BINARY_HINT}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        line, column = _line_col(data, start)
        raise ParseError(
            f"not valid UTF-8 at byte {start} (0x{data[start]:02x}): save the file as UTF-8 "
            "(most editors offer it under 'Save as' or 'Encoding')",
            line=line,
            column=column,
            source=source,
        ) from None
    if len(_CONTROL.findall(text, 0, 8192)) > 8:
        raise UnsupportedFormat(f"{_where(source)}: this looks like a binary file (control characters). {_BINARY_HINT}")
    return text


def check_characters(text: str, *, source: str | None = None) -> None:
    """Reject text that no file could hold: unpaired UTF-16 surrogates."""
    found = _SURROGATE.search(text)
    if found is not None:
        before = text[: found.start()]
        line = before.count("\n") + 1
        column = found.start() - (before.rfind("\n") + 1) + 1
        raise ParseError(
            f"unpaired surrogate character U+{ord(found.group()):04X}: the text is not valid Unicode",
            line=line,
            column=column,
            source=source,
        )
