"""Deadlines in a key result's text, resolved against the OKR period when one is known.

"by 2027-03-31" and "31 March 2027" are dates; "by end of Q2" with period 2027-Q2 resolves to 2027-06-30,
without a period it stays the label "end of Q2"; "in Q3 2027" is the period label "2027-Q3"; "within 90 days"
is the duration label "90 days". Durations shorter than a month ("within 24 hours", "in 5 days") are service
levels, not deadlines, and stay numbers; so are durations tied to an event ("within 30 days of signup").
Quarter, half and month arithmetic is in ``periods``.
"""

from __future__ import annotations

import re
from typing import Final

from assistant.krtext.lexicon import words
from assistant.krtext.patterns import LazyPattern
from assistant.krtext.periods import (
    MONTH_NAMES,
    At,
    Period,
    day_date,
    full_year,
    iso_date,
    month_date,
    quarter_or_half,
    relative_part,
    year_end,
    year_for,
)

_MONTH_NUMBERS: Final = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WORD_NUMBERS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "thirty": 30,
    "sixty": 60, "ninety": 90,
}
_ORDINALS: Final = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

_MONTH: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_YEAR: Final = r"(?:19|20)\d{2}"
_PREP_BEHIND: Final = (
    r"(?:(?<=by\ )|(?<=in\ )|(?<=of\ )|(?<=until\ )|(?<=before\ )|(?<=till\ )|(?<=through\ )"
    r"|(?<=during\ )|(?<=-))"
)
_NUMWORD: Final = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_CORE: Final = rf"""
    (?P<iso>\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}})(?![\d/.-])
  | (?P<numeric>\d{{1,2}}[/.]\d{{1,2}}[/.](?:\d{{4}}|\d{{2}}))(?![\d/.])
  | (?P<yearmonth>{_YEAR}-(?:0[1-9]|1[0-2]))(?![\d-])
  | (?P<daymonth>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?)(?!\d)
  | (?P<monthday>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?![\w:%])(?:,?\s+{_YEAR})?)(?!\d)
  | (?P<month>{_MONTH}\s+(?:{_YEAR}|['’]\d{{2}})(?!\d)|{_PREP_BEHIND}{_MONTH})
  | (?P<quarter>(?:FY\s?['’]?\d{{2,4}}\s*[-/ ]?\s*)?[QH][1-4]
      (?:\s*[-/ ]?\s*(?:FY\s?['’]?\d{{2,4}}|{_YEAR}|['’]\d{{2}}))?\b)
  | (?P<yearquarter>{_YEAR}\s*[-/ ]?\s*[QH][1-4]\b)
  | (?P<ordinal>(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?(?:quarter|half)
      (?:\s+of\s+(?:the\s+year|{_YEAR}))?\b)
  | (?P<relative>(?:the\s+)?(?:this|next|current|coming|the)\s+(?:fiscal\s+|calendar\s+)?
      (?:quarter|year|month)\b(?!-)|(?<=of\ )(?:quarter|year|month)\b(?!-))
  | (?P<eo>EO[QYM]\b(?:\s*{_YEAR})?)
  | (?P<unitend>(?:quarter|year)[- ]end\b)
  | (?P<fiscal>(?:FY|CY)\s?['’]?(?:\d{{4}}|\d{{2}})\b)
  | (?P<year>{_PREP_BEHIND}{_YEAR}(?![\d%]|[,.]\d)(?!\s*[-–]\s*\d)
      (?!\s+(?!and\b|or\b|with\b|while\b|at\b|in\b|on\b|for\b|through\b|across\b)[a-z]))
  | (?P<duration>(?:(?:within|in|inside|over|during)\s+|(?<=within\ )|(?<=in\ )|(?<=during\ ))(?:the\s+)?
      (?P<next>next\s+|first\s+|coming\s+|following\s+)?
      (?P<n>\d+|{_NUMWORD})\s+(?:calendar\s+|business\s+|working\s+)?(?P<u>day|week|month|quarter|year)s?\b
      (?!\s+(?:of|after|from|since|post|following|per)\b)(?:['’]?\s*time\b)?)
  | (?P<dayn>(?<=by\ )(?P<ordu>day|week|month)\s+(?P<ordn>\d+)\b)
  | (?P<fromnow>(?P<fn>\d+)\s+(?P<fu>day|week|month)s?\s+from\s+now\b)
"""
_DEADLINE_RE: Final = LazyPattern(
    r"(?<![\w-])"
    r"(?:(?P<lead>no\s+later\s+than|ahead\s+of|as\s+of|by|before|until|till|through|thru|in|during|for|at|on"
    r"|over|due)"
    r"\s+(?:the\s+)?)?"
    r"(?:(?:the\s+)?(?P<edge>end|close|start|beginning|middle|mid)(?:\s+of|-)\s*(?:the\s+)?)?"
    r"(?:" + _CORE + ")",
    re.IGNORECASE | re.VERBOSE,
)
# Words that can hold a deadline: the deadline pattern is tried only around them.
DATE_WORDS: Final = words(
    """january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec q1 q2 q3 q4 h1 h2 eoq eoy eom quarter quarters year years month months
    half quarter-end year-end day week"""
)
# Words a deadline phrase can start with ("by the end of", "within the next", "this").
DEADLINE_STARTS: Final = words(
    """by before until till through thru in during for at on over due no ahead as within inside the end close
    start beginning middle mid this next current coming first second third fourth 1st 2nd 3rd 4th"""
)
# Without "by"/"in"/"end of", a quarter or fiscal year followed by a noun names that noun.
_NAMING_KINDS: Final = frozenset(("quarter", "yearquarter", "ordinal", "fiscal", "year", "eo"))
_WORD_AFTER: Final = LazyPattern(r"\s+([A-Za-z][\w-]*)")
_FREE_AFTER: Final = words("and or with while at in on for through across to vs")
_BY_LEADS: Final = words("by before until till through thru due") | {"no later than", "ahead of"}

_ISO: Final = LazyPattern(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC: Final = LazyPattern(r"(\d{1,2})([/.])(\d{1,2})[/.](\d{4}|\d{2})")
_YEAR_MONTH: Final = LazyPattern(r"(\d{4})-(\d{2})")
_DAY_MONTH: Final = LazyPattern(
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?:,?\s+({_YEAR}))?", re.IGNORECASE
)
_MONTH_DAY: Final = LazyPattern(rf"({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+({_YEAR}))?", re.IGNORECASE)
_MONTH_YEAR: Final = LazyPattern(rf"({_MONTH})(?:\s+({_YEAR}|['’]\d{{2}}))?", re.IGNORECASE)
_QUARTER: Final = LazyPattern(
    r"(?:FY\s?['’]?(\d{2,4})\s*[-/ ]?\s*)?([QH])([1-4])(?:\s*[-/ ]?\s*(?:FY\s?)?['’]?(\d{4}|\d{2}))?",
    re.IGNORECASE,
)
_YEAR_QUARTER: Final = LazyPattern(r"(\d{4})\s*[-/ ]?\s*([QH])([1-4])", re.IGNORECASE)
_ORDINAL_PART: Final = LazyPattern(
    rf"(\w+)\s+(?:fiscal\s+)?(quarter|half)(?:\s+of\s+(?:the\s+year|({_YEAR})))?", re.IGNORECASE
)
_RELATIVE_PART: Final = LazyPattern(
    r"(?:the\s+)?(?:(this|next|current|coming|the)\s+)?(?:fiscal\s+|calendar\s+)?(quarter|year|month)",
    re.IGNORECASE,
)
_FISCAL: Final = LazyPattern(r"(FY|CY)\s?['’]?(\d{4}|\d{2})", re.IGNORECASE)


def deadline_at(text: str, pos: int, period: Period | None) -> tuple[int, str] | None:
    """The deadline phrase starting at ``pos``: ``(end, due)`` with the due date or label, or None."""
    match = _DEADLINE_RE.match(text, pos)
    if match is None:
        return None
    if not (match["lead"] or match["edge"]) and match.lastgroup in _NAMING_KINDS:
        after = _WORD_AFTER.match(text, match.end())
        if after is not None and after[1].lower() not in _FREE_AFTER:
            return None  # "the Q3 roadmap", "FY27 budget": a name, not a deadline
    due = _resolve(match, period)
    return (match.end(), due) if due is not None else None


# A deadline that starts at the digits of a duration ("7 days") is one of the pattern's look-behind readings
# ("in 7 days", "by 2027days") or "7 days from now": without a preposition right before the digits or a "from"
# after them, the pattern cannot match there (so it need not even be compiled to find that out).
_BEHIND_DURATION: Final = ("within ", "in ", "during ", "by ", "of ", "until ", "before ", "till ", "through ", "-")


def duration_may_start_deadline(text: str, pos: int) -> bool:
    """False when no deadline can start at ``pos``, where a quantity with a duration unit starts ("7 days")."""
    behind = text[max(0, pos - 8) : pos]
    if not behind.isascii() or behind.lower().endswith(_BEHIND_DURATION):
        return True  # (the look-behinds ignore case, and only a non-ASCII "ı" or "İ" could make an "in")
    return "from" in text[pos:].lower()


def is_date_word(low: str) -> bool:
    """Whether a lower-case word can hold a deadline ("q2", "march", "fy27", "eoy", "quarter", "mid-2027")."""
    if low in DATE_WORDS:
        return True
    head = low[:2]
    if head in ("fy", "cy") and (len(low) == 2 or low[2:3].isdigit() or low[2:3] in "'’"):
        return True
    if low[:1] in ("q", "h") and low[1:2].isdigit():
        return True
    return low[:4] in ("mid-", "end-")


def _resolve(match: re.Match[str], period: Period | None) -> str | None:
    kind = match.lastgroup or ""
    core = match[kind]
    lead = " ".join((match["lead"] or "").lower().split())
    edge = (match["edge"] or "").lower()
    if core[:3] == "may" and not (lead or edge):
        return None  # the modal verb, not the month
    start = edge in ("start", "beginning")
    by = edge in ("end", "close") or (lead in _BY_LEADS and not edge)
    if kind == "duration":
        return _duration(match["n"], match["u"], bool(match["next"]))
    if kind == "dayn":
        return f"{int(match['ordn'])} {match['ordu'].lower()}s"
    if kind == "fromnow":
        return f"{int(match['fn'])} {match['fu'].lower()}s"
    return _READERS[kind](core, At(lead, edge, by, start, period))


def _read_iso(core: str, at: At) -> str | None:
    m = _ISO.fullmatch(core)
    return (iso_date(int(m[1]), int(m[2]), int(m[3])) or core) if m else None


def _read_numeric(core: str, at: At) -> str | None:
    m = _NUMERIC.fullmatch(core)
    if m is None:
        return None
    a, b, year = int(m[1]), int(m[3]), full_year(m[4])
    if a > 12 or m[2] == ".":
        return iso_date(year, b, a) or core
    if b > 12:
        return iso_date(year, a, b) or core
    return core  # 03/04/2027: day and month cannot be told apart


def _read_year_month(core: str, at: At) -> str | None:
    return month_date(int(core[:4]), int(core[5:7]), at.by, at.start, label=True)


def _read_day_month(core: str, at: At) -> str | None:
    if m := _DAY_MONTH.fullmatch(core):
        return day_date(_month_number(m[2]), int(m[1]), m[3], at.period)
    return None


def _read_month_day(core: str, at: At) -> str | None:
    if m := _MONTH_DAY.fullmatch(core):
        return day_date(_month_number(m[1]), int(m[2]), m[3], at.period)
    return None


def _read_month(core: str, at: At) -> str | None:
    m = _MONTH_YEAR.fullmatch(core)
    if m is None:
        return None
    month = _month_number(m[1])
    year = full_year(m[2]) if m[2] else year_for(at.period, month=month)
    if year is None:
        name = MONTH_NAMES[month]
        return f"end of {name}" if at.by else f"start of {name}" if at.start else name
    return month_date(year, month, at.by, at.start, label=True)


def _read_quarter(core: str, at: At) -> str | None:
    m = _QUARTER.fullmatch(core)
    if m is None:
        return None
    year_text = m[4] or m[1]
    return quarter_or_half(m[2].upper(), int(m[3]), full_year(year_text) if year_text else None, at)


def _read_year_quarter(core: str, at: At) -> str | None:
    m = _YEAR_QUARTER.fullmatch(core)
    return quarter_or_half(m[2].upper(), int(m[3]), int(m[1]), at) if m else None


def _read_ordinal(core: str, at: At) -> str | None:
    m = _ORDINAL_PART.fullmatch(core)
    number = _ORDINALS.get(m[1].lower()) if m else None
    if m is None or number is None:
        return None
    kind = "Q" if m[2].lower() == "quarter" else "H"
    return quarter_or_half(kind, min(number, 2) if kind == "H" else number, int(m[3]) if m[3] else None, at)


def _read_relative(core: str, at: At) -> str | None:
    m = _RELATIVE_PART.fullmatch(core)
    if m is None:
        return None
    which = (m[1] or "the").lower()
    which = "next" if which == "coming" else "this" if which == "current" else which
    if which == "the" and not (at.lead or at.edge):
        return None  # "the year" on its own is no deadline
    return relative_part(which, m[2].lower(), at)


def _read_eo(core: str, at: At) -> str | None:
    unit = {"Q": "quarter", "Y": "year", "M": "month"}[core[2].upper()]
    year_text = core[3:].strip()
    end = at._replace(by=True, start=False)
    if year_text and unit == "year":
        return year_end(int(year_text), end)
    return relative_part("this", unit, end)


def _read_unit_end(core: str, at: At) -> str | None:
    return relative_part("this", core[:-4].lower(), at._replace(by=True, start=False))


def _read_fiscal(core: str, at: At) -> str | None:
    m = _FISCAL.fullmatch(core)
    if m is None:
        return None
    year = full_year(m[2])
    if m[1].upper() == "CY":
        return year_end(year, at)
    return f"end of FY{year}" if at.by else f"start of FY{year}" if at.start else f"FY{year}"


def _read_year(core: str, at: At) -> str | None:
    return year_end(int(core), at)


_READERS: Final = {
    "iso": _read_iso, "numeric": _read_numeric, "yearmonth": _read_year_month, "daymonth": _read_day_month,
    "monthday": _read_month_day, "month": _read_month, "quarter": _read_quarter,
    "yearquarter": _read_year_quarter, "ordinal": _read_ordinal, "relative": _read_relative, "eo": _read_eo,
    "unitend": _read_unit_end, "fiscal": _read_fiscal, "year": _read_year,
}


def _duration(number: str, unit: str, next_: bool) -> str | None:
    n = _WORD_NUMBERS.get(number.lower()) if not number.isdigit() else int(number)
    if n is None:
        return None
    unit = unit.lower()
    if not next_ and ((unit == "day" and n < 30) or (unit == "week" and n < 4)):
        return None  # a service level ("respond in 2 days"), not a deadline
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name[:3].lower()]


