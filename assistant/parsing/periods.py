"""OKR periods as people write them ("Q1 2027", "FY27 Q2", "H1 2027", "Jan-Mar 2027") and their normal forms.

Normal forms: ``2027-Q1``, ``2027-H1``, ``FY2027-Q2``, ``FY2027``, ``2027``, or ``Q1`` when no year is given.
Text that is not one of these is kept as written.
"""

from __future__ import annotations

import re

_YEAR = r"(?:19|20)\d{2}"
_SHORT_YEAR = r"'\d{2}"
_SEP = r"[\s\-/,.]*"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

# Each pattern names its groups: year / fy / q / h. Order matters: the most specific first.
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bFY\s?(?P<fy>{_YEAR}|'?\d{{2}}){_SEP}Q(?P<q>[1-4])\b",
        rf"\bQ(?P<q>[1-4]){_SEP}FY\s?(?P<fy>{_YEAR}|'?\d{{2}})\b",
        rf"\b(?P<year>{_YEAR}){_SEP}Q(?P<q>[1-4])\b",
        rf"\bQ(?P<q>[1-4])\s?(?:(?P<year>{_YEAR})|(?P<short>{_SHORT_YEAR}|(?<=[-/])\d{{2}}))(?![\d%])",
        r"\bQ(?P<q>[1-4])[\-/](?P<short>\d{2})\b(?![\d%])",
        rf"\bQ(?P<q>[1-4]){_SEP}(?P<year>{_YEAR})\b",
        rf"\b(?P<year>{_YEAR}){_SEP}H(?P<h>[12])\b",
        rf"\bH(?P<h>[12]){_SEP}(?P<year>{_YEAR}|{_SHORT_YEAR})(?!\d)",
        rf"\b(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?,?\s+(?P<year>{_YEAR})\b",
        rf"\bquarter\s+(?P<q>[1-4]),?\s+(?:of\s+)?(?P<year>{_YEAR})\b",
        r"\b(?P<m1>jan|apr|jul|oct)[a-z]*\.?\s*[-–—to]+\s*(?P<m2>mar|jun|sep|dec)[a-z]*\.?,?\s+"
        rf"(?P<year>{_YEAR})\b",
        rf"\bFY\s?(?P<fy>{_YEAR}|'?\d{{2}})\b",
        r"\bQ(?P<q>[1-4])\b(?!\.?\d|%)",
    )
)
_ISO_RANGE = re.compile(
    rf"^(?P<y1>{_YEAR})-(?P<m1>\d{{2}})-(?P<d1>\d{{2}})\s*(?:to|-|–|—|until|through)\s*"
    rf"(?P<y2>{_YEAR})-(?P<m2>\d{{2}})-(?P<d2>\d{{2}})$"
)
_QUARTER_ENDS = {1: ("01-01", "03-31"), 2: ("04-01", "06-30"), 3: ("07-01", "09-30"), 4: ("10-01", "12-31")}


def _full_year(text: str) -> str:
    digits = text.lstrip("'")
    return digits if len(digits) == 4 else f"20{digits}"


def _normal(match: re.Match[str]) -> str:
    groups = {name: value for name, value in match.groupdict().items() if value}
    if "ord" in groups:
        return f"{groups['year']}-Q{_ORDINAL[groups['ord'].lower()]}"
    if "m1" in groups:
        first, last = _MONTHS.index(groups["m1"].lower()), _MONTHS.index(groups["m2"].lower())
        if last - first != 2:
            return match.group()
        return f"{groups['year']}-Q{first // 3 + 1}"
    if "fy" in groups:
        fiscal = f"FY{_full_year(groups['fy'])}"
        return f"{fiscal}-Q{groups['q']}" if "q" in groups else fiscal
    written = groups.get("year") or groups.get("short")
    year = _full_year(written) if written else None
    if "h" in groups:
        return f"{year}-H{groups['h']}"
    if year is None:
        return f"Q{groups['q']}"
    return f"{year}-Q{groups['q']}"


def find_period(text: str) -> tuple[str, int, int] | None:
    """The first period mentioned in ``text``: (normal form, start, end), or None."""
    best: re.Match[str] | None = None
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match is not None and (best is None or match.start() < best.start()):
            best = match
    if best is None:
        return None
    return _normal(best), best.start(), best.end()


def normalise_period(text: str) -> str:
    """Normal form of a period given on its own (a ``period:`` field or a ``Period:`` line).

    Text that is entirely one recognised period is normalised; anything else is kept as written.
    """
    value = " ".join(text.split()).strip(" .;")
    if not value:
        return value
    if re.fullmatch(_YEAR, value):
        return value
    iso = _ISO_RANGE.match(value)
    if iso is not None and iso["y1"] == iso["y2"]:
        span = (f"{iso['m1']}-{iso['d1']}", f"{iso['m2']}-{iso['d2']}")
        for quarter, bounds in _QUARTER_ENDS.items():
            if span == bounds:
                return f"{iso['y1']}-Q{quarter}"
        return value
    found = find_period(value)
    if found is not None:
        normal, start, end = found
        rest = (value[:start] + value[end:]).strip(" -–—:,()[]")
        if not rest or rest.lower() in {"okrs", "okr", "quarter", "cycle", "period"}:
            return normal
    return value
