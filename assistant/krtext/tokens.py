"""One pass over a key result's text: numbers (normalised, with units), placeholders, words and symbols.

A fast splitter cuts the text; digit runs are read by ``quantities`` from their start, and words that can hold
a deadline ("Q2", "March", "2027", "90 days") are anchors from which the deadline pattern of ``dates`` is
tried, so each deadline becomes one DATE token and "Q2", "2027-03-31" or the 90 of "within 90 days" never read
as quantities. Numbers that are parts of names become words: "p95", "KR1", "SOC 2", "ISO 27001", "v2.1",
"COVID-19", "24/7", "1st", "5-star", and years ("2026 revenue", "since 2020"); a list label such as "1." or
"KR 1.2:" is skipped.
"""

from __future__ import annotations

import re
from typing import Final

from assistant.krtext.dates import (
    DATE_WORDS,
    DEADLINE_STARTS,
    deadline_at,
    duration_may_start_deadline,
    is_date_word,
)
from assistant.krtext.lexicon import RELATIVE_WORDS, words
from assistant.krtext.model import DATE, HOLE, NUM, SYM, UNKNOWN, WORD, YEAR, Token
from assistant.krtext.patterns import LazyPattern
from assistant.krtext.periods import Period
from assistant.krtext.quantities import CURRENCY_SIGNS, NUMBER_WORDS, read_number, read_number_word

# The splitter: words (with inner hyphens, apostrophes and "&"), numeric dates, digit runs, placeholders in
# brackets, and symbols. The outer group makes ``findall`` return ``(piece, date)`` pairs: one C-level pass
# instead of a match object per piece. No piece starts with whitespace or "_": the leading run skips them inside
# a match instead of trying every alternative at each of them.
_SPLIT_RE: Final = re.compile(
    r"""[\s_]*(
    [^\W\d_][^\W_]*(?:['’][^\W\d_]+)?(?:[-&][^\W_]+)*
  | (?P<date>(?:19|20)\d\d(?:[-/.]\d{1,2}[-/.]\d{1,2}|\ ?-?\ ?[QH][1-4]\b|-(?:0[1-9]|1[0-2]))(?![\d/-])
      |\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?![\d/.]))
  | \d[\d,.]*
  | >=|<=|=>|=<|==|-->|->|\?+|\[[^\[\]\n]{1,40}\]|<<?[A-Za-z][\w\ \-]{0,30}>>?|\{\{?[^{}\n]{1,40}\}?\}
  | [^\s\w]
    )""",
    re.VERBOSE,
)
_LABEL_RE: Final = LazyPattern(
    r"^\s*(?:[-*•+]\s+)?(?:(?:KR|OKR|Key\s+Result|Goal)\s*#?\d+(?:\.\d+)*\s*[:.)\-–]?\s*"
    r"|(?:KR|Key\s+Result)\s*[:\-–]\s*|\(?\d{1,2}(?:\.\d+)*[.)]\s+|[a-h][.)]\s+)?",
    re.IGNORECASE,
)
_LABEL_FIRST: Final = frozenset("0123456789-*•+(kKgG \t")
_NAME_RUN: Final = LazyPattern(r"[\w.\-/]*")
# Placeholders written as words: X, XX, N, Y, Xk, XM, TBD (upper case, except x and tbd)
_HOLE_WORDS: Final = frozenset(
    [hole + scale for hole in ("x", "xx", "xxx", "n", "nn", "y", "yy") for scale in ("", "k", "m", "b")]
    + ["tbd", "tbc", "tba"]
)
_RELATIVE: Final = frozenset(RELATIVE_WORDS) | {"half"}
# Words that need a second look; every other word is taken as it is.
_SPECIAL_WORDS: Final = frozenset(NUMBER_WORDS) | _HOLE_WORDS | DATE_WORDS | _RELATIVE | {"baseline", "fy", "cy"}
# Words and signs that may join two clauses of one key result (see ``metric``).
_JOIN_WORDS: Final = frozenset(("and", "plus", "&", "as", ";", ",", "while", "whilst", "without", "ensuring", "but"))
_UNKNOWN_WORDS: Final = frozenset(("established", "set", "defined", "measured", "determined", "confirmed", "tbd"))
_DURATION_UNITS: Final = frozenset(("days", "weeks", "months", "years"))
_NOT_DEADLINE_BEFORE: Final = frozenset(("per", "each", "every", "/", "last", "previous", "prior"))
# A number right after one of these words is part of a name: "Tier 1", "SOC 2", "ISO 27001", "Sprint 5".
_NAME_WORDS: Final = words(
    """tier phase level version release sprint step stage wave round series gen generation chapter section
    part article item no number iso soc wcag pci rfc cve python java node ipv http kr okr objective grade
    class type pillar track milestone quarter week day month page figure table appendix slide sev severity p
    priority cohort batch module lesson unit room floor building route"""
)
# A bare 19xx/20xx followed by one of these words is a year, not a count ("2026 revenue", "2026 levels").
_YEAR_NOUNS: Final = words(
    """revenue revenues budget budgets plan plans roadmap goal goals target targets cohort cohorts level
    levels baseline baselines figure figures number numbers result results actual actuals sales performance
    survey surveys report reports average averages value values rate rates okrs okr strategy season edition
    census benchmark benchmarks and or with while at in on for through across vs versus"""
)
_YEAR_BEFORE: Final = words("since until till before after during through vs versus than fy cy")
_NOT_PLURAL: Final = words("was is has as this its plus us thus")


class Scan:
    """The tokens of a text and what the later steps ask about all of them."""

    __slots__ = ("due", "holes", "joins", "numbers", "relative", "tokens")

    def __init__(
        self, tokens: list[Token], due: str | None, holes: bool, joins: bool, numbers: bool, relative: bool
    ) -> None:
        self.tokens = tokens
        self.due = due  # the first deadline
        self.holes = holes  # a placeholder is written
        self.joins = joins  # a word that may join two clauses is written
        self.numbers = numbers  # a quantity may be written
        self.relative = relative  # a multiplier word is written: double, halve, half


def label_end(text: str) -> int:
    """Where a list label ("1.", "- KR1:", "KR 1.2") at the start of ``text`` ends; 0 when there is none."""
    if text[:1] not in _LABEL_FIRST and text[1:2] not in (".", ")"):
        return 0
    match = _LABEL_RE.match(text)
    return match.end() if match else 0


def tokenize(text: str, period: Period | None = None) -> Scan:
    """The tokens of ``text`` in order: each deadline one DATE token, names and years as words, no label."""
    tokens: list[Token] = []
    append = tokens.append
    anchors: list[int] = []  # tokens a deadline may be built around
    skip = label_end(text)
    unknown = names = holes = joins = numbers = relative = False
    find = text.find
    end = skip
    for piece, date in _SPLIT_RE.findall(text, skip):
        # Only whitespace and "_" lie between two pieces (every other character starts one), so the piece's
        # first occurrence after the previous one is where it was matched.
        start = find(piece, end)
        end = start + len(piece)
        if start < skip:
            continue  # inside a quantity already read ("200 ms", "4.2 out of 5")
        first = piece[0]
        if first.isalpha():  # never true for a date, a number or a sign: the order of the tests is free
            low = piece.lower()
            tok = Token(WORD, start, end, low)
            if low in _SPECIAL_WORDS or not low.isalpha():
                if (low in NUMBER_WORDS or "-" in low) and read_number_word(tok, text, tokens):
                    skip, numbers = tok.end, True
                elif low in _HOLE_WORDS and (piece.isupper() or low[0] in "xt"):
                    tok.kind, holes = HOLE, True
                elif low[:4] == "sub-" and low[4:5].isdigit() and read_number(
                    text, start + 4, tokens, after_name=True
                ) > start + 4:
                    sub = tokens[-1]  # "sub-200ms"
                    sub.start, sub.low, sub.cmp = start, text[start : sub.end], "<"
                    skip, numbers = sub.end, True
                    continue
                elif low == "baseline":
                    unknown = True
                elif low in _RELATIVE:
                    relative = True
                if tok.kind == WORD and is_date_word(low):
                    anchors.append(len(tokens))
            elif low in _JOIN_WORDS:
                joins = True
            append(tok)
        elif date:  # "2027-03-31", "31/03/2027", "2027-Q2": read with the deadlines
            anchors.append(len(tokens))
            append(Token(WORD, start, end, piece.lower()))
        elif first.isdigit() or (first in CURRENCY_SIGNS and text[end : end + 1].isdigit()):
            stop = read_number(text, start, tokens)
            if stop > start:
                skip, numbers = stop, True
                tok = tokens[-1]
                if tok.unit in _DURATION_UNITS or tok.unit == YEAR:
                    anchors.append(len(tokens) - 1)
                names = names or tok.unit == YEAR or (len(tokens) > 1 and tokens[-2].low in _NAME_WORDS)
            else:  # a name, kept as a word: "3rd", "2FA", "1.2.3", "24/7", "5-star"
                name = _NAME_RUN.match(text, start)
                skip = max(name.end() if name else start, end)
                append(Token(WORD, start, skip, text[start:skip].lower()))
        elif (len(piece) > 1 and first in "[<{" and piece[1] not in "=-") or (
            first == "?" and (len(piece) > 1 or text[end : end + 1] == "%")
        ):
            append(Token(HOLE, start, end, piece))
            holes = True
        else:
            append(Token(SYM, start, end, piece))
            joins = joins or piece in _JOIN_WORDS
            names = names or piece == "#"
    due = _splice_deadlines(text, tokens, anchors, period) if anchors else None
    if unknown:
        _merge_unknown(tokens)
    if names:
        _names_to_words(tokens)
    return Scan(tokens, due, holes, joins, numbers, relative)


def _splice_deadlines(
    text: str, tokens: list[Token], anchors: list[int], period: Period | None
) -> str | None:
    """Replace each deadline phrase around an anchor by one DATE token; the first deadline's due, or None."""
    spans: list[tuple[int, int, str]] = []
    done = -1
    for k in anchors:
        anchor = tokens[k]
        if anchor.start < done or (k and _rate(tokens, k)):
            continue  # "per week", "each quarter", "twice a year"
        for j in range(max(0, k - 6), k + 1):
            tok = tokens[j]
            if tok.start < done:
                continue
            if j < k and tok.low not in DEADLINE_STARTS and not (j == k - 1 and tok.kind == NUM):
                continue  # a deadline starts with "by", "in", "the", ... or with a day ("31 March")
            if j == k and tok.kind == NUM and tok.unit in _DURATION_UNITS and not duration_may_start_deadline(
                text, tok.start
            ):
                continue  # "from 14 to 7 days": no deadline starts at the 7
            found = deadline_at(text, tok.start, period)
            if found is not None and found[0] > anchor.start:
                spans.append((tok.start, found[0], found[1]))
                done = found[0]
                break
    for start, end, due in reversed(spans):
        first = next(i for i, tok in enumerate(tokens) if tok.start >= start)
        last = first
        while last < len(tokens) and tokens[last].start < end:
            last += 1
        tokens[first:last] = [Token(DATE, start, end, due)]
    return spans[0][2] if spans else None


def _rate(tokens: list[Token], k: int) -> bool:
    """The unit word at ``k`` is a rate ("per week", "twice a year"), not a deadline."""
    prev = tokens[k - 1].low
    if prev == "a":
        return k < 2 or tokens[k - 2].low not in ("within", "in", "inside", "over")
    return prev in _NOT_DEADLINE_BEFORE


def _merge_unknown(tokens: list[Token]) -> None:
    """'a baseline to be established' becomes one UNKNOWN token."""
    for i, tok in enumerate(tokens):
        if tok.kind != WORD or tok.low != "baseline":
            continue
        j = i + 1
        while j < len(tokens) and j <= i + 4 and tokens[j].low in ("still", "to", "be", "yet"):
            j += 1
        if j < len(tokens) and tokens[j].low in _UNKNOWN_WORDS:
            first = i - 1 if i and tokens[i - 1].low in ("a", "an", "the") else i
            tokens[first : j + 1] = [Token(UNKNOWN, tokens[first].start, tokens[j].end, "baseline")]
            return


def _names_to_words(tokens: list[Token]) -> None:
    """Numbers that name things ("SOC 2", "Tier 1", "#1") and years become words."""
    for i, tok in enumerate(tokens):
        if tok.kind != NUM:
            continue
        prev = tokens[i - 1] if i else None
        named = prev is not None and (
            (prev.kind == WORD and prev.low in _NAME_WORDS and prev.end >= tok.start - 1)
            or (prev.kind == SYM and prev.low == "#")
        )
        if named or (tok.unit == YEAR and _is_year(tokens, i)):
            tok.kind, tok.low, tok.value, tok.unit = WORD, tok.low.lower(), None, None
        elif tok.unit == YEAR:
            tok.unit = None


def _is_year(tokens: list[Token], i: int) -> bool:
    """Whether the bare 19xx/20xx at ``i`` is a year ("since 2020", "2026 revenue") rather than a count."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    prev = tokens[i - 1] if i else None
    if nxt is not None and nxt.low == "to" and i + 2 < len(tokens) and tokens[i + 2].kind == NUM:
        return False  # "from 2000 to 3000 users"
    if prev is not None and prev.low in ("to", "from") and i >= 2 and tokens[i - 2].kind == NUM:
        return False
    if nxt is None or nxt.kind != WORD or nxt.low in _YEAR_NOUNS:
        return True
    if prev is not None and prev.low in _YEAR_BEFORE:
        return True
    # "in 2000 stores" counts stores; "in 2027 was" names a year
    return not (nxt.low.endswith("s") and nxt.low not in _NOT_PLURAL)
