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

from assistant.okr import Finding, KeyResultVerdict, ObjectiveVerdict, Severity, Verdict
from assistant.review.context import Env, trusted

ITEM_COST = {Severity.ERROR: 45, Severity.WARNING: 15, Severity.INFO: 0}
SET_COST = {Severity.ERROR: 20, Severity.WARNING: 5, Severity.INFO: 0}
_RANK = {Verdict.PASS: 0, Verdict.WEAK: 1, Verdict.FAIL: 2}


def tally(findings: Iterable[Finding]) -> dict[str, dict[Severity, int]]:
    """Count of findings per path and severity."""
    counts: dict[str, dict[Severity, int]] = {}
    for f in findings:
        per = counts.get(f.path)
        if per is None:
            per = counts[f.path] = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}
        per[f.severity] += 1
    return counts


def _verdict(per: dict[Severity, int] | None) -> Verdict:
    if not per:
        return Verdict.PASS
    if per[Severity.ERROR]:
        return Verdict.FAIL
    if per[Severity.WARNING]:
        return Verdict.WEAK
    return Verdict.PASS


def verdicts(env: Env, counts: dict[str, dict[Severity, int]]) -> list[ObjectiveVerdict]:
    """A verdict for every objective and key result of the set, in order."""
    out: list[ObjectiveVerdict] = []
    for o in env.objectives:
        krs = [
            trusted(KeyResultVerdict, {"path": k.path, "text": k.kr.text, "verdict": _verdict(counts.get(k.path))})
            for k in o.key_results
        ]
        own = _verdict(counts.get(o.path))
        if krs and all(v.verdict is Verdict.FAIL for v in krs):
            own = Verdict.FAIL
        elif any(v.verdict is not Verdict.PASS for v in krs) and own is Verdict.PASS:
            own = Verdict.WEAK
        values: dict[str, object] = {"path": o.path, "title": o.objective.title, "verdict": own, "key_results": krs}
        out.append(trusted(ObjectiveVerdict, values))
    return out


def score(env: Env, counts: dict[str, dict[Severity, int]]) -> int:
    """The 0-100 score described in the module docstring."""
    items = [o.path for o in env.objectives] + [k.path for o in env.objectives for k in o.key_results]
    if not items:
        return 0
    total = 0
    for path in items:
        per = counts.get(path)
        if per is None:
            total += 100
        else:
            total += max(0, 100 - sum(ITEM_COST[s] * n for s, n in per.items()))
    mean = total / len(items)
    whole = counts.get("")
    if whole:
        mean -= sum(SET_COST[s] * n for s, n in whole.items())
    return max(0, min(100, round(mean)))


def worst(a: Verdict, b: Verdict) -> Verdict:
    return a if _RANK[a] >= _RANK[b] else b
