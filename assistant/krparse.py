"""Understanding a key result's text: metric, direction, baseline, target, unit, due date and its numbers.

    >>> facts = parse_kr_text("Reduce churn from 5% to 3% by end of Q2", period="2027-Q2")
    >>> facts.metric, facts.direction.value, facts.baseline, facts.target, facts.unit, facts.due
    ('churn', 'decrease', 5.0, 3.0, '%', '2027-06-30')

Pure string work with regular expressions compiled at import: deterministic, no model, no network, and cheap
enough to run on every key result of a review. The reading is done in ``assistant.krtext``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from assistant.krtext import lexicon as lx
from assistant.krtext.clauses import BASELINE, CHANGE, TARGET, Clause, direction
from assistant.krtext.metric import Part, read_parts
from assistant.krtext.model import NUM, KRFacts, NumberMention, Token
from assistant.krtext.patterns import LazyPattern
from assistant.krtext.periods import Period, parse_period
from assistant.krtext.quantities import NUMBER_WORDS
from assistant.krtext.tokens import tokenize
from assistant.okr import Direction, KeyResult, NumberRole

__all__ = ["KRFacts", "NumberMention", "enrich_key_result", "numbers_in", "parse_kr_text"]

_DIRECTIONS: Final = {lx.INC: Direction.INCREASE, lx.DEC: Direction.DECREASE, lx.KEEP: Direction.MAINTAIN,
                      lx.DONE: Direction.ACHIEVE}
_ROLES: Final = {BASELINE: NumberRole.BASELINE, TARGET: NumberRole.TARGET, CHANGE: NumberRole.TARGET}
_OTHER: Final = NumberRole.OTHER
_MEMO_MAX_CHARS: Final = 2000  # longer texts are read every time rather than kept


def parse_kr_text(text: str, *, period: str | None = None) -> KRFacts:
    """Read what a key result's text says.

    Args:
        text: one key result as written, a list label ("1.", "KR2:") allowed.
        period: the OKR period ("2027-Q2", "FY2027", "2027-H1"); relative deadlines such as "by end of Q2"
            resolve against it to ISO dates.

    Returns:
        ``KRFacts``; fields the text does not give are None (``metric_count`` 0 when there is no metric).
        Reading is memoised on ``(text, period)``; each call returns its own ``KRFacts`` and ``numbers`` list.
    """
    if len(text) <= _MEMO_MAX_CHARS:
        facts = _read_cached(text, period)
    else:
        facts = read_kr_text(text, parse_period(period))
    return KRFacts(
        metric=facts.metric, direction=facts.direction, baseline=facts.baseline, target=facts.target,
        unit=facts.unit, due=facts.due, numbers=list(facts.numbers), placeholder=facts.placeholder,
        relative=facts.relative, comparator=facts.comparator, metric_count=facts.metric_count,
    )


def shared_facts(text: str, period: str | None) -> KRFacts:
    """``parse_kr_text`` without the copy: the memoised ``KRFacts`` itself, which the caller must not change.

    For readers that only look (the reviewer reads every key result once per review).
    """
    if len(text) <= _MEMO_MAX_CHARS:
        return _read_cached(text, period)
    return read_kr_text(text, parse_period(period))


@lru_cache(maxsize=4096)
def _read_cached(text: str, period: str | None) -> KRFacts:
    return read_kr_text(text, parse_period(period))


def read_kr_text(text: str, period: Period | None) -> KRFacts:
    """``parse_kr_text`` without the memo: the reading itself."""
    scan = tokenize(text, period)
    tokens = scan.tokens
    if not tokens:
        return KRFacts(due=scan.due, placeholder=scan.holes)
    parts = read_parts(tokens, joins=scan.joins, relative=scan.relative)
    counted = [p for p in parts if p.counts]
    primary = _primary(parts, counted)
    clause = primary.clause
    if clause.verb is None and primary is not parts[0]:
        # "Reduce p95 and p99 latency to 200 ms": the verb of the clause before carries over
        index = parts.index(primary)
        clause.verb = next((p.clause.verb for p in reversed(parts[:index]) if p.clause.verb), None)
    metric = None
    metric_words: list[str] = []
    if primary.metric is not None:
        start, end = primary.metric
        metric = text[tokens[start].start : tokens[end - 1].end]
        metric_words = [tokens[i].low for i in range(start, end)]
    cls = direction(tokens, clause, metric_words)
    baseline = clause.baseline_value()
    target, unit, relative = _target(clause, cls, baseline)
    if len(counted) > 1:
        metric_count = len({text[tokens[p.metric[0]].start : tokens[p.metric[1] - 1].end].lower()
                            for p in counted if p.metric is not None})
    else:
        metric_count = 1 if counted or metric is not None else 0
    return KRFacts(
        metric=metric,
        direction=_DIRECTIONS.get(cls) if cls else None,
        baseline=baseline,
        target=target,
        unit=unit,
        due=scan.due,
        numbers=[NumberMention(t.value if t.value is not None else 0.0, t.low, t.start, t.end,
                               _ROLES.get(t.role or "", _OTHER), t.unit)
                 for t in tokens if t.kind == NUM] if scan.numbers else [],
        placeholder=scan.holes,
        relative=relative,
        comparator=clause.comparator,
        metric_count=metric_count,
    )


def numbers_in(text: str) -> list[NumberMention]:
    """The quantities written in ``text`` (any length), in order, all with role OTHER.

    Dates, years, quarters, deadline durations ("within 90 days"), list labels and numbers that are parts of
    names ("SOC 2", "p95", "Tier 1") are left out. ``parse_kr_text(text).numbers`` gives the same mentions
    with their roles.
    """
    if _DIGIT.search(text) is None and _NUMBER_WORD_SET.isdisjoint(_LETTER_RUN.findall(text.lower())):
        return []  # most objective titles: no digit and no number word, so nothing to tokenize
    return [NumberMention(t.value or 0.0, t.low, t.start, t.end, NumberRole.OTHER, t.unit)
            for t in tokenize(text).tokens if t.kind == NUM]


# Every quantity the tokenizer reads starts at a digit or is a number word ("twenty", "twenty-five"), and a
# word the tokenizer reads always begins and ends at a non-letter: a text with no digit and no letter run
# that is a number word has no quantity.
_DIGIT: Final = LazyPattern(r"\d")
_LETTER_RUN: Final = LazyPattern(r"[^\W\d_]+")
_NUMBER_WORD_SET: Final = frozenset(NUMBER_WORDS)


def enrich_key_result(kr: KeyResult, *, period: str | None = None) -> KeyResult:
    """A copy of ``kr`` with its empty structured fields filled from its text; given values are kept.

    A target written only as a change with no baseline to apply it to ("grow ARR 30%") is not copied:
    ``KeyResult.target`` is an absolute value.
    """
    facts = parse_kr_text(kr.text, period=period)
    update: dict[str, object] = {}
    if kr.metric is None and facts.metric is not None:
        update["metric"] = facts.metric
    if kr.direction is None and facts.direction is not None:
        update["direction"] = facts.direction
    if kr.baseline is None and facts.baseline is not None:
        update["baseline"] = facts.baseline
    if not facts.relative:
        if kr.target is None and facts.target is not None:
            update["target"] = facts.target
        if kr.unit is None and facts.unit is not None:
            update["unit"] = facts.unit
    if kr.due is None and facts.due is not None:
        update["due"] = facts.due
    return kr.model_copy(update=update, deep=True) if update else kr.model_copy(deep=True)


def _primary(parts: list[Part], counted: list[Part]) -> Part:
    for part in counted:
        if part.clause.target is not None or part.clause.change is not None or part.clause.factor is not None:
            return part
    if counted:
        return counted[0]
    return next((p for p in parts if not p.guard), parts[0])


def _value(tok: Token | None) -> float | None:
    return tok.value if tok is not None and tok.kind == NUM else None


def _target(clause: Clause, cls: str | None, baseline: float | None) -> tuple[float | None, str | None, bool]:
    """``(target, unit, relative)``: an absolute target when one is written or can be computed."""
    base_unit = clause.baseline.unit if clause.baseline is not None else None
    if clause.target is not None:
        unit = clause.target.unit or base_unit
        return _value(clause.target), unit, False
    change = clause.change
    if change is not None:
        amount = _value(change)
        if amount is None:
            return None, None, True
        if baseline is not None and cls in (lx.INC, lx.DEC):
            return _apply(baseline, amount, change.unit, cls), base_unit or _unit_of(change), False
        return amount, change.unit, True
    if clause.factor is not None:
        if baseline is not None:
            return round(baseline * clause.factor, 9), base_unit, False
        return clause.factor, "x", True
    return None, base_unit, False


def _apply(baseline: float, amount: float, unit: str | None, cls: str) -> float:
    """``baseline`` moved by ``amount``: "x" multiplies (or divides for a decrease), "%" is relative to the
    baseline, anything else ("pp", "points", the baseline's own unit) adds or subtracts."""
    sign = 1.0 if cls == lx.INC else -1.0
    if unit == "x":
        result = baseline * amount if cls == lx.INC or amount < 1 else baseline / amount
    elif unit == "%":
        result = baseline * (1 + sign * amount / 100)
    else:
        result = baseline + sign * amount
    return round(result, 9)


def _unit_of(change: Token) -> str | None:
    return None if change.unit in ("x", "%", "pp") else change.unit
