"""How the rules read a key result: its lead verb, what the verb acts on, and what each number counts.

The KR parser (``assistant.krparse``) finds the numbers and the metric, baseline, target, unit and due date.
This module adds the sentence structure the rules need to tell outcomes from activities:

- the *lead verb* ("Publish", "Increase") and its *object slot*, the words up to the first preposition
  ("12 blog posts" in "Publish 12 blog posts by June");
- for every number, the noun it counts ("posts", "users") and whether it sits in the object slot;
- whether the subject is a share of a population ("80% of engineers complete ..."), which makes a
  participation key result: measurable, and an outcome of other people's behaviour, not the team's task.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.okr import Direction, NumberRole
from assistant.review import lexicon as lx

# Words that end the object slot of the lead verb.
_SLOT_STOPS = lx.words("""
    to from by with for in within across among at on per reaching that which who so while and resulting achieving
    generating driving until before through via over under above below beyond than during after since into using
    """)
_MONEY_UNITS = lx.words("$ € £ ¥ usd eur gbp dollars euros pounds k$ m$")
_TIME_UNITS = lx.words("ms millisecond milliseconds s sec secs second seconds min mins minute minutes h hr hrs hour hours d day days "
    "week weeks wk month months year years")
_RATING_UNITS = lx.words("pts point points stars star rating score x nps")
_COMPOUND_HEADS = lx.METRIC_NOUNS | lx.words("volume duration success quality completion frequency coverage")
_RELATIVE_WORDS = lx.words("double triple quadruple halve doubling tripling halving")
_PLACEHOLDER_RE = re.compile(
    r"(?<![a-z])(?:x{1,3}|n|y|z|tbd|tbc|\?+)\s*%|[$€£]\s*(?:x{1,3}|n|tbd)\b|\b(?:tbd|tbc|t\.b\.d\.?)\b|<[^<>]{1,40}>"
    r"|\[[^\[\]]{1,40}\]|\?\?|\b(?:x{1,3}|n)\s+(?:users|customers|leads|signups|points|days|hours|percent)\b"
    r"|\bfrom\s+x\b|\bto\s+(?:x{1,3}|y)\b|\bby\s+(?:x{1,3}|n)\b",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(r"\bbetween\s+\S+\s+and\s+", re.IGNORECASE)
_SPLIT_RE = re.compile(
    r"\s+(?:and|&|plus|as well as|and also)\s+|\s*;\s*"
    r"|,?\s+while\s+(?=(?:reduc|increas|grow|improv|cut|rais|lower|doubl|halv|decreas|boost))",
    re.IGNORECASE,
)


class MentionLike(Protocol):
    """What the reader needs from ``assistant.krparse.NumberMention``."""

    @property
    def value(self) -> float: ...
    @property
    def raw(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def role(self) -> NumberRole: ...


@dataclass(slots=True)
class Quantity:
    """One meaningful number of a key result and what it counts."""

    raw: str
    unit: str | None
    noun: str | None  # the noun it counts, lower-case, e.g. "posts"
    in_object: bool  # sits in the lead verb's object slot
    outcome: bool  # counts a result (users, money, time, quality, a share outside the object slot)
    output: bool  # counts the team's own work products (posts, hires, events)


@dataclass(slots=True)
class Reading:
    """The structure of one key result's text, as the rules use it."""

    text: str
    lower: str
    words: list[str]
    lead: str | None = None  # base form of the lead verb
    lead_index: int = -1
    slot: list[str] = field(default_factory=list)  # words of the object slot, numbers excluded
    slot_text: str = ""  # the object slot as written, numbers included
    head: str | None = None  # last word of the object slot
    quantities: list[Quantity] = field(default_factory=list)
    participation: bool = False  # subject is a share or count of a population
    subject_output: bool = False  # subject counts work products ("12 posts published")
    completion: bool = False  # a state phrase or a completed-participle ("app launched", "is live")
    completed_verb: str | None = None  # base form of that participle ("launch")
    placeholder: bool = False
    relative_word: bool = False  # double, triple, halve

    @property
    def has_outcome_measure(self) -> bool:
        return any(q.outcome for q in self.quantities)

    @property
    def numbered(self) -> bool:
        return bool(self.quantities)

    @property
    def object_is_output(self) -> bool:
        """A quantity verb applied to work products: "Increase the number of blog posts"."""
        return self.lead in lx.QUANTITY_VERBS and self.head is not None and self.head in lx.OUTPUT_NOUNS

    @property
    def names_metric(self) -> bool:
        """A measure ("conversion") or a count a quantity verb moves ("Get more customers")."""
        if any(w in lx.MEASURE_NOUNS for w in self.words):
            return True
        return self.lead in lx.OUTCOME_VERBS and any(w in lx.COUNT_NOUNS for w in self.words)

    def has_vague_word(self) -> str | None:
        for w in self.words:
            if w in lx.VAGUE_WORDS:
                return w
        for phrase in lx.VAGUE_PHRASES:
            if phrase in self.lower:
                return phrase
        return None

    def verb_direction(self) -> Direction | None:
        if self.lead in lx.INCREASE_VERBS:
            return Direction.INCREASE
        if self.lead in lx.DECREASE_VERBS:
            return Direction.DECREASE
        return None


_TOKEN_RE = re.compile(r"[a-z][a-z0-9'&]*(?:-[a-z0-9]+)*|[$€£]?\d[\d,.]*[%kmb]?")


def is_name_number(text: str, start: int) -> bool:
    """True when the number at ``start`` is part of a name: SOC 2, ISO 27001, v2, p95, #1, COVID-19."""
    if start > 0:
        before = text[start - 1]
        if before.isalpha() or before in "#/":
            return True
        if before == "-" and start > 1 and text[start - 2].isalpha():
            return True
    prev = text[:start].rstrip().rsplit(None, 1)
    if not prev:
        return False
    word = prev[-1].strip("(").lower()
    if word in ("no.", "number") and text[start:].startswith("1") and not text[start + 1 : start + 2].isdigit():
        return True
    return word in lx.NAME_PREFIXES


def meaningful(text: str, mentions: Sequence[MentionLike]) -> list[MentionLike]:
    """The mentions that are quantities, not parts of names."""
    return [m for m in mentions if not is_name_number(text, m.start)]


_PHRASE_SKIP = lx.words("of the our new all a an their its")
_PHRASE_STOPS = _SLOT_STOPS | lx.words("each every total more less")


def _counted_noun(words: list[tuple[str, int]], index: int) -> str | None:
    """The noun a number at word ``index`` counts: the head (last word) of the noun phrase that follows it.

    "2 account executives" -> "executives", "500 qualified leads" -> "leads", "80% of engineers complete" ->
    "engineers" (a verb ends the phrase unless it is also a listed noun, as "interviews" is).
    """
    phrase: list[str] = []
    for w, _ in words[index + 1 : index + 7]:
        if not phrase and w in _PHRASE_SKIP:
            continue
        if not w[0].isalpha() or w in _PHRASE_STOPS or len(phrase) == 4:
            break
        listed = w in lx.OUTPUT_NOUNS or w in lx.OUTCOME_NOUNS
        if not listed and lx.verb_base(w) is not None and phrase:
            break
        phrase.append(w)
    return phrase[-1] if phrase else None


def _head(slot: list[str]) -> str | None:
    """The head noun of an object slot: its last word that is not a trailing participle ("posts published")."""
    for w in reversed(slot):
        if w in lx.OUTPUT_NOUNS or w in lx.OUTCOME_NOUNS or lx.verb_base(w) is None:
            return w
    return slot[-1] if slot else None


def read(text: str, mentions: Sequence[MentionLike], *, placeholder: bool = False) -> Reading:
    """Read ``text`` (a key result without its list label); ``mentions`` are the parser's numbers in it."""
    lower = text.lower()
    spans = [(m.group(0), m.start()) for m in _TOKEN_RE.finditer(lower)]
    words = [w for w, _ in spans]
    r = Reading(text=text, lower=lower, words=words)
    r.placeholder = placeholder or bool(_PLACEHOLDER_RE.search(text))
    r.relative_word = any(w in _RELATIVE_WORDS for w in words)

    _find_lead(r, spans)
    slot_end = _slot_end(spans, r.lead_index)
    if r.lead is not None:
        r.slot = [w for w, _ in spans[r.lead_index + 1 : slot_end] if w[0].isalpha()]
        r.head = _head(r.slot)
        source = text if len(text) == len(lower) else lower
        begin = spans[r.lead_index + 1][1] if r.lead_index + 1 < len(spans) else len(source)
        stop = spans[slot_end][1] if slot_end < len(spans) else len(source)
        r.slot_text = source[begin:stop].strip()

    for m in meaningful(text, mentions):
        idx = next((i for i, (_, pos) in enumerate(spans) if pos + len(spans[i][0]) > m.start), len(spans) - 1)
        noun = _counted_noun(spans, idx)
        unit = (m.unit or "").lower() or None
        in_object = r.lead is not None and r.lead_index < idx < slot_end
        r.quantities.append(_classify(m.raw, unit, noun, in_object, r.lead))

    _read_subject(r, spans)
    return r


def _find_lead(r: Reading, spans: list[tuple[str, int]]) -> None:
    for i, (w, _) in enumerate(spans[:8]):
        if w in lx.LEAD_FILLER or (w.endswith("ly") and len(w) > 4 and w not in lx.VERB_FORMS):
            continue
        base = lx.verb_base(w)
        if base is None:
            return
        nxt = spans[i + 1][0] if i + 1 < len(spans) else ""
        if base in lx.ACTIVITY_VERBS and base not in lx.OUTCOME_VERBS and nxt in _COMPOUND_HEADS:
            return  # "Test coverage at 80%", "Release frequency": a noun compound, not an imperative
        if w.endswith("ing") and nxt and nxt not in ("the", "a", "an", "our", "all", "new") and not nxt[0].isdigit():
            return  # a gerund used as a noun: "Onboarding completion rate", "Hiring pipeline"
        if (w != base and w.endswith(("ed", "en"))) or w in ("held", "built", "sent", "written", "won", "kept"):
            return  # "Launched the app": a report, read as a state below
        r.lead, r.lead_index = base, i
        return


def _slot_end(spans: list[tuple[str, int]], lead_index: int) -> int:
    if lead_index < 0:
        return -1
    for j in range(lead_index + 1, len(spans)):
        if spans[j][0] in _SLOT_STOPS:
            return j
    return len(spans)


def _classify(raw: str, unit: str | None, noun: str | None, in_object: bool, lead: str | None) -> Quantity:
    money = unit in _MONEY_UNITS or raw[:1] in "$€£"
    timed = unit in _TIME_UNITS or noun in _TIME_UNITS
    rated = unit in _RATING_UNITS or noun in _RATING_UNITS
    percent = unit == "%" or raw.endswith("%")
    counted = noun or unit
    outcome_noun = counted is not None and (counted in lx.OUTCOME_NOUNS or lx.singular(counted) in lx.OUTCOME_NOUNS)
    output_noun = counted is not None and (counted in lx.OUTPUT_NOUNS or lx.singular(counted) in lx.OUTPUT_NOUNS)
    outcome = money or timed or rated or outcome_noun
    if percent and not in_object and not output_noun:
        outcome = True  # "to 50% of users", "with 95% satisfaction": a share of something that happened
    output = not outcome and (output_noun or in_object)
    if lead in lx.ACTIVITY_VERBS and in_object and (output_noun or (lead in lx.EFFORT_VERBS and not money)):
        outcome, output = False, True  # "Publish 12 posts", "Interview 30 customers": the team's own work
    return Quantity(raw=raw, unit=unit, noun=noun, in_object=in_object, outcome=outcome, output=output)


def _read_subject(r: Reading, spans: list[tuple[str, int]]) -> None:
    """Participation subjects ("80% of engineers complete ...") and completed states ("App launched")."""
    if r.lead is not None:
        return
    words = r.words
    first = 0
    while first < len(words) and words[first] in ("at", "least", "over", "more", "than", "only", "kr", "a", "the"):
        first += 1
    lead_word = words[first] if first < len(words) else ""
    quantity_first = bool(lead_word[:1].isdigit() or lead_word[:1] in "$€£")
    if quantity_first or lead_word in ("all", "every", "each", "half", "most"):
        for w in words[first + 1 : first + 5]:
            if w in lx.OUTPUT_NOUNS:
                r.subject_output = True
                break
            if w in lx.POPULATION_NOUNS or w in lx.OUTCOME_NOUNS:
                r.participation = any(lx.verb_base(x) is not None for x in words[first + 2 :])
                break
    for phrase in lx.STATE_PHRASES:
        if phrase in r.lower:
            r.completion = True
            r.completed_verb = "launch" if "live" in phrase else "complete" if "complete" in phrase else "implement"
            return
    for i, w in enumerate(words):
        base = lx.verb_base(w)
        if base in lx.MILESTONE_VERBS and w != base and w.endswith(("ed", "en", "t", "n")):
            # "App launched" is a state; "Number of customers who upgraded" names a metric instead
            r.completion = not any(x in lx.METRIC_NOUNS for x in words[:i])
            r.completed_verb = base if r.completion else None
            return


def segments(text: str) -> list[str]:
    """``text`` split where it joins separate results ("... and ...", "; ", ", reduce ..."), ranges kept whole."""
    out: list[str] = []
    for part in _SPLIT_RE.split(_BETWEEN_RE.sub("between ", text)):
        pieces = part.split(", ")
        current = pieces[0]
        for piece in pieces[1:]:
            first = piece.split(None, 1)[0].lower() if piece.strip() else ""
            if lx.verb_base(first) is not None and not first.endswith(("ed", "ing")):
                out.append(current)
                current = piece
            else:
                current = f"{current}, {piece}"
        out.append(current)
    return [s for s in out if s.strip()]
