"""Chunking: cut a document's sections into passages the embedding model can read whole.

Every chunk carries its heading path ("Strategy 2027 > Markets > Enterprise"), both as metadata and at the top
of the text that is embedded, and fits in 256 tokens (counted with the model's own tokenizer, [CLS] and [SEP]
included). A section too long for one chunk is cut at paragraph, line and sentence boundaries, and each piece
repeats the tail of the one before it so that no sentence loses its context.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from assistant.retrieval.embeddings import MAX_TOKENS, get_tokenizer

HEADING_SEPARATOR = " > "
MAX_HEADING_TOKENS = 64
DEFAULT_OVERLAP = 40
MAX_UNIT_CHARS = 1000  # a "word" the tokenizer reads as one [UNK] can be any length: cap it by characters
CHUNKER_VERSION = "1"  # part of every document's fingerprint: bump it to re-chunk stored documents

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")
_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path (outermost heading first)."""

    headings: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Chunk:
    id: str
    index: int
    heading: str
    text: str
    tokens: int

    @property
    def embed_text(self) -> str:
        """What the model embeds: the heading path, then the passage."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


@dataclass
class _Unit:
    text: str
    tokens: int
    separator: str = " "  # what joins it to the unit before: " ", "\n" or "\n\n"


@dataclass
class _Draft:
    units: list[_Unit] = field(default_factory=list)
    tokens: int = 0

    def text(self) -> str:
        parts: list[str] = []
        for i, unit in enumerate(self.units):
            if i:
                parts.append(unit.separator)
            parts.append(unit.text)
        return "".join(parts)


def _count(texts: list[str]) -> list[int]:
    if not texts:
        return []
    encodings = get_tokenizer().encode_batch(texts, add_special_tokens=False)
    return [len(e.ids) for e in encodings]


def _cut_by_tokens(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` tokens at token boundaries (for words without end)."""
    encoding = get_tokenizer().encode(text, add_special_tokens=False)
    offsets = encoding.offsets
    pieces: list[str] = []
    for start in range(0, len(offsets), limit):
        window = offsets[start : start + limit]
        end = offsets[start + limit][0] if start + limit < len(offsets) else len(text)
        piece = text[window[0][0] : end].strip()
        if piece:
            pieces.append(piece)
    return pieces


def _cut_by_chars(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at a space where there is one."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    pieces.append(text)
    return [piece for piece in pieces if piece]


def _tail(text: str, limit: int) -> str:
    """The last ``limit`` tokens of ``text``."""
    offsets = get_tokenizer().encode(text, add_special_tokens=False).offsets
    if len(offsets) <= limit:
        return text
    return text[offsets[-limit][0] :].strip()


def _units(text: str, budget: int) -> list[_Unit]:
    """Paragraphs, lines and sentences of ``text``, each at most ``budget`` tokens."""
    raw: list[tuple[str, str]] = []
    for p, paragraph in enumerate(_BLANK_LINES.split(text)):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        for n, line in enumerate(lines):
            for s, sentence in enumerate(_SENTENCE_END.split(line)):
                separator = " " if s else ("\n" if n else "\n\n")
                raw.append((sentence, separator if (p or n or s) else ""))
    raw = [
        (piece, separator if i == 0 else " ")
        for sentence, separator in raw
        for i, piece in enumerate(_cut_by_chars(sentence, MAX_UNIT_CHARS))
    ]
    counts = _count([sentence for sentence, _ in raw])
    units: list[_Unit] = []
    for (sentence, separator), tokens in zip(raw, counts, strict=True):
        if tokens <= budget:
            units.append(_Unit(sentence, tokens, separator))
            continue
        pieces = _cut_by_tokens(sentence, budget)
        for i, (piece, piece_tokens) in enumerate(zip(pieces, _count(pieces), strict=True)):
            units.append(_Unit(piece, min(piece_tokens, budget), separator if i == 0 else " "))
    return units


def _overlap(units: list[_Unit], limit: int) -> list[_Unit]:
    """The trailing units of a finished chunk, at most ``limit`` tokens, to open the next one."""
    if limit <= 0 or not units:
        return []
    max_chars = limit * 12
    kept: list[_Unit] = []
    total = chars = 0
    for unit in reversed(units):
        if total + unit.tokens > limit or chars + len(unit.text) > max_chars:
            break
        kept.insert(0, unit)
        total += unit.tokens
        chars += len(unit.text)
    starts = [i for i, u in enumerate(kept) if i and u.separator != " "]
    if starts:  # begin the overlap where a line or paragraph begins, not mid-line
        kept = kept[starts[0] :]
    if kept:
        return [_Unit(u.text, u.tokens, u.separator) for u in kept]
    tail = _tail(units[-1].text, limit)[-max_chars:]
    return [_Unit(tail, _count([tail])[0])]


def _pack(units: list[_Unit], budget: int, overlap: int) -> list[str]:
    chunks: list[str] = []
    draft = _Draft()
    fresh = 0  # units in the draft that are not overlap from the previous chunk
    for unit in units:
        too_long = sum(len(u.text) for u in draft.units) + len(unit.text) > 2 * MAX_UNIT_CHARS
        if draft.units and fresh and (draft.tokens + unit.tokens > budget or too_long):
            chunks.append(draft.text())
            carried = _overlap(draft.units, overlap)
            while carried and sum(u.tokens for u in carried) + unit.tokens > budget:
                carried.pop(0)
            draft = _Draft(carried, sum(u.tokens for u in carried))
            fresh = 0
        draft.units.append(unit)
        draft.tokens += unit.tokens
        fresh += 1
    if fresh:
        chunks.append(draft.text())
    return chunks


def _heading(headings: tuple[str, ...]) -> str:
    heading = HEADING_SEPARATOR.join(h.strip() for h in headings if h.strip())
    if heading and _count([heading])[0] > MAX_HEADING_TOKENS:
        heading = _cut_by_tokens(heading, MAX_HEADING_TOKENS)[0] + " …"
    return heading


def chunk_id(document_id: str, heading: str, text: str, occurrence: int = 0) -> str:
    """A chunk id derived from its document and content, so re-ingesting the same text gives the same id."""
    digest = hashlib.sha256(f"{heading}\n{text}\n{occurrence}".encode()).hexdigest()[:16]
    return f"{document_id}#{digest}"


def chunk_sections(
    document_id: str, sections: list[Section], *, max_tokens: int = MAX_TOKENS, overlap: int = DEFAULT_OVERLAP
) -> list[Chunk]:
    """Cut ``sections`` into chunks of at most ``max_tokens`` tokens each, heading path included."""
    pieces: list[tuple[str, str]] = []
    for section in sections:
        text = section.text.strip()
        if not text:
            continue
        heading = _heading(section.headings)
        reserved = 2 + (_count([heading])[0] if heading else 0)  # [CLS], [SEP] and the heading line
        budget = max(16, max_tokens - reserved)
        units = _units(text, budget)
        whole = sum(u.tokens for u in units)
        fits = whole <= budget and len(text) <= MAX_UNIT_CHARS * 2
        texts = [text] if fits else _pack(units, budget, overlap)
        pieces.extend((heading, t) for t in texts if t.strip())
    seen: dict[str, int] = {}
    chunks: list[Chunk] = []
    for index, (heading, text, tokens) in enumerate(_fit(pieces, max_tokens)):
        key = f"{heading}\n{text}"
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        chunks.append(
            Chunk(
                id=chunk_id(document_id, heading, text, occurrence),
                index=index,
                heading=heading,
                text=text,
                tokens=tokens + 2,
            )
        )
    return chunks


def _fit(pieces: list[tuple[str, str]], max_tokens: int) -> list[tuple[str, str, int]]:
    """Count every piece with the real tokenizer (heading line included, [CLS] and [SEP] not), and halve
    the rare one that came out too long."""
    counts = _count([f"{h}\n{t}" if h else t for h, t in pieces])
    fitted: list[tuple[str, str, int]] = []
    for (heading, text), tokens in zip(pieces, counts, strict=True):
        if tokens + 2 <= max_tokens:
            fitted.append((heading, text, tokens))
            continue
        limit = max(8, (tokens // 2) - (_count([heading])[0] if heading else 0))
        halves = [(heading, piece) for piece in _cut_by_tokens(text, limit)]
        fitted.extend(_fit(halves, max_tokens))
    return fitted
