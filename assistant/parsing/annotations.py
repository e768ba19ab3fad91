"""Annotations people write around objectives and key results in documents and slides.

Whole lines such as ``Owner: Priya``, ``Aligns to: CO-2``, ``Team: Payments``, ``Status: on track``, and
inline ones at the end of a title or key result: ``(owner: Priya)``, ``— @sam``, ``[Owner: Ana]``,
``(aligns to CO-2)``, ``[id: KR-7]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_I = re.IGNORECASE
_SEP = r"\s*(?::|\s[-–—]\s|[–—])\s*"

_OWNER_WORDS = (
    r"(?:(?:objective|kr|key\s+result)\s+)?(?:owners?|owned\s+by|dri|responsible|accountable(?:\s+owner)?"
    r"|lead|assignee|point\s+person)"
)
_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("owner", re.compile(rf"^{_OWNER_WORDS}{_SEP}(?P<v>\S.*)$", _I)),
    (
        "align",
        re.compile(
            r"^(?:(?:aligns?|aligned|contributes|ladders?(?:\s+up)?|links?|linked|maps?|rolls?\s+up)\s+(?:to|with|into)"
            r"|↑|⬆)\s*[:\-–—]?\s*(?P<v>\S.*)$",
            _I,
        ),
    ),
    (
        "align",
        re.compile(
            r"^(?:alignment|parent(?:\s+(?:objective|okr|kr|key\s+result|id))?|supports|company\s+(?:objective|okr|kr"
            r"|key\s+result|goal)|department\s+(?:objective|okr|goal)|(?:company|parent)\s+okr)"
            rf"{_SEP}(?P<v>\S.*)$",
            _I,
        ),
    ),
    ("team", re.compile(r"^(?:team(?:\s+name)?|squad|tribe|department|group)\s*:\s*(?P<v>\S.*)$", _I)),
    (
        "period",
        re.compile(
            r"^(?:period|quarter|cycle|time\s*frame|time\s+period|okr\s+(?:period|cycle|quarter))\s*:\s*(?P<v>\S.*)$",
            _I,
        ),
    ),
    ("level", re.compile(r"^level\s*:\s*(?P<v>\S.*)$", _I)),
    (
        "rationale",
        re.compile(
            r"^(?:rationale|why(?:\s+(?:it|this)\s+matters)?|the\s+why|context|description|purpose|because)"
            r"\s*:\s*(?P<v>\S.*)$",
            _I,
        ),
    ),
    ("id", re.compile(r"^(?:id|ref)\s*:\s*(?P<v>\S.*)$", _I)),
    (
        "field",
        re.compile(
            r"^(?P<name>baseline|current(?:\s+value)?|starting\s+(?:point|value)|start(?:\s+value)?|target(?:\s+value)?|goal"
            r"|units?|due(?:\s+date)?|deadline|metric|direction|sources?)\s*:\s*(?P<v>\S.*)$",
            _I,
        ),
    ),
    (
        "meta",
        re.compile(
            r"^(?:status|progress|confidence|score|scoring|health|grade|grading|last\s+updated|updated|version"
            r"|authors?|reviewed\s+by|approved\s+by|approvers?|stakeholders?|contributors?|tags?|labels?|priority"
            r"|effort|budget|eta|comments?|notes?|risks?|dependenc(?:y|ies)|initiatives?|projects?|blockers?|links?"
            r"|jira|epic|tickets?|sprint|estimate|weight|check-?ins?|last\s+check-?in|date|created|reporter"
            r"|issue\s+type|type|resolution)\s*:\s*(?P<v>.*)$",
            _I,
        ),
    ),
)
_SEPARATED = re.compile(r"[–—↑⬆]|\s-\s|^(?:align|contrib|ladder|link|map|roll)", _I)
_FIELD_NAMES = {
    "baseline": "baseline",
    "current": "baseline",
    "current value": "baseline",
    "starting point": "baseline",
    "starting value": "baseline",
    "start": "baseline",
    "start value": "baseline",
    "target": "target",
    "target value": "target",
    "goal": "target",
    "unit": "unit",
    "units": "unit",
    "due": "due",
    "due date": "due",
    "deadline": "due",
    "metric": "metric",
    "direction": "direction",
    "source": "sources",
    "sources": "sources",
}

KR_SECTIONS = frozenset({
    "key results", "key result", "krs", "kr", "results", "measures", "measures of success", "metrics",
    "success metrics", "success criteria", "measured by", "kpis", "key results (krs)", "how we'll measure",
    "how we will measure", "how we'll measure it", "how we will measure it", "how we'll measure success",
    "how we will measure success", "how we'll know", "how we will know", "what success looks like",
})
IGNORE_SECTIONS = (
    "initiatives", "initiative", "projects", "tasks", "actions", "action items", "activities", "notes", "note",
    "risks", "risk", "dependencies", "comments", "status", "progress", "confidence", "blockers", "out of scope",
    "non-goals", "non goals", "appendix", "context", "background", "summary", "overview", "mission", "vision",
    "strategy", "assumptions", "open questions", "questions", "learnings", "retrospective", "retro", "lessons",
    "table of contents", "contents", "team members", "members", "stakeholders", "timeline", "resources",
    "links", "references", "glossary", "changelog", "change log", "history", "next steps", "parking lot",
    "health metrics", "guardrails", "what we won't do", "not doing", "scoring", "check-ins", "ideas",
    "backlog", "introduction", "principles", "how to read", "legend", "why", "why it matters",
    "why this matters", "rationale",
)
# Words that start many titles ("Team Payments OKRs", "People team goals"): a section only on their own.
_EXACT_SECTIONS = frozenset({"team", "people", "about", "purpose", "the team", "our team"})
_TITLE_WORDS = re.compile(r"\b(?:okrs?|objectives|key results|goals)\b")
_SECTION = re.compile(r"^(?P<name>[a-z][a-z0-9 &/'’()\-]{0,48}?)\s*:?\s*$")


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str  # owner | align | team | period | level | rationale | id | field | meta
    value: str
    name: str = ""  # for kind 'field': baseline | target | unit | due | metric | direction


def line_annotation(content: str) -> Annotation | None:
    """The annotation a whole line makes (``Owner: Priya``), or None."""
    if ":" not in content and not _SEPARATED.search(content):
        return None  # every annotation has a colon, a dash, or starts with an alignment word
    for kind, pattern in _LINES:
        match = pattern.match(content)
        if match is None:
            continue
        value = match["v"].strip()
        if kind == "field":
            name = " ".join(match["name"].lower().split())
            return Annotation(kind, value, _FIELD_NAMES[name])
        if kind == "owner":
            value = clean_owner(value)
        return Annotation(kind, value)
    return None


def section_of(content: str) -> str | None:
    """'krs' for a key-results header ('Key results:'), 'ignore' for one whose items are not key results
    ('Initiatives', 'Risks'), 'objectives' for an 'Objectives' header, else None."""
    if len(content) > 60:
        return None
    name = " ".join(content.lower().replace("’", "'").split())
    match = _SECTION.match(name)
    if match is None:
        return None
    name = match["name"].strip()
    if name in KR_SECTIONS or (name.startswith(("key results ", "krs ")) and content.rstrip().endswith(":")):
        return "krs"
    if name in {"objectives", "objectives and key results", "okrs", "goals", "our objectives", "our okrs"}:
        return "objectives"
    if name in IGNORE_SECTIONS or name in _EXACT_SECTIONS:
        return "ignore"
    short = len(name.split()) <= 5 and not _TITLE_WORDS.search(name)
    if short and any(name.startswith(word + " ") for word in IGNORE_SECTIONS):
        return "ignore"  # "Risks and dependencies", "Notes from the offsite"
    return None


def clean_owner(value: str) -> str:
    return value.strip().lstrip("@").strip(" .,;:()[]")


# --- inline annotations ------------------------------------------------------------------------------

_OWNER_NEEDLES = ("owner", "owned", "dri", "lead", "responsible", "accountable", "assignee", "point person")
_ALIGN_NEEDLES = ("align", "parent", "support", "contribut", "↑", "→")
_STATUS_NEEDLES = (
    "(done", "(complete", "(achieved", "(on track", "(at risk", "(off track", "(in progress", "(blocked",
    "(not started", "(behind", "(ahead", "\u2705", "\u274c", "\u26a0", "\u23f3", "\U0001f6a7", "\U0001f534",
    "\U0001f535", *(chr(code) for code in range(0x1F7E0, 0x1F7EC)),
)
# Each inline pattern is tried only when one of its needles is in the (lower-cased) text: most lines carry no
# annotation, and this keeps a long document fast.
_NEEDLES: dict[str, tuple[str, ...]] = {"id": ("[",), "align": _ALIGN_NEEDLES, "owner": (*_OWNER_NEEDLES, "@"),
                                        "status": _STATUS_NEEDLES}
_INLINE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id", re.compile(r"\s*\[\s*id\s*:\s*(?P<v>[^\]]{1,80}?)\s*\]", _I)),
    ("id", re.compile(r"^\[(?P<v>[A-Za-z]{1,10}-?\d+(?:[.\-]\d+)*)\]\s*")),
    (
        "align",
        re.compile(
            r"\s*[(\[]\s*(?:aligns?\s+(?:to|with)|aligned\s+(?:to|with)|parent|supports|contributes\s+to|↑|→)"
            r"\s*[:\-]?\s*(?P<v>[^()\[\]]{1,80}?)\s*[)\]]",
            _I,
        ),
    ),
    ("owner", re.compile(rf"\s*[(\[]\s*{_OWNER_WORDS}\s*[:=\-–—]?\s*(?P<v>[^()\[\]]{{1,80}}?)\s*[)\]]", _I)),
    (
        "align",
        re.compile(
            r"\s+(?:[—–|]|--?)\s*(?:aligns?\s+(?:to|with)|parent)\s*[:\-]?\s*(?P<v>[^—–|()\[\]]{1,80}?)\s*$", _I
        ),
    ),
    ("owner", re.compile(rf"\s+(?:[—–|·]|--?)\s*{_OWNER_WORDS}\s*[:\-]?\s*(?P<v>[^—–|()\[\]]{{1,80}}?)\s*$", _I)),
    ("owner", re.compile(r"(?:\s+(?:[—–|·]|--?)\s*|\s+|^)\(?@(?P<v>[A-Za-z][\w.\-]{0,60})\)?\s*$")),
    (
        "status",  # a progress marker pasted from a tracker: "✅ (done)", "🟡 60%", "(on track)"
        re.compile(
            r"\s*(?:(?:[\U0001F7E0-\U0001F7EB\U0001F534\U0001F535\u2705\u274C\u26A0\u23F3\U0001F6A7]\ufe0f?\s*)+"
            r"(?:\d{1,3}\s?%)?\s*)?\(\s*(?P<v>done|complete|completed|achieved|on track|at risk|off track|in progress"
            r"|blocked|not started|behind|ahead)\s*\)\s*$"
            r"|\s*(?:[\U0001F7E0-\U0001F7EB\U0001F534\U0001F535\u2705\u274C\u26A0\u23F3\U0001F6A7]\ufe0f?\s*)+"
            r"(?P<w>\d{1,3}\s?%)?\s*$",
            _I,
        ),
    ),
)


_TAIL = 200


@dataclass(slots=True)
class Inline:
    text: str
    found: dict[str, str] = field(default_factory=dict)


def strip_inline(text: str) -> Inline:
    """Take inline annotations off a title or key result; the first of each kind is kept."""
    result = Inline(text)
    lower = text.lower()
    for kind, pattern in _INLINE:
        if not any(needle in lower for needle in _NEEDLES[kind]):
            continue
        # annotations anchored at the end are short: looking at the tail keeps long lines linear
        start = max(0, len(result.text) - _TAIL) if pattern.pattern.endswith("$") else 0
        match = pattern.search(result.text, start)
        if match is None:
            continue
        value = (match["v"] or "").strip() if kind != "status" else "status"
        if kind == "owner":
            value = clean_owner(value)
        if not value:
            continue
        if kind != "status":
            result.found.setdefault(kind, value)
        result.text = (result.text[: match.start()] + " " + result.text[match.end() :]).strip()
    result.text = " ".join(result.text.split())
    if result.found:
        result.text = result.text.rstrip(" —–-|·,;")  # the separator that stood before an annotation
    return result
