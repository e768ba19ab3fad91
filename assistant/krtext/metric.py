"""The metric of a clause, and the clauses of a key result.

The metric is the noun phrase the numbers measure: the words after the leading verb ("Reduce *churn* from 5%
to 3%"), else the words the target counts ("Generate 500 *qualified leads*"), else the words before the first
number ("*NPS* >= 45"). A key result splits into clauses at "and", "plus", "as well as", ";" and a comma
before a new verb; a part with no metric of its own ("... in EMEA and APAC") stays with the clause before it,
and a guardrail ("while keeping churn below 3%") is read but not counted.
"""

from __future__ import annotations

from typing import Final

from assistant.krtext import lexicon as lx
from assistant.krtext.clauses import Clause, analyse
from assistant.krtext.model import DATE, HOLE, NUM, SYM, UNKNOWN, WORD, Token

_VALUED: Final = (NUM, HOLE, UNKNOWN)
_MAX_WORDS: Final = 8
_PREPOSITIONS: Final = lx.words("in for on at across per within with to by from into")
_GUARDS: Final = frozenset(("while", "whilst", "without", "ensuring", "but"))
_RANKS: Final = frozenset(("top", "bottom", "largest", "biggest", "first", "last"))
_MONEY: Final = frozenset(("USD", "EUR", "GBP", "CHF", "JPY", "INR", "AUD", "CAD"))
_DIRECTED: Final = (lx.INC, lx.DEC, lx.KEEP, lx.MOVE, lx.REACH)
_DIRECTED_OR_DONE: Final = (*_DIRECTED, lx.DONE)
_SHARED_VERBS: Final = (lx.INC, lx.DEC, lx.KEEP, lx.MOVE)
_HEAD_WORDS: Final = frozenset(h[0] for h in lx.COUNT_HEADS)
_STOPS: Final = lx.METRIC_STOPS | frozenset(lx.RELATIVE_WORDS)
_BEFORE_VALUE: Final = lx.words("to by at of than")  # "to 500", "by 40%", "by Q2": the word ends the phrase
_VALUED_OR_DATE: Final = (NUM, HOLE, UNKNOWN, DATE)


class Part:
    """A clause with its metric: ``how`` says where the metric was found (verb, after, before, first)."""

    __slots__ = ("clause", "guard", "how", "metric", "shared")

    def __init__(self, clause: Clause, *, guard: bool = False) -> None:
        self.clause = clause
        self.metric: tuple[int, int] | None = None
        self.how = ""
        self.guard = guard
        self.shared = False  # a bare metric that shares the verb of the clause before it

    @property
    def valued(self) -> bool:
        c = self.clause
        return c.target is not None or c.baseline is not None or c.change is not None or c.factor is not None

    @property
    def counts(self) -> bool:
        """A clause that targets a metric of its own."""
        if self.metric is None or self.guard:
            return False
        if self.shared:
            return True
        if self.how in ("verb", "after", "before"):
            return self.valued or self.clause.verb in _DIRECTED
        return False


def read_parts(tokens: list[Token], *, joins: bool = True, relative: bool = True) -> list[Part]:
    """The clauses of a key result, non-metric fragments merged into their neighbours.

    ``joins`` False says no joining word is written (``Scan.joins``): the whole text is one clause;
    ``relative`` False says no multiplier word is written (``Scan.relative``).
    """
    if not joins:
        return [_part(tokens, 0, len(tokens), False, relative=relative)]
    merged: list[Part] = []
    for lo, hi, guard in _split(tokens):
        prev = merged[-1] if merged else None
        if prev is None or guard or prev.guard or not prev.counts:
            merged.append(_part(tokens, lo, hi, guard, relative=relative))
        elif not _may_share(prev) and _bare(tokens, lo, hi):
            _extend(tokens, prev, hi)  # "... in EMEA and APAC": no number, no verb, no metric of its own
        else:
            part = _part(tokens, lo, hi, guard, relative=relative)
            if part.counts or _shares_verb(tokens, prev, part):
                merged.append(part)
            else:
                merged[-1] = _part(tokens, prev.clause.lo, hi, False, fresh=False, relative=relative)
    return merged


def _may_share(prev: Part) -> bool:
    return prev.clause.verb in _SHARED_VERBS and not prev.valued and prev.how == "verb"


def _bare(tokens: list[Token], lo: int, hi: int) -> bool:
    """A fragment without numbers that does not start with a verb."""
    if any(tokens[i].kind in _VALUED for i in range(lo, hi)):
        return False
    first = tokens[lo] if lo < hi else None
    return first is None or first.kind != WORD or lx.verb_class(first.low, None) is None


def _extend(tokens: list[Token], part: Part, hi: int) -> None:
    """Let ``part`` run to ``hi`` and read its metric again."""
    part.clause.hi = hi
    _set_metric(part, metric_span(tokens, part.clause))


def _shares_verb(tokens: list[Token], prev: Part, part: Part) -> bool:
    """'Grow revenue and margin': a bare noun after a verb clause without numbers is a second metric."""
    if not _may_share(prev):
        return False
    if part.clause.verb is not None or part.valued or part.metric is None or part.how != "first":
        return False
    lo, hi = prev.metric or (0, 0)
    if any(tokens[i].low in _PREPOSITIONS for i in range(lo, hi)):
        return False  # "revenue in EMEA and APAC": one metric, two regions
    start, end = part.metric
    if end - start > 4:
        return False
    part.shared = True
    return True


def _part(
    tokens: list[Token], lo: int, hi: int, guard: bool, *, fresh: bool = True, relative: bool = True
) -> Part:
    clause = analyse(tokens, lo, hi, fresh=fresh, relative=relative)
    part = Part(clause, guard=guard)
    _set_metric(part, metric_span(tokens, clause))
    return part


def _set_metric(part: Part, found: tuple[int, int, str] | None) -> None:
    part.metric, part.how = ((found[0], found[1]), found[2]) if found is not None else (None, "")


def _split(tokens: list[Token]) -> list[tuple[int, int, bool]]:
    """Clause bounds ``(lo, hi, guard)``; the joining tokens themselves are left out."""
    out: list[tuple[int, int, bool]] = []
    lo, guard, i, n = 0, False, 0, len(tokens)
    while i < n:
        width, starts_guard = _joiner(tokens, i, lo)
        if width:
            if i > lo:
                out.append((lo, i, guard))
            lo, guard = i + width, starts_guard
            i += width
        else:
            i += 1
    if lo < n or not out:
        out.append((lo, n, guard))
    return out


def _joiner(tokens: list[Token], i: int, lo: int) -> tuple[int, bool]:
    """How many tokens at ``i`` join two clauses (0 for none), and whether the next clause is a guardrail."""
    tok = tokens[i]
    low = tok.low
    if tok.kind == SYM:
        if low == ";":
            return 1, False
        if low == "&":
            return (1, False) if _joins(tokens, i, lo) else (0, False)
        if low != "," or i + 1 >= len(tokens) or tokens[i + 1].kind != WORD:
            return 0, False
        nxt = tokens[i + 1].low
        if nxt in _GUARDS:
            return 2, True  # ", while keeping churn below 3%"
        if nxt in ("and", "plus"):
            return (2, False) if _joins(tokens, i + 1, lo) else (0, False)
        if lx.verb_class(nxt, None) in _DIRECTED_OR_DONE:
            return 1, False  # "Increase signups to 500, reduce churn to 3%"
        return 0, False
    if tok.kind != WORD:
        return 0, False
    if low in _GUARDS:
        return (1, True) if i > lo else (0, False)
    if low in ("and", "plus"):
        return (1, False) if _joins(tokens, i, lo) else (0, False)
    if low == "as" and i + 2 < len(tokens) and tokens[i + 1].low == "well" and tokens[i + 2].low == "as":
        return 3, False
    return 0, False


def _joins(tokens: list[Token], i: int, lo: int) -> bool:
    """Whether the 'and' at ``i`` joins two results rather than two numbers or a fixed noun pair."""
    if i == lo or i + 1 >= len(tokens):
        return False
    prev, nxt = tokens[i - 1], tokens[i + 1]
    if prev.kind in _VALUED and nxt.kind in _VALUED:
        return False  # "between 3 and 5"
    if any(t.low == "between" for t in tokens[max(lo, i - 4) : i]):
        return False
    if (
        i - lo <= 2
        and prev.kind == WORD
        and nxt.kind == WORD
        and lx.verb_class(prev.low, None) is not None
        and lx.verb_class(nxt.low, None) is not None
    ):
        return False  # "Hire and onboard 5 engineers": two verbs, one action
    return (prev.low, nxt.low) not in lx.NOUN_PAIRS


def metric_span(tokens: list[Token], clause: Clause) -> tuple[int, int, str] | None:
    """``(start, end, how)`` token indexes of the clause's metric phrase, or None."""
    lo, hi = clause.lo, clause.hi
    first_valued = hi
    for i in range(lo, hi):
        if tokens[i].kind in _VALUED:
            first_valued = i
            break
    if clause.verb is not None and clause.verb_end < hi:
        if clause.verb in (lx.DONE, lx.REACH) and first_valued == hi:
            return None  # a deliverable ("Launch the app", "Achieve SOC 2"), not a metric
        # The words after the verb: the run that starts at verb_end, when there is one. The verb's last word
        # always ends a run, so this is the run of the whole clause's runs that starts there; most metrics are
        # found here, without reading the rest of the clause into runs.
        for start, end in _runs(tokens, clause, clause.verb_end, first=True):
            trimmed = _trim(tokens, start, end, "verb")
            if trimmed is not None:
                return (*trimmed, "verb")
    runs = _runs(tokens, clause)
    subject = None
    before = [run for run in runs if run[1] <= first_valued]
    if before and first_valued < hi:
        subject = _trim(tokens, *before[-1], "before")
        if subject is not None and clause.verb is None and before[-1][0] == runs[0][0] == lo:
            return (*subject, "before")  # "Support tickets from 120 to 80 per week"
    after = _after_number(tokens, clause, runs, first_valued)
    if after is not None:
        return (*after, "after")
    if subject is not None:
        return (*subject, "before")
    for start, end in runs:
        if tokens[start].low in _PREPOSITIONS:
            continue  # "per week" names no metric
        trimmed = _trim(tokens, start, end, "first")
        if trimmed is not None:
            return (*trimmed, "first")
    return None


def _after_number(
    tokens: list[Token], clause: Clause, runs: list[tuple[int, int]], first_valued: int
) -> tuple[int, int] | None:
    """The words the target counts: "500 *qualified leads*", "90% of *tickets*", "3 of 5 *pilots*"."""
    lo, hi = clause.lo, clause.hi
    anchor = clause.target or clause.change
    t = _index(tokens, anchor, lo, hi) if anchor is not None else first_valued
    if t >= hi:
        return None
    start = t + 1
    if start < hi and tokens[start].low == "in" and tokens[t].unit in _MONEY:
        start += 1  # "Close $1.5M in new enterprise bookings"
    if start < hi and tokens[start].low == "of":
        start += 1
        if start < hi and tokens[start].kind == NUM and tokens[start].role == "other":
            start += 1  # "3 of 5 enterprise pilots"
    if start >= hi or tokens[start].low in _PREPOSITIONS:
        return None
    for run_start, run_end in runs:
        if run_start <= start < run_end:
            return _trim(tokens, start, run_end, "after")
    return None


def _index(tokens: list[Token], tok: Token, lo: int, hi: int) -> int:
    for i in range(lo, hi):
        if tokens[i] is tok:
            return i
    return lo


def _runs(tokens: list[Token], clause: Clause, begin: int | None = None, *, first: bool = False
          ) -> list[tuple[int, int]]:
    """Maximal stretches of the clause that can be part of a metric phrase.

    ``begin``: read from this token on rather than from the clause's start. ``first``: stop at the first token
    that ends a run: the one run that starts at ``begin``, or none when that token cannot be part of a phrase.
    """
    runs: list[tuple[int, int]] = []
    start = -1
    lo, hi, verb_end = clause.lo, clause.hi, clause.verb_end
    for i in range(lo if begin is None else begin, hi):
        tok = tokens[i]
        kind = tok.kind
        if kind == WORD:
            if not tok.used and i >= verb_end:
                low = tok.low
                if low not in _STOPS and (
                    low not in _BEFORE_VALUE or i + 1 >= hi or tokens[i + 1].kind not in _VALUED_OR_DATE
                ):
                    if start < 0:
                        start = i
                    continue
        elif kind == NUM:
            # "share of wallet with top 20 accounts": a rank stays in the phrase
            if tok.role == "other" and i > lo and tokens[i - 1].low in _RANKS:
                if start < 0:
                    start = i
                continue
        elif (kind == SYM and tok.low in ("/", "&") and lo < i < hi - 1 and tokens[i - 1].kind == WORD
              and tokens[i + 1].kind == WORD):
            if start < 0:
                start = i
            continue
        if start >= 0:  # the token breaks the run
            runs.append((start, i))
            start = -1
        if first:
            return runs
    if start >= 0:
        runs.append((start, hi))
    return runs


def _trim(tokens: list[Token], start: int, end: int, how: str) -> tuple[int, int] | None:
    while start < end:
        low = tokens[start].low
        if low in lx.EDGE_WORDS:
            start += 1
            continue
        if low not in _HEAD_WORDS:
            break
        head = next((h for h in lx.COUNT_HEADS if _starts_with(tokens, start, end, h)), None)
        if head is None:
            break
        start += len(head)
    end = min(end, start + _MAX_WORDS)
    while end > start:
        low = tokens[end - 1].low
        if low in lx.EDGE_WORDS or tokens[end - 1].kind == SYM:
            end -= 1
        elif how == "before" and end - 1 > start and low.endswith("ed") and low in lx.VERB_CLASS:
            end -= 1  # "Churn reduced from 5% to 3%"
        else:
            break
    return (start, end) if end > start else None


def _starts_with(tokens: list[Token], start: int, end: int, words: tuple[str, ...]) -> bool:
    if start + len(words) > end:
        return False
    return all(tokens[start + k].low == w for k, w in enumerate(words))
