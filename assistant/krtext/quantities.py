"""Reading one quantity: "1,200", "$2M", "10k", "1.5%", "200 ms", "4.5/5", "2x", "twenty-five", "50 percent".

Values are normalised (scale applied, thousands separators dropped) and units named in one vocabulary:
"%", "pp", "bps", "points", "ms", "s", "min", "h", "days", "weeks", "months", "years", "x", "/5" (a rating
scale), currency codes ("USD", "EUR", ...), "GB", "FTE", "stars". A digit run glued to letters that are no
unit ("2FA", "3rd", "4xx"), a "-star" style suffix and "24/7" are names, not quantities.
"""

from __future__ import annotations

import re
from typing import Final

from assistant.krtext.model import NUM, SYM, WORD, YEAR, Token
from assistant.krtext.patterns import LazyPattern

NUMBER_WORDS: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
CURRENCY_SIGNS: Final = frozenset("$€£¥₹")
_DIGIT_WORDS: Final = {w: v for w, v in NUMBER_WORDS.items() if 0 < v < 10}
_ONE_PRONOUN: Final = frozenset(("no", "any", "every", "each", "the", "this", "that", "which", "someone", "anyone"))
_PERCENT_AFTER: Final = LazyPattern(r"\s?%|\s(?i:percent|per\s?cent)\b")
_SCALE_WORD_AFTER: Final = LazyPattern(r"(?i:\s+(hundred|thousand|million|billion))+\b")
_SCALE_WORD_VALUES: Final = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_NAME_JOINERS: Final = frozenset("_.#/$€£¥,")
_SCALES: Final = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9,
                  "thousand": 1e3, "million": 1e6, "billion": 1e9}
_CURRENCIES: Final = {
    "$": "USD", "us$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD",
    "cad": "CAD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "₹": "INR",
    "inr": "INR", "chf": "CHF",
}
_NUMBER_RE: Final = re.compile(
    r"(?P<cur>[$€£¥₹])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?![.,]\d)"
    r"(?:(?P<scale>[kKmMbB]|bn|BN|mn|MM)(?![\w]))?(?P<plus>\+(?![\w]))?"
)
# What follows a number: a unit word (spaced or attached), "%", a "-hour" style suffix or a "/5" rating scale.
_AFTER_RE: Final = re.compile(r"(\s?)([A-Za-z][A-Za-z0-9]*|%|×)|-([A-Za-z]+)|\s?/\s?(\d+)(?![.,]\d)")
# The characters ``_AFTER_RE`` can start with, whitespace aside: nothing else needs the pattern tried.
_AFTER_STARTS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz%×-/")
_PAIR_RE: Final = LazyPattern(r"\s+(cent|points?|days?|of\s+(?:5|10|100))\b", re.IGNORECASE)
_UNITS: Final = {
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
# Units of one kind that convert by a constant factor: times in seconds, sizes in bytes.
_FACTORS: Final = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0, "weeks": 604800.0,
                   "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15}
_KINDS: Final = {"ms": "time", "s": "time", "min": "time", "h": "time", "days": "time", "weeks": "time",
                 "MB": "size", "GB": "size", "TB": "size", "PB": "size"}
_ATTACHED_ONLY: Final = frozenset(("s", "h", "d", "x"))  # "5s", "24h", "30d", "2x"; "5 s" is not read as a unit
_PAIR_UNITS: Final = {"per": "%", "percentage": "pp", "basis": "bps", "business": "days", "working": "days",
                      "calendar": "days", "out": "/"}
_HYPHEN_UNITS: Final = {"hour": "h", "hours": "h", "day": "days", "days": "days", "minute": "min", "minutes": "min",
                        "second": "s", "seconds": "s", "week": "weeks", "month": "months", "year": "years",
                        "fold": "x"}
_SCALE_WORDS: Final = frozenset(("thousand", "million", "billion", "mln", "bln"))
_RATING_SCALES: Final = frozenset(("5", "7", "10", "100"))
_RATES_AFTER_TIMES: Final = (" per", " a w", " a m", " a y", " eac")
_DOLLAR_PREFIXES: Final = ("us", "a", "au", "c", "ca")  # "US$", "A$", "AU$", "C$", "CA$"


def read_number(text: str, start: int, tokens: list[Token], *, after_name: bool = False) -> int:
    """Read the quantity at ``start`` into a NUM token appended to ``tokens``; its end, or ``start`` if none.

    A currency word or sign and a minus sign just before it are folded into the token ("USD 5M", "-10").
    ``after_name`` skips the check that the digits do not continue a name ("sub-200ms").
    """
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
    cur, digits, frac, scale, plus = match.groups()
    grouped = "," in digits  # "2,000" is a count: nobody writes a year with a thousands separator
    if grouped:
        digits = digits.replace(",", "")
    value = float(digits + frac) if frac else float(digits)
    if scale:
        value *= _SCALES[scale.lower()]
    core_end = match.end()
    unit, end, value = _read_unit(text, core_end, value)
    if end < 0:
        return start  # a name ("2FA", "3rd", "5-star") or a schedule ("24/7")
    tok = Token(NUM, start, end, "")
    prev = tokens[-1] if tokens else None
    if cur:
        unit = _CURRENCIES[cur]
        if prev is not None and prev.kind == WORD and prev.end == start and prev.low in _DOLLAR_PREFIXES:
            unit = _CURRENCIES.get(prev.low + cur, unit)
            tok.start = prev.start
            tokens.pop()
    elif prev is not None and prev.kind == WORD and prev.low in _CURRENCIES and prev.end >= start - 1:
        unit = _CURRENCIES[prev.low]  # "USD 5M"
        tok.start = prev.start
        tokens.pop()
    elif prev is not None and prev.kind == SYM and prev.low in ("-", "−") and prev.end == start and (
        prev.start == 0 or text[prev.start - 1] in " (\t"
    ):
        value = -value  # "from -10 to 20"
        tok.start = prev.start
        tokens.pop()
    tok.low = text[tok.start : end]
    # round() to 9 places leaves a whole number as it is, and costs as much as the rest of this function
    tok.value = value if value.is_integer() else round(value, 9)
    tok.unit = unit
    if plus:
        tok.cmp = ">="
    elif (end == core_end and not (cur or scale or frac or grouped) and len(digits) == 4
          and digits[:2] in ("19", "20")):
        tok.unit = YEAR  # decided with the words around it by the tokenizer
    tokens.append(tok)
    return end


def _read_unit(text: str, end: int, value: float) -> tuple[str | None, int, float]:
    """The unit written after a number ending at ``end``: ``(unit, new end, value)``; end -1 for a name."""
    nxt = text[end : end + 1]
    if nxt not in _AFTER_STARTS and not nxt.isspace():
        return None, end, value  # the end of the text, or a sign no unit starts with: ",", ")", "."
    after = _AFTER_RE.match(text, end)
    if after is None:
        return None, end, value
    spaced_text, word, hyphen, scale_of = after.groups()
    if word is not None:
        low = word.lower()
        spaced = bool(spaced_text)
        unit = _UNITS.get(low)
        if unit is not None and not (spaced and low in _ATTACHED_ONLY):
            if low == "times" and text[after.end() : after.end() + 4] in _RATES_AFTER_TIMES:
                return None, end, value  # "5 times per customer" counts, it does not multiply
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
    if hyphen is not None:
        unit = _HYPHEN_UNITS.get(hyphen.lower())
        if unit is None:
            return None, -1, value  # "5-star", "3-tier"
        return unit, after.end(), value
    if scale_of in _RATING_SCALES:
        if value > float(scale_of):
            return None, -1, value  # "24/7"
        return "/" + scale_of, after.end(), value
    return None, end, value


def read_number_word(tok: Token, text: str, tokens: list[Token]) -> bool:
    """Turn ``tok`` into a NUM token when it is a number word ("twenty", "twenty-five", "a dozen")."""
    head, _, tail = tok.low.partition("-")
    value = NUMBER_WORDS.get(head)
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
    scaled = _SCALE_WORD_AFTER.match(text, tok.end) if head not in ("hundred", "dozen") else None
    if scaled is not None:  # "one million developers", "ten thousand customers"
        for word in scaled[0].lower().split():
            tok.value *= _SCALE_WORD_VALUES[word]
        tok.end = scaled.end()
    after = _PERCENT_AFTER.match(text, tok.end)
    if after is not None:
        tok.unit = "%"
        tok.end = after.end()
    tok.low = text[tok.start : tok.end]
    return True


def in_unit(value: float, unit: str | None, wanted: str | None) -> float:
    """``value`` (in ``unit``) expressed in ``wanted`` when both are times or both sizes ("1.2 s" in ms is
    1200), else unchanged."""
    if unit == wanted or unit is None or wanted is None:
        return value
    kind = _KINDS.get(unit)
    if kind is None or kind != _KINDS.get(wanted):
        return value
    return round(value * _FACTORS[unit] / _FACTORS[wanted], 9)
