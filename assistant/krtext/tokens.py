"""One pass over a key result's text: numbers (normalised, with units), placeholders, words and symbols.

A fast splitter cuts the text; digit runs are then read by a number pattern anchored at their start, and
words that can start or hold a deadline ("Q2", "March", "2027", "90 days") are anchors from which the
deadline pattern of ``dates`` is tried, so each deadline becomes one DATE token and "Q2", "2027-03-31" or the
90 of "within 90 days" never read as quantities. Numbers that are parts of names are dropped: "p95", "KR1",
"SOC 2", "ISO 27001", "v2.1", "COVID-19", "24/7", "1st", "5-star", a list label such as "1." or "KR 1.2:",
and years ("2026 revenue", "since 2020").
"""

from __future__ import annotations

import re

from assistant.krtext.dates import DATE_WORDS, DEADLINE_STARTS, Period, deadline_at, is_date_word

# Token kinds
NUM = "n"  # a quantity
HOLE = "p"  # a placeholder: X%, TBD, [target]
UNKNOWN = "u"  # "a baseline to be established": a known-unknown value
WORD = "w"
SYM = "s"
DATE = "d"
YEAR = "year?"  # provisional unit of a bare 19xx/20xx until its neighbours decide

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_DIGIT_WORDS = {w: _NUMBER_WORDS[w] for w in "one two three four five six seven eight nine".split()}
_ONE_PRONOUN = frozenset("no any every each the this that which someone anyone".split())
_PERCENT_AFTER = re.compile(r"\s?%|\s(?i:percent|per\s?cent)\b")
_UNKNOWN_WORDS = frozenset("established set defined measured determined confirmed tbd".split())
_DURATION_UNITS = frozenset(("days", "weeks", "months", "years"))
_CURRENCY_SIGNS = frozenset("$€£¥₹")
_LABEL_FIRST = frozenset("0123456789-*•+(kKgG \t")
# Words and signs that may join two clauses of one key result (see ``metric``).
_JOIN_WORDS = frozenset("and plus & as ; , while whilst without ensuring but".split())
_NAME_JOINERS = frozenset("_.#/$€£¥,")
_SCALES = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9,
           "thousand": 1e3, "million": 1e6, "billion": 1e9}
_CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD",
               "ca$": "CAD", "cad": "CAD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY",
               "jpy": "JPY", "₹": "INR", "inr": "INR", "chf": "CHF", "dollars": "USD", "euros": "EUR",
               "pounds": "GBP"}

# The splitter: words (with inner hyphens, apostrophes and "&"), digit runs, placeholders in brackets and
# symbols. Digit runs and currency signs are then read by _NUMBER_RE from their start.
_SPLIT_RE = re.compile(
    r"""
    [^\W\d_][^\W_]*(?:['’][^\W\d_]+)?(?:[-&][^\W_]+)*
  | \d[\d,.]*
  | >=|<=|=>|=<|==|-->|->|\?+|\[[^\[\]\n]{1,40}\]|<<?[A-Za-z][\w\ \-]{0,30}>>?|\{\{?[^{}\n]{1,40}\}?\}
  | [^\s\w]
    """,
    re.VERBOSE,
)
_NUMBER_RE = re.compile(
    r"(?P<cur>[$€£¥₹])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?![.,]\d)"
    r"(?:(?P<scale>[kKmMbB]|bn|BN|mn|MM)(?![\w]))?(?P<plus>\+(?![\w]))?"
)
# What follows a number: a unit word (spaced or attached), "%", a "-hour" style suffix or a "/5" rating scale.
_AFTER_RE = re.compile(r"(\s?)([A-Za-z][A-Za-z0-9]*|%|×)|-([A-Za-z]+)|\s?/\s?(\d+)(?![.,]\d)")
_PAIR_RE = re.compile(r"\s+(cent|points?|days?|of\s+(?:5|10|100))\b", re.IGNORECASE)
_UNITS = {
    "%": "%", "percent": "%", "pct": "%", "pp": "pp", "ppt": "pp", "ppts": "pp", "bps": "bps",
    "point": "points", "points": "points", "pts": "points",
    "ms": "ms", "msec": "ms", "msecs": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "d": "days", "day": "days", "days": "days",
    "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
    "yr": "years", "yrs": "years", "year": "years", "years": "years",
    "x": "x", "×": "x", "times": "x", "fold": "x",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "chf": "CHF", "dollars": "USD", "euros": "EUR", "pounds": "GBP",
    "gb": "GB", "tb": "TB", "mb": "MB", "pb": "PB", "fte": "FTE", "ftes": "FTE", "kwh": "kWh", "mwh": "MWh",
    "star": "stars", "stars": "stars",
}
_ATTACHED_ONLY = frozenset(("s", "h", "d", "x"))  # "5s", "24h", "30d", "2x"; "5 s" is not read as a unit
_PAIR_UNITS = {"per": "%", "percentage": "pp", "basis": "bps", "business": "days", "working": "days",
               "calendar": "days", "out": "/"}
_HYPHEN_UNITS = {"hour": "h", "hours": "h", "day": "days", "days": "days", "minute": "min", "minutes": "min",
                 "second": "s", "seconds": "s", "week": "weeks", "month": "months", "year": "years", "fold": "x"}
_SCALE_WORDS = frozenset(("thousand", "million", "billion", "mln", "bln"))
_RATING_SCALES = frozenset(("5", "7", "10", "100"))
_NAME_RUN = re.compile(r"[\w.\-/]*")
# Placeholders written as words: X, XX, N, Y, Xk, XM, TBD (upper case, except x and tbd)
_HOLE_WORDS = frozenset(
    [a + s for a in ("x", "xx", "xxx", "n", "nn", "y", "yy") for s in ("", "k", "m", "b")] + ["tbd", "tbc", "tba"]
)
_SPECIAL_WORDS = frozenset(_NUMBER_WORDS) | _HOLE_WORDS | DATE_WORDS | {"baseline", "fy", "cy"}
_LABEL_RE = re.compile(
    r"^\s*(?:[-*•+]\s+)?(?:(?:KR|OKR|Key\s+Result|Goal)\s*#?\d+(?:\.\d+)*\s*[:.)\-–]?\s*|(?:KR|Key\s+Result)\s*[:\-–]\s*"
    r"|\(?\d{1,2}(?:\.\d+)*[.)]\s+|[a-h][.)]\s+)?",
    re.IGNORECASE,
)
# A number right after one of these words is part of a name: "Tier 1", "SOC 2", "ISO 27001", "Sprint 5".
_NAME_WORDS = frozenset(
    """
    tier phase level version release sprint step stage wave round series gen generation chapter section part
    article item no number iso soc wcag pci rfc cve python java node ipv http kr okr objective grade class type
    pillar track milestone quarter week day month page figure table appendix slide sev severity p priority
    cohort batch module lesson unit room floor building route
    """.split()
)
# A bare 19xx/20xx followed by one of these words is a year, not a count ("2026 revenue", "2026 levels").
_YEAR_NOUNS = frozenset(
    """
    revenue revenues budget budgets plan plans roadmap goal goals target targets cohort cohorts level levels
    baseline baselines figure figures number numbers result results actual actuals sales performance
    survey surveys report reports average averages value values rate rates okrs okr strategy season edition
    census benchmark benchmarks
    """.split()
)


class Token:
    """A piece of the text: ``kind`` is one of NUM, HOLE, UNKNOWN, WORD, SYM, DATE."""

    __slots__ = ("cmp", "end", "kind", "low", "role", "start", "unit", "used", "value")

    def __init__(self, kind: str, start: int, end: int, low: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.low = low  # lower-case text for words and symbols, the raw text for numbers, the due for dates
        self.value: float | None = None
        self.unit: str | None = None
        self.cmp: str | None = None  # comparator written on the number itself: "500+" -> ">=", "sub-200ms" -> "<"
        self.role: str | None = None  # for NUM/HOLE/UNKNOWN: "baseline", "target", "change", "other"
        self.used = False  # for words: spent as a marker of a number ("to", "at least", "or more")

    def __repr__(self) -> str:
        extra = f" {self.value} {self.unit}" if self.kind == NUM else ""
        return f"<{self.kind} {self.low!r}{extra}>"


class Scan:
    """The tokens of a text and what the later steps ask about all of them."""

    __slots__ = ("due", "holes", "joins", "tokens")

    def __init__(self, tokens: list[Token], due: str | None, holes: bool, joins: bool) -> None:
        self.tokens = tokens
        self.due = due  # the first deadline
        self.holes = holes  # a placeholder is written
        self.joins = joins  # a word that may join two clauses is written


def label_end(text: str) -> int:
    """Where a list label ("1.", "- KR1:", "KR 1.2") at the start of ``text`` ends; 0 when there is none."""
    if text[:1] not in _LABEL_FIRST and text[1:2] not in (".", ")"):
        return 0
    match = _LABEL_RE.match(text)
    return match.end() if match else 0


def tokenize(text: str, period: Period | None = None) -> Scan:
    """The tokens of ``text`` in order: each deadline one DATE token, names, labels and years left out."""
    tokens: list[Token] = []
    anchors: list[int] = []
    skip = label_end(text)
    unknown = names = holes = joins = False
    for match in _SPLIT_RE.finditer(text, skip):
        start = match.start()
        if start < skip:
            continue
        piece = match.group()
        first = piece[0]
        if first.isdigit() or (first in _CURRENCY_SIGNS and text[match.end() : match.end() + 1].isdigit()):
            end = _read_number(text, start, tokens)
            if end > start:
                skip = end
                tok = tokens[-1]
                if tok.unit in _DURATION_UNITS or tok.unit == YEAR or text[end : end + 1] in ("-", "/", "."):
                    anchors.append(len(tokens) - 1)
                if tok.unit == YEAR or (len(tokens) > 1 and tokens[-2].low in _NAME_WORDS):
                    names = True
            else:
                skip = _NAME_RUN.match(text, start).end()  # "3rd", "2FA", "1.2.3", "24/7", "5-star"
            continue
        if first.isalpha():
            low = piece.lower()
            tok = Token(WORD, start, match.end(), low)
            if low in _SPECIAL_WORDS or not low.isalpha():
                if (low in _NUMBER_WORDS or "-" in low) and _number_word(tok, text, tokens):
                    skip = tok.end
                elif low in _HOLE_WORDS and (piece.isupper() or low[0] == "x" or low[0] == "t"):
                    tok.kind = HOLE
                    holes = True
                elif low[:4] == "sub-" and low[4:5].isdigit():
                    end = _read_number(text, start + 4, tokens, after_name=True)
                    if end > start + 4:
                        tokens[-1].start, tokens[-1].low, tokens[-1].cmp = start, text[start:end], "<"
                        skip = end
                        continue
                elif low == "baseline":
                    unknown = True
                if tok.kind == WORD and is_date_word(low):
                    anchors.append(len(tokens))
            elif low in _JOIN_WORDS:
                joins = True
            tokens.append(tok)
            continue
        if len(piece) > 1 and first in "[<{" and piece[1] not in "=-" or first == "?" and (
            len(piece) > 1 or text[match.end() : match.end() + 1] == "%"
        ):
            tokens.append(Token(HOLE, start, match.end(), piece))
            holes = True
        else:
            tokens.append(Token(SYM, start, match.end(), piece))
            if piece in _JOIN_WORDS:
                joins = True
            elif piece == "#":
                names = True
    due = None
    if anchors:
        tokens = _splice_deadlines(text, tokens, anchors, period)
        due = next((t.low for t in tokens if t.kind == DATE), None)
    if unknown:
        _merge_unknown(tokens)
    if names:
        _drop_names(tokens)
    return Scan(tokens, due, holes, joins)


def _read_number(text: str, start: int, tokens: list[Token], *, after_name: bool = False) -> int:
    """Read the quantity at ``start`` into a NUM token appended to ``tokens``; its end, or ``start`` if none."""
    if start and not after_name:
        before = text[start - 1]
        if before.isalnum() or before in _NAME_JOINERS:
            if not (before in "SsAaCc" and text[start] == "$"):  # "US$5M", "A$2M"
                return start  # "p95", "v2.1", "#1", "$$"
        elif before == "-" and start > 1 and text[start - 2].isalpha():
            return start  # "COVID-19", "ISO-27001"
    match = _NUMBER_RE.match(text, start)
    if match is None:
        return start
    digits = match["int"].replace(",", "")
    frac = match["frac"]
    value = float(digits + frac) if frac else float(digits)
    scale = match["scale"]
    if scale:
        value *= _SCALES[scale.lower()]
    end = match.end()
    unit, end, value = _read_unit(text, end, value)
    if end < 0:
        return start  # a name ("2FA", "3rd", "5-star") or a schedule ("24/7")
    tok = Token(NUM, start, end, "")
    cur = match["cur"]
    if cur:
        unit = _CURRENCIES[cur]
        prev = tokens[-1] if tokens else None
        if prev is not None and prev.kind == WORD and prev.end == start and prev.low in ("us", "a", "au", "c", "ca"):
            unit = _CURRENCIES.get(prev.low + cur, unit)
            tok.start = prev.start
            tokens.pop()
    elif tokens:
        prev = tokens[-1]
        if prev.kind == WORD and prev.low in _CURRENCIES and prev.end >= start - 1:
            unit = _CURRENCIES[prev.low]  # "USD 5M"
            tok.start = prev.start
            tokens.pop()
        elif prev.kind == SYM and prev.low in ("-", "−") and prev.end == start and (
            prev.start == 0 or text[prev.start - 1] in " (\t"
        ):
            value = -value  # "from -10 to 20"
            tok.start = prev.start
            tokens.pop()
    tok.low = text[tok.start : end]
    tok.value = round(value, 9)
    tok.unit = unit
    if match["plus"]:
        tok.cmp = ">="
    elif (
        unit is None
        and not (cur or scale or frac)
        and len(digits) == 4
        and digits[:2] in ("19", "20")
        and end == match.end()
    ):
        tok.unit = YEAR  # decided with the words around it in _drop_names
    tokens.append(tok)
    return end


def _read_unit(text: str, end: int, value: float) -> tuple[str | None, int, float]:
    """The unit written after a number ending at ``end``: ``(unit, new end, value)``; end -1 for a name."""
    after = _AFTER_RE.match(text, end)
    if after is None:
        return None, end, value
    word = after[2]
    if word is not None:
        low = word.lower()
        spaced = bool(after[1])
        unit = _UNITS.get(low)
        if unit is not None and not (spaced and low in _ATTACHED_ONLY):
            return unit, after.end(), value
        if spaced and low in _SCALE_WORDS:
            return None, after.end(), value * _SCALES[low]
        pair = _PAIR_UNITS.get(low)
        if pair is not None:
            tail = _PAIR_RE.match(text, after.end())
            if tail is not None:
                return (pair if pair != "/" else "/" + tail[1].split()[-1]), tail.end(), value
        if not spaced and word != "%":
            return None, -1, value  # "2FA", "3rd", "4xx"
        return None, end, value
    if after[3] is not None:
        unit = _HYPHEN_UNITS.get(after[3].lower())
        if unit is None:
            return None, -1, value  # "5-star", "3-tier"
        return unit, after.end(), value
    scale_of = after[4]
    if scale_of in _RATING_SCALES:
        if value > float(scale_of):
            return None, -1, value  # "24/7"
        return "/" + scale_of, after.end(), value
    return None, end, value


def _number_word(tok: Token, text: str, tokens: list[Token]) -> bool:
    """Turn the word ``tok`` into a NUM token when it is a number word ("twenty", "twenty-five", "a dozen")."""
    head, _, tail = tok.low.partition("-")
    value = _NUMBER_WORDS.get(head)
    if value is None or (tail and tail not in _DIGIT_WORDS):
        return False
    if tail:
        value += _DIGIT_WORDS[tail]
    prev = tokens[-1] if tokens and tokens[-1].kind == WORD else None
    if head == "one" and not tail and prev is not None and prev.low in _ONE_PRONOUN:
        return False  # "no one", "the one thing"
    if head in ("hundred", "dozen") and prev is not None and prev.low == "a":
        tok.start = prev.start
        tokens.pop()
    tok.kind = NUM
    tok.value = float(value)
    after = _PERCENT_AFTER.match(text, tok.end)
    if after is not None:
        tok.unit = "%"
        tok.end = after.end()
    tok.low = text[tok.start : tok.end]
    return True


def _splice_deadlines(text: str, tokens: list[Token], anchors: list[int], period: Period | None) -> list[Token]:
    """Replace each deadline phrase around an anchor ("Q2", "March", "90 days", "2027") by one DATE token."""
    spans: list[tuple[int, int, str]] = []
    done = -1
    for k in anchors:
        anchor = tokens[k]
        if anchor.start < done:
            continue
        for j in range(max(0, k - 6), k + 1):
            tok = tokens[j]
            if tok.start < done or (j < k and tok.kind == WORD and tok.low not in DEADLINE_STARTS):
                continue
            found = deadline_at(text, tok.start, period)
            if found is not None and found[0] > anchor.start:
                spans.append((tok.start, found[0], found[1]))
                done = found[0]
                break
    if not spans:
        return tokens
    out: list[Token] = []
    it = iter(spans)
    span = next(it, None)
    for tok in tokens:
        while span is not None and tok.start >= span[1]:
            span = next(it, None)
        if span is not None and tok.start >= span[0]:
            if not out or out[-1].kind != DATE or out[-1].start != span[0]:
                out.append(Token(DATE, span[0], span[1], span[2]))
            continue
        out.append(tok)
    return out


def _merge_unknown(tokens: list[Token]) -> None:
    """'a baseline to be established' becomes one UNKNOWN token: a value the text says is not known yet."""
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


def _drop_names(tokens: list[Token]) -> None:
    """Remove numbers that name things (after 'SOC', 'Tier', ...) and decide whether 19xx/20xx is a year."""
    drop: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.kind != NUM:
            continue
        prev = tokens[i - 1] if i else None
        if prev is not None and (
            (prev.kind == WORD and prev.low in _NAME_WORDS and prev.end >= tok.start - 1)
            or (prev.kind == SYM and prev.low == "#")
        ):
            drop.append(i)
        elif tok.unit == YEAR:
            if _is_year(tokens, i):
                drop.append(i)
            else:
                tok.unit = None
    for i in reversed(drop):
        del tokens[i]


def _is_year(tokens: list[Token], i: int) -> bool:
    """Whether the bare 19xx/20xx at ``i`` is a year ("since 2020", "2026 revenue") rather than a count."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    prev = tokens[i - 1] if i else None
    if nxt is not None and nxt.low == "to" and i + 2 < len(tokens) and tokens[i + 2].kind == NUM:
        return False  # "from 2000 to 3000 users"
    if prev is not None and prev.low in ("to", "from") and i >= 2 and tokens[i - 2].kind == NUM:
        return False
    if nxt is None or nxt.kind != WORD or nxt.low in _YEAR_NOUNS or nxt.low in _STOP_AFTER_YEAR:
        return True
    if prev is not None and prev.low in _YEAR_BEFORE:
        return True
    # "in 2000 stores" counts stores; "in 2027 was" names a year
    return not (nxt.low.endswith("s") and nxt.low not in _NOT_PLURAL)


_STOP_AFTER_YEAR = frozenset("and or with while at in on for through across vs versus levels level".split())
_YEAR_BEFORE = frozenset("since until till before after during through vs versus than fy cy".split())
_NOT_PLURAL = frozenset("was is has as this its plus us thus".split())
