"""One clause of a key result: its leading verb, the role of each number, the direction and the comparator.

A clause is the stretch of a key result that targets one metric ("increase signups to 500" and "reduce churn
to 3%" are two). Roles come from the words around a number: "from 5%" is a baseline, "to 3%" a target,
"below 3%" a target with comparator "<", "by 40%" a change. A number nothing marks becomes the target when
the clause has none ("Generate 500 qualified leads").
"""

from __future__ import annotations

from typing import Final

from assistant.krtext import lexicon as lx
from assistant.krtext.model import DATE, HOLE, NUM, SYM, UNKNOWN, WORD, Token
from assistant.krtext.quantities import in_unit

BASELINE: Final = "baseline"
TARGET: Final = "target"
CHANGE: Final = "change"
OTHER: Final = "other"

_VALUED: Final = (NUM, HOLE, UNKNOWN)
_ARROWS: Final = frozenset(("to", "→", "->", "-->", "⇒", "~"))
_TARGET_WORDS: Final = frozenset(("target", "goal", "aim", "targeting", "targetting"))
_LINKS: Final = frozenset(("of", ":", "is", "at", "=", "of:"))
_SKIPPED: Final = frozenset(("(", ")", ":"))
_WINDOW_WORDS: Final = frozenset(("within", "in", "under"))
_DURATIONS: Final = frozenset(("min", "h", "days", "weeks", "months"))


class Clause:
    """What one clause says; ``lo``/``hi`` index the clause's tokens in the text's token list."""

    __slots__ = ("baseline", "change", "change_direction", "comparator", "factor", "hi", "lo", "target", "verb",
                 "verb_end")

    def __init__(self, lo: int, hi: int) -> None:
        self.lo = lo
        self.hi = hi
        self.verb: str | None = None  # a lexicon verb class
        self.verb_end = -1  # index after the leading verb (and its particle)
        self.baseline: Token | None = None
        self.target: Token | None = None
        self.change: Token | None = None
        self.change_direction: str | None = None
        self.comparator: str | None = None
        self.factor: float | None = None  # double, halve, in half

    def baseline_value(self) -> float | None:
        """The baseline's number, in the target's unit when both are times or both sizes ("from 1.2s to 400ms":
        1200); None when no number is the baseline (only numbers carry a value)."""
        base = self.baseline
        if base is None or base.value is None:
            return None
        return in_unit(base.value, base.unit, self.target.unit) if self.target is not None else base.value


def analyse(tokens: list[Token], lo: int, hi: int, *, fresh: bool = True, relative: bool = True) -> Clause:
    """Read tokens ``lo``..``hi``: leading verb, roles of the numbers (set on the tokens), comparator, factor.

    ``fresh`` False re-reads tokens an earlier reading marked (clauses merged after a first reading);
    ``relative`` False skips looking for multiplier words (the tokenizer saw none).
    """
    clause = Clause(lo, hi)
    if not fresh:
        for tok in tokens[lo:hi]:
            tok.role = None
            tok.used = False
    _leading_verb(tokens, clause)
    if relative:
        _factor(tokens, clause)
    pending: list[int] = []
    for i in range(lo, hi):
        tok = tokens[i]
        if tok.kind in _VALUED and tok.role is None:
            _role(tokens, i, clause, pending)
    _settle(tokens, clause, pending)
    return clause


def _leading_verb(tokens: list[Token], clause: Clause) -> None:
    """The verb the clause starts with ("Reduce", "We will increase", "Bring ... down"), if it is one."""
    for i in range(clause.lo, min(clause.hi, clause.lo + 6)):
        tok = tokens[i]
        if tok.kind != WORD:
            if (tok.kind == SYM and tok.low in ("(", "-", "–", "—", ":", ",")) or tok.kind == DATE:
                continue  # "By 2027-03-31, increase NPS ...": a deadline written first
            return
        low = tok.low
        if low in lx.LEAD_FILLER or (low.endswith("ly") and len(low) > 5 and low not in lx.VERB_CLASS):
            continue
        nxt = tokens[i + 1].low if i + 1 < clause.hi and tokens[i + 1].kind == WORD else None
        cls = lx.verb_class(low, nxt)
        if cls is None:
            if _imperative(tokens, i, clause.hi):
                clause.verb, clause.verb_end = lx.ACT, i + 1
            return
        if low.endswith("ing") and (low in lx.NOUN_GERUNDS or cls in (lx.DONE, lx.ACT)):
            return  # "Onboarding time", "Hiring pipeline": a noun phrase, not an imperative
        if cls in (lx.DONE, lx.ACT) and nxt in lx.METRIC_HEADS:
            return  # "Release frequency", "Build time"
        clause.verb, clause.verb_end = _verb_extent(tokens, i, clause.hi, cls)
        return


def _verb_extent(tokens: list[Token], i: int, hi: int, cls: str) -> tuple[str, int]:
    """The class of the verb at ``i`` and the index after it, its particle included."""
    low = tokens[i].low
    base = lx.base_of(low)
    nxt = tokens[i + 1].low if i + 1 < hi else None
    if (base, nxt) in lx.PHRASAL:
        end = i + 2
    else:
        end = i + 1
        if base in lx.SPLIT_PHRASAL:  # "Bring DSO down to 35 days": the particle follows the object
            for j in range(i + 2, min(hi, i + 6)):
                particle = tokens[j].low
                if particle in ("down", "up") and (base, particle) in lx.PHRASAL:
                    cls = lx.PHRASAL[(base, particle)]
                    tokens[j].used = True
                    break
    # "Hire and onboard 5 engineers", "Design and ship": one action
    if end + 1 < hi and tokens[end].low in ("and", "&", "/") and tokens[end + 1].kind == WORD:
        after = tokens[end + 2].low if end + 2 < hi else None
        if lx.verb_class(tokens[end + 1].low, after) is not None:
            end += 2
    return cls, end


def _imperative(tokens: list[Token], i: int, hi: int) -> bool:
    """'Merge 200 community pull requests': an unknown word then a count of nouns reads as a command."""
    if i + 2 >= hi or tokens[i + 1].kind != NUM or tokens[i + 2].kind != WORD:
        return False
    noun = tokens[i + 2].low
    if noun == "of" and i + 3 < hi and tokens[i + 3].kind == WORD:
        noun = tokens[i + 3].low  # "Vaccinate 90% of eligible residents"
    return noun not in lx.EDGE_WORDS and noun not in lx.METRIC_STOPS


def _factor(tokens: list[Token], clause: Clause) -> None:
    """A multiplier word: "double", "halve", "in half"."""
    for i in range(clause.lo, clause.hi):
        tok = tokens[i]
        if tok.kind != WORD:
            continue
        factor = lx.RELATIVE_WORDS.get(tok.low)
        if factor is None and tok.low == "half" and i > clause.lo and tokens[i - 1].low in ("in", "by"):
            factor = 0.5
            tokens[i - 1].used = True
        if factor is not None:
            clause.factor = factor
            tok.used = True
            return


def _words_before(tokens: list[Token], i: int, lo: int, n: int = 3) -> list[Token]:
    """Up to ``n`` words or signs before ``i``, nearest first, brackets and colons skipped."""
    out: list[Token] = []
    j = i - 1
    while j >= lo and len(out) < n:
        tok = tokens[j]
        if tok.kind == WORD or (tok.kind == SYM and tok.low not in _SKIPPED):
            out.append(tok)
        elif not (tok.kind == SYM and tok.low in _SKIPPED):
            break
        j -= 1
    return out


def _role(tokens: list[Token], i: int, clause: Clause, pending: list[int]) -> None:
    """Give the number (or placeholder) at ``i`` its role from the words around it, or leave it pending."""
    tok = tokens[i]
    before = _words_before(tokens, i, clause.lo)
    prev = before[0].low if before else ""
    prev2 = before[1].low if len(before) > 1 else ""
    nxt = tokens[i + 1] if i + 1 < clause.hi and tokens[i + 1].kind == WORD else None
    after_count = i >= 2 and tokens[i - 2].kind == NUM and tokens[i - 1].low == "of"
    if prev == "of" and (prev2 == "out" or after_count):
        tok.role = OTHER  # "3 of 5 pilots", "4.2 out of 5": a denominator
        before[0].used = True
    elif clause.baseline is None and (
        (prev in lx.BASELINE_BEFORE and not before[0].used)
        or (prev in _LINKS and prev2 in lx.BASELINE_BEFORE)
    ):
        _mark(before, 2 if prev in _LINKS else 1)  # "from 5%", "currently 31", "baseline: 4.1"
        _set(clause, tok, BASELINE)
    elif clause.baseline is None and nxt is not None and nxt.low in lx.BASELINE_AFTER:
        nxt.used = True  # "31 today"
        _set(clause, tok, BASELINE)
    elif prev in _ARROWS:
        _mark(before, 1)  # "from 5% to 3%", "5% → 3%", "to 500"
        _baseline_before_arrow(tokens, i, clause, pending)
        _target(clause, tok, tok.cmp)
    elif clause.target is None and (prev in _TARGET_WORDS or (prev in _LINKS and prev2 in _TARGET_WORDS)):
        _mark(before, 2 if prev in _LINKS else 1)  # "target: 45", "goal of 45"
        _target(clause, tok, tok.cmp)
    elif prev in _WINDOW_WORDS and tok.unit in _DURATIONS and _pair_follows(tokens, i, clause):
        tok.role = OTHER  # "activated within 14 days from 54% to 61%": the window is part of the metric
    elif (cmp := _comparator(before, tokens, i, clause) or tok.cmp) is not None:
        if clause.target is None and _range_follows(tokens, i, clause):
            tok.role = OTHER  # "customers with 3+ integrations from 120 to 300": the bound defines the metric
        else:
            _target(clause, tok, cmp)  # "below 3%", "at least 95%", "500+", "2 or fewer"
    elif _is_change(tokens, i, clause, before, nxt.low if nxt is not None else ""):
        _change(clause, tok, before, nxt)  # "by 40%", "up 20%", "a 20% reduction", "grow ARR 30%", "2x"
    elif prev == "of" and before[0].kind == WORD and clause.target is None:
        before[0].used = True  # "NPS of 45", "a conversion rate of 4%"
        _set(clause, tok, TARGET)
    else:
        pending.append(i)


def _pair_follows(tokens: list[Token], i: int, clause: Clause) -> bool:
    """A "from <number>" with another unit comes later in the clause: the number at ``i`` is not its target."""
    unit = tokens[i].unit
    for j in range(i + 1, clause.hi - 1):
        if tokens[j].low == "from" and tokens[j + 1].kind == NUM and tokens[j + 1].unit != unit:
            return True
    return False


def _range_follows(tokens: list[Token], i: int, clause: Clause) -> bool:
    """A "<number> to <number>" range ("from 120 to 300", "18% → 9%") comes later in the clause than ``i``."""
    for j in range(i + 1, clause.hi - 2):
        if (tokens[j].kind in _VALUED and tokens[j + 1].low in _ARROWS and tokens[j + 2].kind in _VALUED
                and tokens[j + 1].kind != NUM):
            return True
    return False


def _baseline_before_arrow(tokens: list[Token], i: int, clause: Clause, pending: list[int]) -> None:
    """In "5% to 3%" and "2 per week -> 10 per week" the number before the arrow is the baseline."""
    back = i - 2
    while back >= clause.lo and tokens[back].kind == SYM and tokens[back].low in _SKIPPED:
        back -= 1
    if back - 1 > clause.lo and tokens[back - 1].low == "per" and tokens[back].kind == WORD:
        back -= 2
    if back < clause.lo or clause.baseline is not None:
        return
    tok = tokens[back]
    if tok.kind not in _VALUED or tok.role not in (None, CHANGE):
        return
    if tok is clause.change:
        clause.change = clause.change_direction = None
    _set(clause, tok, BASELINE)
    if back in pending:
        pending.remove(back)


def _target(clause: Clause, tok: Token, comparator: str | None) -> None:
    if clause.target is None:
        _set(clause, tok, TARGET)
        clause.comparator = comparator
    else:
        tok.role = OTHER


def _change(clause: Clause, tok: Token, before: list[Token], nxt: Token | None) -> None:
    if clause.change is not None or clause.target is not None:
        tok.role = OTHER
        return
    _set(clause, tok, CHANGE)
    if before and before[0].low in lx.CHANGE_BEFORE:
        before[0].used = True
        clause.change_direction = {"down": lx.DEC, "up": lx.INC}.get(before[0].low)
    if nxt is not None and nxt.low in lx.CHANGE_AFTER:
        nxt.used = True
        clause.change_direction = lx.CHANGE_AFTER_DIRECTION.get(nxt.low, lx.INC)


def _comparator(before: list[Token], tokens: list[Token], i: int, clause: Clause) -> str | None:
    lows = [t.low for t in before]
    for n in (3, 2, 1):
        if len(lows) < n:
            continue
        sym = lx.COMPARATORS.get(tuple(lows[n - 1 :: -1]))  # the n nearest words, in text order
        if sym is not None:
            _mark(before, n)
            return sym
    if i + 2 < clause.hi:
        a, b = tokens[i + 1], tokens[i + 2]
        if a.kind == WORD and b.kind == WORD:
            sym = lx.SUFFIX_COMPARATORS.get((a.low, b.low))
            if sym is not None:
                a.used = b.used = True
                return sym
    return None


def _is_change(tokens: list[Token], i: int, clause: Clause, before: list[Token], nxt_low: str) -> bool:
    tok = tokens[i]
    if tok.kind != NUM and tok.kind != HOLE:
        return False
    if tok.unit == "x":
        return True
    if nxt_low in lx.CHANGE_AFTER:
        return True
    if before and before[0].low in lx.CHANGE_BEFORE and not before[0].used:
        if before[0].low == "by":
            return clause.verb in (lx.INC, lx.DEC, lx.MOVE, lx.REACH, None) or clause.factor is not None
        # "up 20%", but not the particle of "sign up 500 users"
        return i - 1 >= clause.verb_end
    # "grow ARR 30%": a bare share right after the verb's metric
    prev = tokens[i - 1] if i > clause.lo else None
    return (
        tok.unit in ("%", "pp")
        and clause.verb in (lx.INC, lx.DEC)
        and i - 1 >= clause.verb_end
        and prev is not None
        and prev.kind == WORD
        and not prev.used
        and prev.low not in lx.EDGE_WORDS
    )


def _settle(tokens: list[Token], clause: Clause, pending: list[int]) -> None:
    """Give the unmarked numbers their roles once every marked one is known."""
    # "Resolve 90% of tickets within 24 hours": the share is the target, the time qualifies it
    for i in pending:
        tok = tokens[i]
        is_share = tok.unit == "%" and i + 1 < clause.hi and tokens[i + 1].low == "of"
        target = clause.target
        if is_share and target is not None and clause.comparator is not None and target.start > tok.start:
            target.role = OTHER
            clause.target = None
            clause.comparator = None
            break
    for i in pending:
        tok = tokens[i]
        if tok.role is None:
            if clause.change is None:
                _target(clause, tok, tok.cmp)
            else:
                tok.role = OTHER


def _set(clause: Clause, tok: Token, role: str) -> None:
    tok.role = role
    if role == BASELINE:
        clause.baseline = tok
    elif role == TARGET:
        clause.target = tok
    elif role == CHANGE:
        clause.change = tok


def _mark(before: list[Token], n: int) -> None:
    for tok in before[:n]:
        tok.used = True


def direction(tokens: list[Token], clause: Clause, metric_words: list[str]) -> str | None:
    """The clause's direction as a lexicon class (INC, DEC, KEEP, DONE) or None."""
    verb = clause.verb
    if verb in (lx.INC, lx.DEC, lx.KEEP, lx.DONE):
        return verb
    if clause.factor is not None:
        return lx.INC if clause.factor > 1 else lx.DEC
    if clause.change_direction is not None:
        return clause.change_direction
    base = clause.baseline_value()  # "from 1.2s to 400ms" goes down
    goal = clause.target.value if clause.target is not None else None
    if base is not None and goal is not None:
        return lx.INC if goal > base else lx.DEC if goal < base else lx.KEEP
    if clause.comparator in ("<", "<="):
        return lx.DEC
    if clause.comparator in (">", ">="):
        return lx.INC
    if verb == lx.REACH:
        return lx.INC if clause.target is not None or clause.change is not None else lx.DONE
    change = clause.change
    if change is not None and change.unit == "x" and change.value and verb in (None, lx.ACT, lx.MOVE):
        return lx.INC if change.value > 1 else lx.DEC  # "Handle 2x the ticket volume"
    if verb == lx.MOVE or (verb == lx.ACT and change is not None):
        return lx.DEC if any(w in lx.LOWER_IS_BETTER for w in metric_words) else lx.INC
    if verb is None:
        for tok in tokens[clause.lo : clause.hi]:
            if tok.kind == WORD and tok.low.endswith("ed"):
                cls = lx.VERB_CLASS.get(tok.low)
                if cls in (lx.INC, lx.DEC, lx.KEEP):
                    return cls
        if goal == 0:
            return lx.DEC
    return None
