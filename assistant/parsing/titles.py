"""What a document's title says: 'Payments team OKRs — 2027-Q1' names the team and the period."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.okr import Level
from assistant.parsing.periods import find_period

_OKR_WORDS = re.compile(
    r"\b(?:okrs?|objectives\s*(?:and|&)\s*key\s*results|objectives|key\s+results|draft|proposal|v\d+(?:\.\d+)?)\b",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(r"\b(?:goals?|targets?|plan|priorities)\b", re.IGNORECASE)
_ASIDE = re.compile(r"\([^()]{0,80}\)|\[[^\[\]]{0,80}\]")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_LEVEL_WORDS = re.compile(
    r"\b(?P<word>company|corporate|company-wide|department|departmental|division|individual|personal)\b"
    r"(?=\s+(?:okrs?|objectives)\b)",
    re.IGNORECASE,
)
_LEVELS = {
    "company": Level.COMPANY, "corporate": Level.COMPANY, "company-wide": Level.COMPANY,
    "department": Level.DEPARTMENT, "departmental": Level.DEPARTMENT, "division": Level.DEPARTMENT,
    "individual": Level.INDIVIDUAL, "personal": Level.INDIVIDUAL,
}
_EDGE_WORDS = {"the", "for", "our", "my", "of", "team", "squad", "tribe", "and", "&", "in", "-"}
_PUNCTUATION = " -–—:|,.;()[]/·•"


@dataclass(frozen=True, slots=True)
class TitleFacts:
    team: str | None
    period: str | None
    level: Level | None


def is_title(content: str) -> bool:
    """A line that names the document rather than an objective: it mentions OKRs, or a period with a year."""
    if _OKR_WORDS.search(content) and not re.fullmatch(r"(?i)\s*(?:draft|proposal|v\d+(?:\.\d+)?)\s*", content):
        return True
    found = find_period(content)
    return found is not None and re.search(r"\d{4}", found[0]) is not None


def read_title(content: str) -> TitleFacts:
    """Team, period and level named by a title line (each None when absent)."""
    found = find_period(content)
    rest = content
    period = None
    if found is not None:
        period, start, end = found
        rest = content[:start] + " " + content[end:]
    if period is None:
        year = _YEAR.search(rest)
        if year is not None:
            period = year.group()
            rest = rest[: year.start()] + " " + rest[year.end() :]
    rest = _ASIDE.sub(" ", rest)  # "(draft)", "(mid-quarter check-in)", "[WIP]"
    level_match = _LEVEL_WORDS.search(rest)
    level = _LEVELS[level_match["word"].lower()] if level_match else None
    if level_match is not None:
        rest = rest[: level_match.start()] + " " + rest[level_match.end() :]
    rest = _TITLE_NOISE.sub(" ", _OKR_WORDS.sub(" ", rest))
    words = [word.strip(_PUNCTUATION) for word in rest.split()]
    words = [word for word in words if word]
    while words and words[0].lower() in _EDGE_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _EDGE_WORDS:
        words.pop()
    sentence = re.search(r"[.!?](?:\s|$)", content.strip()) is not None  # prose names no team reliably
    team = " ".join(words) if 0 < len(words) <= 6 and not sentence else None
    if team is not None and (len(team) > 60 or not any(char.isalpha() for char in team)):
        team = None
    return TitleFacts(team, period, level)
