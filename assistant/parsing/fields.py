"""Reading single field values the way people write them: levels, directions, numbers, parents, owners.

Shared by the YAML/JSON reader and the Markdown/text reader. Nothing here reads meaning out of a key
result's sentence (that is ``assistant.krparse``); these only read values that were given as such.
"""

from __future__ import annotations

import re

from assistant.okr import Alignment, AlignmentType, Direction, Level, ParentKind
from assistant.parsing.models import checked

LEVELS: dict[str, Level] = {
    "company": Level.COMPANY,
    "corporate": Level.COMPANY,
    "organisation": Level.COMPANY,
    "organization": Level.COMPANY,
    "department": Level.DEPARTMENT,
    "dept": Level.DEPARTMENT,
    "division": Level.DEPARTMENT,
    "group": Level.DEPARTMENT,
    "team": Level.TEAM,
    "squad": Level.TEAM,
    "individual": Level.INDIVIDUAL,
    "personal": Level.INDIVIDUAL,
    "person": Level.INDIVIDUAL,
}
DIRECTIONS: dict[str, Direction] = {
    "increase": Direction.INCREASE,
    "up": Direction.INCREASE,
    "grow": Direction.INCREASE,
    "higher": Direction.INCREASE,
    "raise": Direction.INCREASE,
    "decrease": Direction.DECREASE,
    "down": Direction.DECREASE,
    "reduce": Direction.DECREASE,
    "lower": Direction.DECREASE,
    "cut": Direction.DECREASE,
    "maintain": Direction.MAINTAIN,
    "keep": Direction.MAINTAIN,
    "hold": Direction.MAINTAIN,
    "stay": Direction.MAINTAIN,
    "achieve": Direction.ACHIEVE,
    "reach": Direction.ACHIEVE,
    "complete": Direction.ACHIEVE,
    "binary": Direction.ACHIEVE,
}
KINDS: dict[str, ParentKind] = {
    "objective": ParentKind.OBJECTIVE,
    "o": ParentKind.OBJECTIVE,
    "key_result": ParentKind.KEY_RESULT,
    "key result": ParentKind.KEY_RESULT,
    "keyresult": ParentKind.KEY_RESULT,
    "key-result": ParentKind.KEY_RESULT,
    "kr": ParentKind.KEY_RESULT,
}
TYPES: dict[str, AlignmentType] = {
    "explicit": AlignmentType.EXPLICIT,
    "inherited": AlignmentType.EXPLICIT,
    "inherits": AlignmentType.EXPLICIT,
    "directional": AlignmentType.DIRECTIONAL,
    "contributes": AlignmentType.DIRECTIONAL,
}
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_NUMBER = re.compile(
    r"^(?:[<>≤≥~≈]=?|at least|at most|about)?\s*(?P<cur>[$€£¥])?\s*"
    r"(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)\s*"
    r"(?P<mult>k|m|mn|b|bn)?(?![a-z])\s*(?P<unit>%|[a-z][a-z/ ]{0,19}?)?\s*$",
    re.IGNORECASE,
)
_ID_TOKEN = re.compile(r"[A-Za-z0-9][\w.\-/#:]*")
_DESCRIPTION = re.compile(r"\s+[—–-]\s+|:\s+|\s+\(")
_QUALIFIER = re.compile(r"\(([^()]{1,60})\)")
_LEADING_KIND = re.compile(
    r"^(?:(?P<kr>kr|key[\s-]?result)|(?:company|department|parent|team)?\s*(?:objective|okr|goal)|parent)"
    r"(?![\w-])\s*[:#]?\s*",
    re.IGNORECASE,
)


def choice_key(text: str) -> str:
    """Normalise a written choice ('Key Result', 'key-result') for lookup in the tables above."""
    return " ".join(text.strip().lower().replace("_", " ").split())


def parse_level(text: str) -> Level | None:
    return LEVELS.get(choice_key(text))


def parse_direction(text: str) -> Direction | None:
    return DIRECTIONS.get(choice_key(text))


def parse_kind(text: str) -> ParentKind | None:
    key = choice_key(text)
    return KINDS.get(key) or KINDS.get(key.replace(" ", "_"))


def parse_type(text: str) -> AlignmentType | None:
    return TYPES.get(choice_key(text))


def parse_number(text: str) -> tuple[float, str | None] | None:
    """A number given on its own ("45", "1,200", "3.5%", "$2M", "200 ms") as (value, unit), else None."""
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    value = float(match["num"].replace(",", ""))
    multiplier = match["mult"]
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    unit = _CURRENCIES.get(match["cur"] or "") or (match["unit"] or "").strip() or None
    return value, unit


def alignment_from_text(text: str) -> Alignment | None:
    """Read a parent reference such as 'CO-2', 'KR CO-1.2 (explicit)' or 'C1 — Grow enterprise revenue'.

    Qualifiers in parentheses set the kind ('key result', 'objective') and the type ('explicit',
    'directional'). The id is the first token when it holds a digit; otherwise the whole text, so that an
    unknown parent can still be reported by name. A description after a dash or colon is dropped.
    """
    kind = ParentKind.OBJECTIVE
    alignment_type = AlignmentType.DIRECTIONAL
    remaining = text
    for qualifier in _QUALIFIER.findall(text):
        words = [part.strip() for part in re.split(r"[,;/]", qualifier)]
        parsed = [(parse_kind(word), parse_type(word)) for word in words]
        if not all(k or t for k, t in parsed):
            continue
        for parsed_kind, parsed_type in parsed:
            kind = parsed_kind or kind
            alignment_type = parsed_type or alignment_type
        remaining = remaining.replace(f"({qualifier})", " ")
    remaining = " ".join(remaining.split()).strip(" :-–—,;")
    leading = _LEADING_KIND.match(remaining)
    if leading is not None and leading.end() < len(remaining):
        if leading["kr"]:
            kind = ParentKind.KEY_RESULT
        remaining = remaining[leading.end() :]
    if not remaining:
        return None
    head = _DESCRIPTION.split(remaining, maxsplit=1)[0].strip()  # "C1 — Grow revenue": the id is "C1"
    token = _ID_TOKEN.match(head)
    if " " in head and token is not None and any(char.isdigit() for char in token.group()):
        identifier = token.group().rstrip(".:,;")
    else:
        identifier = head or remaining
    return checked(Alignment, id=identifier, kind=kind, type=alignment_type)


def describe_alignment(alignment: Alignment) -> str:
    """The inverse of ``alignment_from_text``: 'CO-2', or 'CO-2.KR1 (key result, explicit)'."""
    qualifiers = []
    if alignment.kind is not ParentKind.OBJECTIVE:
        qualifiers.append("key result")
    if alignment.type is not AlignmentType.DIRECTIONAL:
        qualifiers.append("explicit")
    return alignment.id + (f" ({', '.join(qualifiers)})" if qualifiers else "")
