"""Size limits that keep the parser prompt on any input, and the errors raised when one is crossed."""

from __future__ import annotations

from assistant.errors import PayloadTooLarge

MAX_BYTES = 5_000_000  # a whole company's OKRs fit in a few hundred kilobytes
MAX_LINES = 50_000  # about a thousand pages
MAX_OBJECTIVES = 500
MAX_KEY_RESULTS = 5_000
MAX_DEPTH = 32  # nesting of YAML/JSON collections; real OKR files need five or six levels
MAX_NODES = 100_000  # YAML/JSON values, counting every expansion of an alias


def _where(source: str | None, line: int | None = None) -> str:
    where = source or "input"
    return f"{where}, line {line}" if line is not None else where


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_size(size: int, *, source: str | None) -> None:
    """Raise ``PayloadTooLarge`` when ``size`` bytes is over the limit."""
    if size > MAX_BYTES:
        raise PayloadTooLarge(
            f"{_where(source)}: the input is {_megabytes(size)}, over the {_megabytes(MAX_BYTES)} limit. "
            "An OKR file is a few kilobytes: split it into one file per team or period."
        )


def check_text(text: str, *, source: str | None) -> None:
    """Raise ``PayloadTooLarge`` when ``text`` is too big or has too many lines."""
    if len(text) > MAX_BYTES:
        check_size(len(text), source=source)
    if len(text) > MAX_BYTES // 4:
        check_size(len(text.encode("utf-8", "surrogatepass")), source=source)
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise PayloadTooLarge(
            f"{_where(source)}: the input has {lines:,} lines, over the {MAX_LINES:,} line limit. "
            "Split it into one file per team or period."
        )


def too_many_objectives(*, line: int | None, source: str | None) -> PayloadTooLarge:
    """The error for a set with more than ``MAX_OBJECTIVES`` objectives (``line``: where the first extra one starts)."""
    return PayloadTooLarge(
        f"{_where(source, line)}: more than {MAX_OBJECTIVES} objectives. A set this large is not one team's "
        "OKRs (the usual range is 3-5): split the file by team or period."
    )


def too_many_key_results(*, line: int | None, source: str | None) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{_where(source, line)}: more than {MAX_KEY_RESULTS:,} key results in one file. "
        "Split the file by team or period."
    )
