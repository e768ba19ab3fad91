"""How the rules read a key result: its lead verb, what the verb acts on, and what each number counts.

The KR parser (``assistant.krparse``) finds the numbers and the metric, baseline, target, unit and due date.
This module adds the sentence structure the rules need to tell outcomes from activities:

- the *lead verb* ("Publish", "Increase") and its *object slot*, the words up to the first preposition
  ("12 blog posts" in "Publish 12 blog posts by June");
- for every number, the noun it counts ("posts", "users") and whether it sits in the object slot;
- whether the subject is a share of a population ("80% of engineers complete ..."), which makes a
  participation key result: measurable, and an outcome of other people's behaviour, not the team's task (unless
  what they do is attend the team's own training: ``Reading.attends_training``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, NamedTuple, Protocol

from assistant.okr import Direction, NumberRole
from assistant.review import lexicon as lx

# Words that end the object slot of the lead verb.
_SLOT_STOPS: Final = lx.words("""
    to from by with for in within across among at on per reaching that which who so while and resulting achieving
    generating driving until before through via over under above below beyond than during after since into using
    """)
_MONEY_UNITS: Final = lx.words("$ € £ ¥ usd eur gbp dollars euros pounds k$ m$")
_TIME_UNITS: Final = lx.words("ms millisecond milliseconds s sec secs second seconds min mins minute minutes h hr hrs hour hours d day days "
    "week weeks wk month months year years")
_RATING_UNITS: Final = lx.words("pts point points stars star rating score x nps")
_COMPOUND_HEADS: Final = lx.METRIC_NOUNS | lx.words("volume duration success quality completion frequency coverage")
_RELATIVE_WORDS: Final = lx.words("double triple quadruple halve doubling tripling halving")


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


class Quantity(NamedTuple):
    """One meaningful number of a key result and what it counts."""

    raw: str
    unit: str | None
    noun: str | None  # the noun it counts, lower-case, e.g. "posts"
    in_object: bool  # sits in the lead verb's object slot
    outcome: bool  # counts a result (users, money, time, quality, a share outside the object slot)
    output: bool  # counts the team's own work products (posts, hires, events)


class Reading:
    """The structure of one key result's text, as the rules use it.

    (A plain class with ``__slots__``, not a dataclass: defining dataclasses costs milliseconds at import, and
    ``okr review`` must start fast.)
    """

    __slots__ = ("_starts", "completed_verb", "completion", "head", "lead", "lead_index", "lower", "participation",
                 "placeholder", "quantities", "relative_word", "slot", "slot_end", "subject_output", "text",
                 "words", "wordset")

    def __init__(self, text: str, lower: str, words: list[str], *, placeholder: bool = False) -> None:
        self.text = text
        self.lower = lower
        self.words = words
        self.wordset = frozenset(words)
        self.placeholder = placeholder
        self.relative_word = not self.wordset.isdisjoint(_RELATIVE_WORDS)  # double, triple, halve
        self.lead: str | None = None  # base form of the lead verb
        self.lead_index = -1
        self.slot_end = -1  # index of the first word after the object slot
        self.slot: list[str] = []  # words of the object slot, numbers excluded
        self.head: str | None = None  # the object slot's head noun
        self.quantities: list[Quantity] = []
        self.participation = False  # subject is a share or count of a population
        self.subject_output = False  # subject counts work products ("12 posts published")
        self.completion = False  # a state phrase or a completed participle ("app launched", "is live")
        self.completed_verb: str | None = None  # base form of that participle ("launch")
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Where each of ``words`` starts in ``lower``."""
        if self._starts is None:
            self._starts = _starts(self.lower, self.words)
        return self._starts

    @property
    def written(self) -> str:
        """The text ``starts`` index: as written, or lower-case where lower-casing changed its length."""
        return self.text if len(self.text) == len(self.lower) else self.lower

    @property
    def has_outcome_measure(self) -> bool:
        return any(q.outcome for q in self.quantities)

    @property
    def numbered(self) -> bool:
        return bool(self.quantities)

    @property
    def object_is_output(self) -> bool:
        """A quantity verb applied to work products: "Increase the number of blog posts".

        Sessions of a site or an app ("organic sessions", "app sessions") are visits, not events the team runs.
        """
        head = self.head
        if self.lead not in lx.QUANTITY_VERBS or head is None or head not in lx.OUTPUT_NOUNS:
            return False
        slot = self.slot
        return not (head in lx.SESSION_NOUNS and len(slot) > 1 and slot[-1] == head and slot[-2] in lx.USAGE_WORDS)

    @property
    def attends_training(self) -> bool:
        """People attend or complete a training ("80% of managers attend the coaching workshop", "Complete security
        training for 80% of engineers"): attendance is the team's output, not the change the training is for."""
        return self.training_phrase is not None

    @property
    def training_phrase(self) -> str | None:
        """The training attended or completed, as written ("the coaching workshop"), or None."""
        words = self.words
        for i, w in enumerate(words):
            if w in lx.ATTEND_WORDS:
                for j in range(i + 1, min(i + 6, len(words))):
                    x = words[j]
                    if x in lx.TRAINING_NOUNS:
                        starts = self.starts
                        return self.written[starts[i + 1] : starts[j] + len(x)]
                    if x in _SLOT_STOPS:
                        break
        return None

    @property
    def names_metric(self) -> bool:
        """A measure ("conversion") or a count a quantity verb moves ("Get more customers")."""
        if not self.wordset.isdisjoint(lx.MEASURE_NOUNS):
            return True
        return self.lead in lx.OUTCOME_VERBS and not self.wordset.isdisjoint(lx.COUNT_NOUNS)

    @property
    def slot_text(self) -> str:
        """The object slot as written, numbers included ("12 blog posts")."""
        if self.lead is None:
            return ""
        source = self.written
        spans = self.starts
        begin = spans[self.lead_index + 1] if self.lead_index + 1 < len(spans) else len(source)
        stop = spans[self.slot_end] if self.slot_end < len(spans) else len(source)
        return source[begin:stop].strip()

    def has_vague_word(self) -> str | None:
        found = self.wordset & lx.VAGUE_WORDS
        if found:
            return next(w for w in self.words if w in found)
        for phrase in lx.VAGUE_PHRASES:
            if phrase in self.lower:
                return phrase
        return None

    def verb_direction(self) -> Direction | None:
        if self.lead in lx.INCREASE_VERBS:
            return _INCREASE
        if self.lead in lx.DECREASE_VERBS:
            return _DECREASE
        return None


_INCREASE: Final = Direction.INCREASE
_DECREASE: Final = Direction.DECREASE
_TOKEN_RE: Final = re.compile(r"[a-z][a-z0-9'&]*(?:-[a-z0-9]+)*|[$€£]?\d[\d,.]*[%kmb]?")


def _starts(lower: str, words: list[str]) -> list[int]:
    """The offset of each ``_TOKEN_RE`` match ``words`` in ``lower``, found without matching again.

    Every character that can begin a word (a letter, a digit, a currency sign before a digit) begins a match, so
    no word can occur between the end of one match and the start of the next: the first occurrence after the
    previous word is the word.
    """
    out: list[int] = []
    find = lower.find
    pos = 0
    for w in words:
        pos = find(w, pos)
        out.append(pos)
        pos += len(w)
    return out
_ARTICLES: Final = lx.words("the a an our all new")


def is_name_number(text: str, start: int) -> bool:
    """True when the number at ``start`` is part of a name: SOC 2, ISO 27001, v2, p95, #1, region 3."""
    if start == 0:
        return False
    before = text[start - 1]
    if before.isalpha() or before in "#/":
        return True
    if before == "-" and start > 1 and text[start - 2].isalpha():
        return True
    window = text[max(0, start - 24) : start].rstrip()
    word = window[window.rfind(" ") + 1 :].strip("(").lower()
    if word in ("no.", "number") and text.startswith("1", start) and not text[start + 1 : start + 2].isdigit():
        return True
    return word in lx.NAME_PREFIXES


def meaningful(text: str, mentions: Sequence[MentionLike]) -> list[MentionLike]:
    """The mentions that are quantities, not parts of names."""
    return [m for m in mentions if not is_name_number(text, m.start)]


_PHRASE_SKIP: Final = lx.words("of the our new all a an their its")
_PHRASE_STOPS: Final = _SLOT_STOPS | lx.words("each every total more less")


def _counted_noun(words: list[str], index: int) -> str | None:
    """The noun a number at word ``index`` counts: the head (last word) of the noun phrase that follows it.

    "2 account executives" -> "executives", "500 qualified leads" -> "leads", "80% of engineers complete" ->
    "engineers" (a verb ends the phrase unless it is also a listed noun, as "interviews" is).
    """
    phrase: list[str] = []
    for w in words[index + 1 : index + 7]:
        if not phrase and w in _PHRASE_SKIP:
            continue
        if not w[0].isalpha() or w in _PHRASE_STOPS or len(phrase) == 4:
            break
        listed = w in lx.OUTPUT_NOUNS or w in lx.OUTCOME_NOUNS
        if not listed and phrase and w in lx.VERB_FORMS:
            break
        phrase.append(w)
    return phrase[-1] if phrase else None


def _head(slot: list[str]) -> str | None:
    """The head noun of an object slot: its last word that is not a trailing participle ("posts published").

    A plural that is also a verb's -s form is a noun here: "quarterly business reviews".
    """
    for w in reversed(slot):
        if w in lx.OUTPUT_NOUNS or w in lx.OUTCOME_NOUNS or w not in lx.VERB_FORMS:
            return w
        if w[-1] == "s" and lx.VERB_FORMS[w] != w:
            return w
    return slot[-1] if slot else None


def read(text: str, mentions: Sequence[MentionLike], *, placeholder: bool = False) -> Reading:
    """Read ``text`` (a key result without its list label).

    ``mentions`` are the parser's numbers in it that are quantities (see ``meaningful``).
    """
    lower = text.lower()
    words: list[str] = _TOKEN_RE.findall(lower)
    r = Reading(text, lower, words, placeholder=placeholder)
    _find_lead(r)
    if r.lead is not None:
        end = len(words)
        for j in range(r.lead_index + 1, len(words)):
            if words[j] in _SLOT_STOPS:
                end = j
                break
        r.slot_end = end
        r.slot = [w for w in words[r.lead_index + 1 : end] if w[0].isalpha()]
        r.head = _head(r.slot)
    if mentions:
        starts = r.starts
        last = len(words) - 1
        lead, lead_index, slot_end = r.lead, r.lead_index, r.slot_end
        append = r.quantities.append
        for m in mentions:
            idx = bisect_left(starts, m.start)
            if idx > last:
                idx = last
            unit = m.unit
            unit = unit.lower() if unit else None
            append(_classify(m.raw, unit, _counted_noun(words, idx), lead_index < idx < slot_end, lead))
    if r.lead is None:
        _read_subject(r)
    return r


def _find_lead(r: Reading) -> None:
    words = r.words
    for i, w in enumerate(words[:8]):
        if w in lx.LEAD_FILLER or (w.endswith("ly") and len(w) > 4 and w not in lx.VERB_FORMS):
            continue
        base = lx.VERB_FORMS.get(w)
        if base is None:
            return
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if base in lx.ACTIVITY_VERBS and base not in lx.OUTCOME_VERBS and nxt in _COMPOUND_HEADS:
            return  # "Test coverage at 80%", "Release frequency": a noun compound, not an imperative
        if w.endswith("ing") and nxt and nxt not in _ARTICLES and not nxt[0].isdigit():
            return  # a gerund used as a noun: "Onboarding completion rate", "Hiring pipeline"
        if (w != base and w.endswith(("ed", "en"))) or w in ("held", "built", "sent", "written", "won", "kept"):
            return  # "Launched the app": a report, read as a state below
        r.lead, r.lead_index = base, i
        return


def _classify(raw: str, unit: str | None, noun: str | None, in_object: bool, lead: str | None) -> Quantity:
    money = unit in _MONEY_UNITS or raw[:1] in "$€£"
    timed = unit in _TIME_UNITS or noun in _TIME_UNITS
    rated = unit in _RATING_UNITS or noun in _RATING_UNITS
    percent = unit == "%" or raw.endswith("%")
    counted = noun or unit
    if counted is None:
        outcome_noun = output_noun = False
    else:
        outcome_noun, output_noun = _noun_kinds(counted)
    outcome = money or timed or rated or outcome_noun
    if percent and not in_object and not output_noun:
        outcome = True  # "to 50% of users", "with 95% satisfaction": a share of something that happened
    output = not outcome and (output_noun or in_object)
    if lead in lx.ACTIVITY_VERBS and in_object and (output_noun or (lead in lx.EFFORT_VERBS and not money)):
        outcome, output = False, True  # "Publish 12 posts", "Interview 30 customers": the team's own work
    return _new_tuple(Quantity, (raw, unit, noun, in_object, outcome, output))


_new_tuple: Final = tuple.__new__  # Quantity's own __new__ is a Python function taking keywords: this is its body


@lru_cache(maxsize=1024)
def _noun_kinds(counted: str) -> tuple[bool, bool]:
    """Whether ``counted`` (or its singular) is an outcome noun, and whether it is an output noun."""
    outcome_noun = counted in lx.OUTCOME_NOUNS
    output_noun = counted in lx.OUTPUT_NOUNS
    if not (outcome_noun and output_noun):
        one = lx.singular(counted)
        outcome_noun = outcome_noun or one in lx.OUTCOME_NOUNS
        output_noun = output_noun or one in lx.OUTPUT_NOUNS
    return outcome_noun, output_noun


def _read_subject(r: Reading) -> None:
    """Participation subjects ("80% of engineers complete ...") and completed states ("App launched")."""
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
            if w in lx.POPULATION_NOUNS or w in lx.OUTCOME_NOUNS or f"{w}s" in lx.POPULATION_NOUNS:  # "every manager"
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
