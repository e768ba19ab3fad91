"""OKR periods and calendar arithmetic for deadlines: quarter and half ends, month ends, the year a month
without a year falls in.

Quarters and halves are calendar ones: a fiscal calendar cannot be known from the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, NamedTuple

from assistant.krtext.patterns import LazyPattern

MONTH_NAMES: Final = (
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_PERIOD: Final = LazyPattern(
    r"^\s*(?:FY\s?)?['’]?(?P<y>\d{4}|\d{2})"
    r"\s*(?:[-/ ]?\s*(?:(?P<k>[QH])(?P<n>[1-4])|(?P<m>0?[1-9]|1[0-2])(?!\d)))?\s*$"
    r"|^\s*(?P<k2>[QH])(?P<n2>[1-4])\s*[-/ ]?\s*(?:FY\s?)?['’]?(?P<y2>\d{4}|\d{2})\s*$",
    re.IGNORECASE,
)


class Period:
    """An OKR period reduced to what deadlines need: its year and, when given, its quarter, half or month.

    (A plain class, not a dataclass: defining dataclasses costs `okr review` start-up time.)
    """

    __slots__ = ("half", "month", "quarter", "year")

    def __init__(self, year: int, quarter: int | None = None, half: int | None = None,
                 month: int | None = None) -> None:
        self.year = year
        self.quarter = quarter
        self.half = half
        self.month = month

    def __repr__(self) -> str:
        return f"Period(year={self.year}, quarter={self.quarter}, half={self.half}, month={self.month})"

    @property
    def first_month(self) -> int:
        if self.quarter:
            return self.quarter * 3 - 2
        if self.half:
            return self.half * 6 - 5
        return self.month or 1


class At(NamedTuple):
    """How a deadline is introduced: "by", "in", "end of", "start of"; and the period it falls in."""

    lead: str
    edge: str
    by: bool  # the deadline is the end of what follows ("by Q2", "end of March")
    start: bool  # the deadline is the start of what follows ("start of Q3")
    period: Period | None


@lru_cache(maxsize=128)
def parse_period(period: str | None) -> Period | None:
    """``Period`` for "2027-Q2", "Q2 2027", "FY27", "2027", "2027-H1", "2027-04"; None for anything else."""
    if not period:
        return None
    match = _PERIOD.match(period)
    if match is None:
        return None
    year = full_year(match["y"] or match["y2"])
    kind, number = (match["k"] or match["k2"] or "").upper(), int(match["n"] or match["n2"] or 0)
    if kind == "Q":
        return Period(year, quarter=number)
    if kind == "H":
        return Period(year, half=min(number, 2))
    return Period(year, month=int(match["m"]) if match["m"] else None)


def quarter_or_half(kind: str, number: int, year: int | None, at: At) -> str:
    """A quarter (``kind`` Q) or half (H) of ``year`` as an end/start date or a period label."""
    if year is None:
        year = year_for(at.period, month=number * 3 - 2 if kind == "Q" else number * 6 - 5)
    label = f"{kind}{number}"
    if year is None:
        return f"end of {label}" if at.by else f"start of {label}" if at.start else label
    last = number * 3 if kind == "Q" else number * 6
    if at.by:
        return month_date(year, last, True, False)
    if at.start:
        return month_date(year, last - (2 if kind == "Q" else 5), False, True)
    return f"{year}-{label}"


def relative_part(which: str, unit: str, at: At) -> str:
    """'this quarter', 'next year', 'end of the month', 'EOQ' against the period."""
    period = at.period
    by = at.by or (which == "the" and not at.start)
    if unit == "quarter" and period is not None and period.quarter:
        q, year = period.quarter, period.year
        if which == "next":
            q, year = (1, year + 1) if q == 4 else (q + 1, year)
        return quarter_or_half("Q", q, year, at._replace(by=by, period=None))
    if unit == "year" and period is not None:
        return year_end(period.year + (which == "next"), at._replace(by=by))
    if unit == "month" and period is not None and period.month:
        return month_date(period.year, period.month, True, at.start)
    if which == "next":
        return f"next {unit}"
    return f"end of {unit}" if by or which != "this" else f"start of {unit}" if at.start else f"this {unit}"


def year_end(year: int, at: At) -> str:
    if at.by:
        return f"{year}-12-31"
    return f"{year}-01-01" if at.start else str(year)


def day_date(month: int, day: int, year_text: str | None, period: Period | None) -> str | None:
    year = int(year_text) if year_text else year_for(period, month=month)
    if year is None:
        return f"{MONTH_NAMES[month]} {day}" if 1 <= day <= 31 else None
    return iso_date(year, month, day)


def month_date(year: int, month: int, by: bool, start: bool, *, label: bool = False) -> str:
    if by:
        return f"{year:04d}-{month:02d}-{days_in(year, month):02d}"
    if start or not label:
        return f"{year:04d}-{month:02d}-01"
    return f"{year:04d}-{month:02d}"


def year_for(period: Period | None, *, month: int) -> int | None:
    """The year a month (without a year) falls in: the period's, or the next one if the month is before it."""
    if period is None:
        return None
    return period.year + 1 if month < period.first_month and (period.quarter or period.half) else period.year


def iso_date(year: int, month: int, day: int) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= days_in(year, month)):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def full_year(text: str) -> int:
    digits = text.lstrip("'’")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)
