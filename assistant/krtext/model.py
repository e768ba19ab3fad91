"""What the KR parser reads (``Token``) and what it returns (``NumberMention``, ``KRFacts``)."""

from __future__ import annotations

from typing import Final

from assistant.okr import Direction, NumberRole


class _Record:
    """Equal to another of its class with the same fields, as a dataclass is: ``_fields`` lists them in order."""

    __slots__ = ()

    def _fields(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Record)
        return self._fields() == other._fields()


class NumberMention(_Record):
    """A quantity written in a text.

    ``raw`` is the mention as written, currency sign, scale and unit included ("$2M", "1.5%", "200 ms");
    ``start``/``end`` are its offsets in the text; ``value`` is normalised ("10k" -> 10000.0,
    "$2M" -> 2000000.0, "1,200" -> 1200.0, "4.5/5" -> 4.5). Dates, years, quarters, deadline durations and
    list ordinals are never mentions.

    A value: equal to another with the same fields, hashable, and not to be changed. Written out rather than a
    frozen dataclass, whose generated methods stay interpreted in the compiled build (``assistant.native``).
    """

    __slots__ = ("end", "raw", "role", "start", "unit", "value")

    def __init__(self, value: float, raw: str, start: int, end: int, role: NumberRole = NumberRole.OTHER,
                 unit: str | None = None) -> None:
        self.value = value
        self.raw = raw
        self.start = start
        self.end = end
        self.role = role
        self.unit = unit

    def _fields(self) -> tuple[float, str, int, int, NumberRole, str | None]:
        return self.value, self.raw, self.start, self.end, self.role, self.unit

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"NumberMention(value={self.value!r}, raw={self.raw!r}, start={self.start!r}, end={self.end!r}, "
                f"role={self.role!r}, unit={self.unit!r})")


class KRFacts(_Record):
    """What one key result's text says.

    ``target`` is absolute when the text gives it or when a change can be applied to the baseline
    ("double" from 400 -> 800.0). When the target is written only as a change and no baseline is known
    ("grow ARR 30%", "double signups"), ``relative`` is True and ``target``/``unit`` hold the change itself
    (30.0 "%", 2.0 "x"; halve is 0.5 "x"). ``comparator`` applies to the target (``"<"``, ``"<="``, ``">"``,
    ``">="``, ``"="``). ``due`` is an ISO date when it can be resolved, else a period label ("2027-Q2",
    "end of Q2", "90 days"). ``metric_count`` is how many distinct metrics the text targets; the other
    fields describe the first of them. Equal to another with the same fields, and not hashable (it can change).
    """

    __slots__ = ("baseline", "comparator", "direction", "due", "metric", "metric_count", "numbers", "placeholder",
                 "relative", "target", "unit")

    def __init__(self, metric: str | None = None, direction: Direction | None = None, baseline: float | None = None,
                 target: float | None = None, unit: str | None = None, due: str | None = None,
                 numbers: list[NumberMention] | None = None, placeholder: bool = False, relative: bool = False,
                 comparator: str | None = None, metric_count: int = 0) -> None:
        self.metric = metric
        self.direction = direction
        self.baseline = baseline
        self.target = target
        self.unit = unit
        self.due = due
        self.numbers: list[NumberMention] = [] if numbers is None else numbers
        self.placeholder = placeholder
        self.relative = relative
        self.comparator = comparator
        self.metric_count = metric_count

    def _fields(self) -> tuple[object, ...]:
        return (self.metric, self.direction, self.baseline, self.target, self.unit, self.due, self.numbers,
                self.placeholder, self.relative, self.comparator, self.metric_count)

    def __repr__(self) -> str:
        return (f"KRFacts(metric={self.metric!r}, direction={self.direction!r}, baseline={self.baseline!r}, "
                f"target={self.target!r}, unit={self.unit!r}, due={self.due!r}, numbers={self.numbers!r}, "
                f"placeholder={self.placeholder!r}, relative={self.relative!r}, comparator={self.comparator!r}, "
                f"metric_count={self.metric_count!r})")


# Token kinds
NUM: Final = "n"  # a quantity
HOLE: Final = "p"  # a placeholder: X%, TBD, [target]
UNKNOWN: Final = "u"  # "a baseline to be established": a value the text says is not known yet
WORD: Final = "w"
SYM: Final = "s"
DATE: Final = "d"
YEAR: Final = "year?"  # provisional unit of a bare 19xx/20xx until its neighbours decide


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
