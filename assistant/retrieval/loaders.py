"""Loaders: strategy documents (Markdown, plain text, PDF, DOCX, HTML) into sections under their headings.

``read_document`` reads the bytes (with a size limit); ``parse_document`` turns them into ``Section``s.
Every failure is an ``InputError`` whose message is the reason a person reads in the ingest summary.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

from assistant.errors import InputError, PayloadTooLarge, UnsupportedFormat
from assistant.retrieval.chunking import Section
from assistant.retrieval.markup import parse_html

FORMATS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".rst": "text",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
OKR_SUFFIXES = {".yaml", ".yml", ".json", ".csv"}


def document_format(path: Path) -> str:
    """The loader for ``path`` by its extension.

    Raises:
        UnsupportedFormat: no loader reads this extension.
    """
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix in OKR_SUFFIXES:
        raise UnsupportedFormat(
            f"unsupported file type {suffix}: strategy documents are .md, .txt, .pdf, .docx or .html "
            "(import OKR files with `okr parents import`)"
        )
    shown = suffix or "(no extension)"
    raise UnsupportedFormat(f"unsupported file type {shown}: use .md, .txt, .pdf, .docx or .html")


def read_document(path: Path, *, max_bytes: int) -> bytes:
    """Read ``path`` whole, refusing files over ``max_bytes``.

    Raises:
        PayloadTooLarge: the file is over the limit.
        InputError: the file vanished, is not a regular file, or cannot be read.
    """
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError("not a regular file")
        if size > max_bytes:
            raise PayloadTooLarge(
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
                "(raise it with OKR_MAX_UPLOAD_BYTES, or split the document)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("file disappeared before it could be read") from None
    except PermissionError:
        raise InputError("permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise InputError("not a regular file") from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"file grew over the {max_bytes / 1e6:.1f} MB limit while being read")
    return data


def parse_document(data: bytes, fmt: str) -> list[Section]:
    """Sections of a document in format ``fmt`` (see ``FORMATS``).

    Raises:
        InputError: the document is empty, damaged, encrypted, or not what its extension says.
    """
    if fmt == "pdf":
        sections = _pdf(data)
    elif fmt == "docx":
        sections = _docx(data)
    else:
        text = _decode(data)
        if fmt == "markdown":
            sections = parse_markdown(text)
        elif fmt == "html":
            sections = [Section(h, t) for h, t in parse_html(text)]
        else:
            sections = [Section((), text)]
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        if fmt == "pdf":
            raise InputError("no text layer: the PDF holds only images (run OCR on it first)")
        raise InputError("empty document: no text to index")
    return sections


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise InputError("not a text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Markdown ---------------------------------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def _clean_inline(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub(r"\2", text)


def parse_markdown(text: str) -> list[Section]:
    """Sections of a Markdown document: ATX and setext headings, fenced code kept as text."""
    text = _COMMENT.sub("", text)
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        for end in range(1, len(lines)):
            if lines[end].strip() in {"---", "..."}:
                lines = lines[end + 1 :]
                break
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    body: list[str] = []
    fence: str | None = None

    def flush() -> None:
        content = "\n".join(body).strip()
        if content:
            sections.append(Section(tuple(h for _, h in stack), content))
        body.clear()

    def open_heading(level: int, title: str) -> None:
        flush()
        while stack and stack[-1][0] >= level:
            stack.pop()
        if title:
            stack.append((level, title))

    i = 0
    while i < len(lines):
        line = lines[i]
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            body.append(line)
        elif marker:
            fence = marker.group(1)
            body.append(line)
        elif atx := _ATX.match(line):
            open_heading(len(atx.group(1)), _clean_inline((atx.group(2) or "").strip()))
        elif (
            line.strip()
            and i + 1 < len(lines)
            and _SETEXT.match(lines[i + 1])
            and (not body or not body[-1].strip())
            and not line.lstrip().startswith(("-", "*", "+", ">", "|"))
        ):
            open_heading(1 if lines[i + 1].strip()[0] == "=" else 2, _clean_inline(line.strip()))
            i += 1
        else:
            body.append(_clean_inline(line))
        i += 1
    flush()
    return sections


# --- DOCX -------------------------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def _docx(data: bytes) -> list[Section]:
    import zipfile

    try:
        import docx
        from docx.enum.style import WD_STYLE_TYPE
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable DOCX file ({exc})") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise InputError(f"not a readable DOCX file ({type(exc).__name__}: {exc})") from None

    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    body: list[str] = []
    # style id -> name, read once (python-docx looks the default style up again for every paragraph)
    names = {style.style_id: style.name or "" for style in document.styles}
    default = next((s.name or "" for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH and s.element.default), "")

    def flush() -> None:
        content = "\n".join(body).strip()
        if content:
            sections.append(Section(tuple(h for _, h in stack), content))
        body.clear()

    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text.strip()
            if not text:
                body.append("")
                continue
            style_id = element.style
            style = names.get(style_id, "") if style_id else default
            level = 1 if style.lower() == "title" else None
            if match := _HEADING_STYLE.match(style.strip()):
                level = int(match.group(1)) + 1
            if level is not None:
                flush()
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, text))
            elif "list" in style.lower():
                body.append(f"- {text}")
            else:
                body.append(text)
        elif tag == "tbl":
            table = Table(element, document)
            for row in table.rows:
                cells = [cell.text.strip() for cell in row.cells]
                if any(cells):
                    body.append(" | ".join(cells))
            body.append("")
    flush()
    return sections


# --- PDF --------------------------------------------------------------------------------------------------


def _pdf(data: bytes) -> list[Section]:
    from assistant.retrieval.markup import pdf_lines_to_sections

    try:
        from pypdf import PdfReader

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    unlocked = bool(reader.decrypt(""))
                except Exception:
                    unlocked = False
                if not unlocked:
                    raise InputError("encrypted PDF: it needs a password, so its text cannot be read")
            lines: list[tuple[str, float]] = []
            for page in reader.pages:
                lines.extend(_page_lines(page))
                lines.append(("", 0.0))
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise InputError(f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    return pdf_lines_to_sections(lines)


def _page_lines(page: object) -> list[tuple[str, float]]:
    """The text lines of one page, each with the largest font size used on it."""
    fragments: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        scale = abs(tm[0] * tm[3] - tm[1] * tm[2]) ** 0.5 * abs(cm[0] * cm[3] - cm[1] * cm[2]) ** 0.5
        fragments.append((text, float(size or 0.0) * (scale or 1.0)))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    lines: list[tuple[str, float]] = []
    current: list[str] = []
    size = 0.0
    for text, fragment_size in fragments:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(("".join(current).strip(), size))
                current, size = [], 0.0
            if part.strip():
                current.append(part)
                size = max(size, fragment_size)
            elif part:
                current.append(part)
    if current:
        lines.append(("".join(current).strip(), size))
    return lines
