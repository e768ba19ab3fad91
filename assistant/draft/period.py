"""OKR periods: the default one (the next calendar quarter) and the date a period ends."""

from __future__ import annotations

import calendar
import re
from datetime import date

_QUARTER = re.compile(r"^(?P<year>\d{4})-?Q(?P<q>[1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(?P<year>\d{4})-?H(?P<h>[12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:FY)?(?P<year>\d{4})$", re.IGNORECASE)
_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<m>0[1-9]|1[0-2])$")


def next_quarter(today: date | None = None) -> str:
    """The calendar quarter after the one ``today`` is in, e.g. ``2027-Q1`` in November 2026."""
    today = today or date.today()
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    return f"{year}-Q{quarter}"


def period_end(period: str) -> str:
    """The ISO date a period ends on (``2027-Q1`` -> ``2027-03-31``); an unknown shape is returned as is."""
    text = period.strip()
    if match := _QUARTER.match(text):
        year, month = int(match["year"]), int(match["q"]) * 3
    elif match := _HALF.match(text):
        year, month = int(match["year"]), int(match["h"]) * 6
    elif match := _YEAR.match(text):
        year, month = int(match["year"]), 12
    elif match := _MONTH.match(text):
        year, month = int(match["year"]), int(match["m"])
    else:
        return text
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
