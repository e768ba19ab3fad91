"""Which exercises to serve: filtered by rule, kind and difficulty, unseen and missed ones first, weak rules first."""

from __future__ import annotations

import random
from collections.abc import Sequence

from assistant.coach.exercises import Difficulty, Exercise, Kind
from assistant.coach.progress import Progress, summarize
from assistant.errors import InputError
from assistant.review.catalogue import rule_info


def filter_exercises(
    pool: Sequence[Exercise], *, rule: str | None = None, kind: str | None = None, difficulty: str | None = None,
) -> list[Exercise]:
    """The exercises matching every filter given.

    Raises:
        UnknownRule: ``rule`` is not a rule id.
        InputError: an unknown kind or difficulty, or nothing matches.
    """
    if rule:
        rule = rule_info(rule.strip()).id
    if kind and kind not in {k.value for k in Kind}:
        raise InputError(f"Unknown exercise kind {kind!r}: use spot, rewrite or align.")
    if difficulty and difficulty not in {d.value for d in Difficulty}:
        raise InputError(f"Unknown difficulty {difficulty!r}: use easy, medium or hard.")
    found = [
        e for e in pool
        if (not rule or rule in e.rules) and (not kind or e.kind.value == kind)
        and (not difficulty or e.difficulty.value == difficulty)
    ]
    if not found:
        asked = ", ".join(f"{k} {v}" for k, v in (("rule", rule), ("kind", kind), ("difficulty", difficulty)) if v)
        raise InputError(f"No exercise matches {asked}. Try fewer filters (`okr coach next` takes any).")
    return found


_LEVEL = {Difficulty.EASY: 0, Difficulty.MEDIUM: 1, Difficulty.HARD: 2}


def _priority(progress: Progress | None) -> tuple[set[str], dict[str, int], dict[str, float]]:
    if progress is None:
        return set(), {}, {}
    weakness = {t.rule: t.accuracy for t in summarize(list(progress.answers())).rules}
    return progress.solved(), progress.attempts(), weakness


def next_exercise(candidates: Sequence[Exercise], progress: Progress | None = None) -> Exercise:
    """The exercise to do next: never tried first, then tried but not solved; among those, weakest rules first,
    then easiest first; file order breaks ties, so the answer is deterministic for a given history."""
    solved, attempts, weakness = _priority(progress)

    def key(item: tuple[int, Exercise]) -> tuple[int, int, float, int, int]:
        index, e = item
        tier = 0 if e.id not in attempts else 1 if e.id not in solved else 2
        weak = min((weakness.get(r, 0.0) for r in e.rules), default=0.0)
        return (tier, attempts.get(e.id, 0), weak, _LEVEL[e.difficulty], index)

    return min(enumerate(candidates), key=key)[1]


def session_exercises(
    candidates: Sequence[Exercise], n: int, progress: Progress | None = None, *, seed: int | None = None,
) -> list[Exercise]:
    """``n`` exercises for one session: never tried, then missed, then solved ones, shuffled within each tier,
    with no rule repeated while another rule is still available."""
    if n < 1:
        raise InputError("A session needs at least one exercise (-n 1 or more).")
    rng = random.Random(seed)
    solved, attempts, _ = _priority(progress)
    tiers: list[list[Exercise]] = [[], [], []]
    for e in candidates:
        tiers[0 if e.id not in attempts else 1 if e.id not in solved else 2].append(e)
    ordered: list[Exercise] = []
    for tier in tiers:
        rng.shuffle(tier)
        ordered.extend(tier)
    picked: list[Exercise] = []
    seen_rules: set[str] = set()
    for relax in (False, True):
        for e in ordered:
            if len(picked) == n:
                break
            if e.id in {p.id for p in picked} or (not relax and seen_rules & set(e.rules)):
                continue
            picked.append(e)
            seen_rules.update(e.rules)
    return picked
