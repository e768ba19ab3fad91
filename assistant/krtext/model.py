"""What the KR parser reads (``Token``) and what it returns (``NumberMention``, ``KRFacts``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.okr import Direction, NumberRole


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A quantity written in a text.

    ``raw`` is the mention as written, currency sign, scale and unit included ("$2M", "1.5%", "200 ms");
    ``start``/``end`` are its offsets in the text; ``value`` is normalised ("10k" -> 10000.0,
    "$2M" -> 2000000.0, "1,200" -> 1200.0, "4.5/5" -> 4.5). Dates, years, quarters, deadline durations and
    list ordinals are never mentions.
    """

    value: float
    raw: str
    start: int
    end: int
    role: NumberRole = NumberRole.OTHER
    unit: str | None = None


@dataclass(slots=True)
class KRFacts:
    """What one key result's text says.

    ``target`` is absolute when the text gives it or when a change can be applied to the baseline
    ("double" from 400 -> 800.0). When the target is written only as a change and no baseline is known
    ("grow ARR 30%", "double signups"), ``relative`` is True and ``target``/``unit`` hold the change itself
    (30.0 "%", 2.0 "x"; halve is 0.5 "x"). ``comparator`` applies to the target (``"<"``, ``"<="``, ``">"``,
    ``">="``, ``"="``). ``due`` is an ISO date when it can be resolved, else a period label ("2027-Q2",
    "end of Q2", "90 days"). ``metric_count`` is how many distinct metrics the text targets; the other
    fields describe the first of them.
    """

    metric: str | None = None
    direction: Direction | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str | None = None
    due: str | None = None
    numbers: list[NumberMention] = field(default_factory=list)
    placeholder: bool = False
    relative: bool = False
    comparator: str | None = None
    metric_count: int = 0


# Token kinds
NUM = "n"  # a quantity
HOLE = "p"  # a placeholder: X%, TBD, [target]
UNKNOWN = "u"  # "a baseline to be established": a value the text says is not known yet
WORD = "w"
SYM = "s"
DATE = "d"
YEAR = "year?"  # provisional unit of a bare 19xx/20xx until its neighbours decide


class Token:
    """A piece of the text: ``kind`` is one of NUM, HOLE, UNKNOWN, WORD, SYM, DATE."""

    __slots__ = ("cmp", "end", "kind", "low", "role", "start", "unit", "used", "value")

    def __init__(self, kind: str, start: int, end: int, low: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.low = low  # lower-case text for words and symbols, the raw text for numbers, the due for dates
        # value, unit (of a number); cmp: written on the number ("500+" -> ">=", "sub-200ms" -> "<"); role: for
        # NUM/HOLE/UNKNOWN, "baseline", "target", "change" or "other". One chained store: a token is made for
        # every word of every key result.
        self.value: float | None
        self.unit: str | None
        self.cmp: str | None
        self.role: str | None
        self.value = self.unit = self.cmp = self.role = None
        self.used = False  # for words: spent as a marker of a number ("to", "at least", "or more")

    def __repr__(self) -> str:
        extra = f" {self.value} {self.unit}" if self.kind == NUM else ""
        return f"<{self.kind} {self.low!r}{extra}>"
