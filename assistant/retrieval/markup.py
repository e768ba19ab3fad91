"""Heading structure of HTML pages and PDF text, for the loaders (stdlib only)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

from assistant.retrieval.chunking import Section

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "iframe", "object"}
_BLOCK = {
    "p", "div", "section", "article", "main", "aside", "header", "blockquote", "pre", "ul", "ol", "dl",
    "table", "tr", "form", "fieldset", "figure", "figcaption", "address", "details", "summary", "hr",
}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[tuple[str, ...], str]] = []
        self.title = ""
        self._stack: list[tuple[int, str]] = []
        self._body: list[str] = []
        self._heading: list[str] | None = None
        self._heading_level = 0
        self._skip_depth = 0
        self._in_title = False

    def _flush(self) -> None:
        text = "".join(self._body)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        content = "\n".join(lines).strip()
        while "\n\n\n" in content:
            content = content.replace("\n\n\n", "\n\n")
        if content:
            self.sections.append((tuple(h for _, h in self._stack), content))
        self._body.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if self._skip_depth:
            return
        if tag in _HEADINGS:
            self._flush()
            self._heading = []
            self._heading_level = _HEADINGS[tag]
        elif tag == "br":
            self._body.append("\n")
        elif tag == "li":
            self._body.append("\n- ")
        elif tag in {"td", "th"}:
            self._body.append(" | ")
        elif tag in _BLOCK:
            self._body.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth:
            return
        if tag in _HEADINGS and self._heading is not None:
            title = " ".join("".join(self._heading).split())
            self._heading = None
            while self._stack and self._stack[-1][0] >= self._heading_level:
                self._stack.pop()
            if title:
                self._stack.append((self._heading_level, title))
        elif tag in _BLOCK:
            self._body.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip_depth:
            return
        if self._heading is not None:
            self._heading.append(data)
        else:
            self._body.append(data.replace("\n", " "))

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(heading path, text) pairs of an HTML page; scripts, styles and navigation are dropped."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.sections


def pdf_lines_to_sections(lines: list[tuple[str, float]]) -> list[Section]:
    """Sections from PDF text lines with font sizes: lines set larger than the body text are headings.

    The body size is the size carrying the most characters; distinct larger sizes give heading levels
    (largest first). A PDF with a single size has no headings, just text.
    """
    weights: Counter[float] = Counter()
    for text, size in lines:
        if text and size > 0:
            weights[round(size, 1)] += len(text)
    body_size = weights.most_common(1)[0][0] if weights else 0.0
    heading_sizes = sorted(
        {round(size, 1) for text, size in lines if _looks_like_heading(text, size, body_size)}, reverse=True
    )
    levels = {size: n + 1 for n, size in enumerate(heading_sizes[:6])}
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    body: list[str] = []

    def flush() -> None:
        content = "\n".join(body).strip()
        if content:
            sections.append(Section(tuple(h for _, h in stack), content))
        body.clear()

    for text, size in lines:
        level = levels.get(round(size, 1)) if _looks_like_heading(text, size, body_size) else None
        if level is None:
            body.append(text)
            continue
        if stack and stack[-1][0] == level and not body:
            # a heading set on two lines continues the one above it
            stack[-1] = (level, f"{stack[-1][1]} {text}")
            continue
        flush()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
    flush()
    return sections


def _looks_like_heading(text: str, size: float, body_size: float) -> bool:
    return (
        bool(text)
        and body_size > 0
        and size >= body_size * 1.15
        and len(text) <= 120
        and any(c.isalpha() for c in text)
    )
