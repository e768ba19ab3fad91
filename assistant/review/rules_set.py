"""Set rules: the number of objectives, the period, and key results that appear twice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from assistant.review.context import Env, Hit
from assistant.review.suggest import quote

SetRule = Callable[[Env], list[Hit]]

# Dots and commas that end a word of a space-joined word list (no word is made of them alone)
_TRAILING_POINTS: Final = re.compile(r"[.,]+(?= |\Z)")


def objective_count(env: Env) -> list[Hit]:
    limits = env.policy.objectives
    n = len(env.objectives)
    if limits.min <= n <= limits.max:
        return []
    where = f"the {env.policy.name} profile ({limits})"
    if n == 0:
        msg = (
            f"The set has no objectives; {where} asks for {limits.min} to {limits.max}. Add the objectives this "
            "team wants to achieve in the period, each with its key results."
        )
    elif n < limits.min:
        msg = (
            f"The set has {n} objective{'s' if n != 1 else ''}; {limits.min} objectives is the minimum in {where}. "
            "Add an objective for another important change this period, or use a profile that allows fewer."
        )
    else:
        msg = (
            f"The set has {n} objectives; {limits.max} objectives is the maximum in {where}. Focus: keep the "
            f"{limits.max} that matter most this period, merge related ones, and move the rest to the backlog."
        )
    return [Hit("", msg, None)]


def no_period(env: Env) -> list[Hit]:
    if env.period:
        return []
    msg = (
        "The set names no period, so its key results have no common deadline. Add the period the OKRs cover "
        "(\"period: 2027-Q1\")."
    )
    return [Hit("", msg, "period: <period, e.g. 2027-Q1>")]


def duplicate_kr(env: Env) -> list[Hit]:
    seen: dict[str, str] = {}
    hits: list[Hit] = []
    for o in env.objectives:
        for k in o.key_results:
            key = " ".join(k.reading.words)
            if "." in key or "," in key:
                key = _TRAILING_POINTS.sub("", key)  # each word without its trailing dots and commas
            if not key:
                continue
            first = seen.setdefault(key, k.path)
            if first == k.path:
                continue
            msg = (
                f"Key result {quote(k.text)} repeats {first}. Each key result should count towards one objective: "
                "remove the copy, or rewrite it to measure what this objective specifically changes."
            )
            hits.append(Hit(k.path, msg, None))
    return hits


RULES: dict[str, SetRule] = {
    "set-objective-count": objective_count,
    "set-no-period": no_period,
    "set-duplicate-kr": duplicate_kr,
}
