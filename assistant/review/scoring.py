"""Score and verdicts.

Verdicts
    A key result's verdict comes from the findings on its own path: ``fail`` with an error, ``weak`` with
    warnings only, ``pass`` otherwise. Info findings are advice and never change a verdict.

    An objective's verdict is the worse of its own findings and what its key results allow: it ``fail``s when it
    has an error of its own or when *all* of its key results fail (nothing left to grade it by); it is at best
    ``weak`` when any of its key results is weak or failing.

Score (0-100)
    Every objective and every key result is an item that starts at 100 and loses 45 points per error and 15 per
    warning (never below 0); info costs nothing. The score is the mean over the items, minus 20 points per error
    and 5 per warning found on the set as a whole (the number of objectives, the period), clamped to 0-100 and
    rounded. Taking the mean keeps the score comparable between a small set and a large one; a set with no
    objectives scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from assistant.okr import Finding, KeyResultVerdict, ObjectiveVerdict, Severity, Verdict
from assistant.parsing.models import trusted
from assistant.review.context import Env

ITEM_COST: Final = {Severity.ERROR: 45, Severity.WARNING: 15, Severity.INFO: 0}
SET_COST: Final = {Severity.ERROR: 20, Severity.WARNING: 5, Severity.INFO: 0}
_RANK: Final = {Verdict.PASS: 0, Verdict.WEAK: 1, Verdict.FAIL: 2}
# The members as plain names: looking an enum member up on its class is several times slower, and this runs for
# every item of every review.
_ERROR: Final = Severity.ERROR
_WARNING: Final = Severity.WARNING
_INFO: Final = Severity.INFO
_PASS: Final = Verdict.PASS
_WEAK: Final = Verdict.WEAK
_FAIL: Final = Verdict.FAIL


def tally(findings: Iterable[Finding]) -> dict[str, dict[Severity, int]]:
    """Count of findings per path and severity."""
    counts: dict[str, dict[Severity, int]] = {}
    get = counts.get
    for f in findings:
        path = f.path
        per = get(path)
        if per is None:
            per = counts[path] = {_ERROR: 0, _WARNING: 0, _INFO: 0}
        per[f.severity] += 1
    return counts


def _verdict(per: dict[Severity, int] | None) -> Verdict:
    if not per:
        return _PASS
    if per[_ERROR]:
        return _FAIL
    if per[_WARNING]:
        return _WEAK
    return _PASS


_ERROR_COST: Final = ITEM_COST[_ERROR]
_WARNING_COST: Final = ITEM_COST[_WARNING]
_INFO_COST: Final = ITEM_COST[_INFO]


def _points(per: dict[Severity, int] | None) -> int:
    """An item's points: 100 less what its findings cost, never below 0."""
    if per is None:
        return 100
    return max(0, 100 - (_ERROR_COST * per[_ERROR] + _WARNING_COST * per[_WARNING] + _INFO_COST * per[_INFO]))


def verdicts(env: Env, counts: dict[str, dict[Severity, int]]) -> list[ObjectiveVerdict]:
    """A verdict for every objective and key result of the set, in order."""
    return judge(env, counts)[0]


def score(env: Env, counts: dict[str, dict[Severity, int]]) -> int:
    """The 0-100 score described in the module docstring."""
    return judge(env, counts)[1]


def judge(env: Env, counts: dict[str, dict[Severity, int]]) -> tuple[list[ObjectiveVerdict], int]:
    """``(verdicts(env, counts), score(env, counts))``, worked out in one pass over the items."""
    out: list[ObjectiveVerdict] = []
    get = counts.get
    items = 0
    total = 0
    for o in env.objectives:
        krs: list[KeyResultVerdict] = []
        all_fail = some_not_pass = False
        if o.key_results:
            all_fail = True
            for k in o.key_results:
                path = k.path
                per = get(path)  # from tally(): all three severities
                verdict = _verdict(per)
                total += _points(per)
                if verdict is not _FAIL:
                    all_fail = False
                if verdict is not _PASS:
                    some_not_pass = True
                krs.append(trusted(KeyResultVerdict, {"path": path, "text": k.kr.text, "verdict": verdict}))
            items += len(krs)
        per = get(o.path)
        own = _verdict(per)
        items += 1
        total += _points(per)
        if all_fail:
            own = _FAIL
        elif some_not_pass and own is _PASS:
            own = _WEAK
        values: dict[str, object] = {"path": o.path, "title": o.objective.title, "verdict": own, "key_results": krs}
        out.append(trusted(ObjectiveVerdict, values))
    if not items:
        return out, 0
    mean = total / items
    whole = get("")
    if whole:
        mean -= sum(SET_COST[s] * n for s, n in whole.items())
    return out, max(0, min(100, round(mean)))


def worst(a: Verdict, b: Verdict) -> Verdict:
    return a if _RANK[a] >= _RANK[b] else b
