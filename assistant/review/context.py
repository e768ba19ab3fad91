"""What the rules look at: the set, each objective and each key result, read once per review.

A key result's structured fields win over what the parser reads from its text (the same precedence as
``assistant.krparse.enrich_key_result``); the merged view is built here so every rule sees the same facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

from assistant.krparse import KRFacts, shared_facts
from assistant.okr import KeyResult, NumberRole, Objective, OKRSet, Parent
from assistant.review.language import MentionLike, Reading, meaningful, read
from assistant.review.lexicon import strip_label

if TYPE_CHECKING:
    from assistant.policy import Policy


class Hit(NamedTuple):
    """What a rule returns: where, what is wrong and how to fix it, and a rewrite when one can be built."""

    path: str
    message: str
    suggestion: str | None = None


class KRContext:
    """One key result as the rules see it: the item, its path, its reading, and the merged facts."""

    __slots__ = ("activity", "baseline", "baseline_only", "binary", "comparator", "direction", "due", "kr",
                 "metric", "metric_count", "owner", "path", "phrases", "quantified", "quoted", "reading",
                 "relative", "target", "text", "unit")

    def __init__(self, kr: KeyResult, path: str, text: str, reading: Reading, facts: KRFacts,
                 owner: str | None, mentions: Sequence[MentionLike]) -> None:
        self.kr = kr
        self.path = path
        self.text = text  # without a list label
        self.reading = reading
        self.owner = owner  # the KR's owner, else its objective's
        self.metric = kr.metric or facts.metric
        self.direction = kr.direction or reading.verb_direction() or facts.direction
        numbers = facts.numbers
        named = len(mentions) != len(numbers)  # some numbers are parts of names ("SOC 2")
        baseline = kr.baseline
        if baseline is None:
            baseline = _unless_name(facts.baseline, numbers, mentions) if named else facts.baseline
        self.baseline = baseline
        target = kr.target
        if target is None:
            target = _unless_name(facts.target, numbers, mentions) if named else facts.target
        self.target = target
        self.unit = kr.unit or facts.unit
        self.due = kr.due or facts.due
        self.relative = facts.relative
        self.comparator = facts.comparator
        self.metric_count = facts.metric_count
        # numbers are written, but all of them are baselines ("from 2%")
        self.baseline_only = (target is None and bool(mentions)
                              and all(m.role is _BASELINE for m in mentions))
        # a number, a target, a relative change or a participation share gives the KR a value to grade
        self.quantified = (bool(reading.quantities) or target is not None or reading.relative_word
                           or reading.participation)
        # memos of what several rules ask: rules_kr.is_binary, rules_kr.is_activity, suggest.quote(text), and
        # suggest's (object phrase, metric phrase)
        self.binary: bool | None = None
        self.activity: bool | None = None
        self.quoted: str | None = None
        self.phrases: tuple[str | None, str | None] | None = None


_BASELINE: Final = NumberRole.BASELINE


class ObjectiveContext:
    __slots__ = ("index", "key_results", "objective", "path")

    def __init__(self, objective: Objective, path: str, index: int) -> None:
        self.objective = objective
        self.path = path
        self.index = index
        self.key_results: list[KRContext] = []


class Env:
    """The whole review: the set, its policy, the known parents and every item read."""

    __slots__ = ("objectives", "okr_set", "parent_ids", "parents", "period", "period_end", "policy")

    def __init__(self, okr_set: OKRSet, policy: Policy, period: str | None, objectives: list[ObjectiveContext],
                 parents: dict[str, str] | None, parent_ids: list[str]) -> None:
        self.okr_set = okr_set
        self.policy = policy
        self.period = period
        self.objectives = objectives
        self.parents = parents  # known id (case-folded) -> title or KR text; None when not supplied
        self.parent_ids = parent_ids  # as written, for messages
        from assistant.review.suggest import period_end

        # the set's deadline as rewrites write it: "2027-03-31", "the end of FY27", or a placeholder
        self.period_end = period_end(period) or (f"the end of {period}" if period else "<deadline>")


def build_env(okr_set: OKRSet, policy: Policy, known_parents: Sequence[Parent] | None) -> Env:
    period = (okr_set.period or "").strip() or None
    objectives: list[ObjectiveContext] = []
    for i, objective in enumerate(okr_set.objectives):
        octx = ObjectiveContext(objective=objective, path=f"objectives[{i}]", index=i)
        for j, kr in enumerate(objective.key_results):
            octx.key_results.append(read_kr(kr, f"objectives[{i}].key_results[{j}]", period, objective.owner))
        objectives.append(octx)
    parents: dict[str, str] | None = None
    ids: list[str] = []
    if known_parents:
        parents = {}
        for parent in known_parents:
            parents[parent.id.strip().casefold()] = parent.title
            ids.append(parent.id)
            for pkr in parent.key_results:
                parents[pkr.id.strip().casefold()] = pkr.text
                ids.append(pkr.id)
    return Env(okr_set=okr_set, policy=policy, period=period, objectives=objectives, parents=parents, parent_ids=ids)


def read_kr(kr: KeyResult, path: str, period: str | None, objective_owner: str | None = None) -> KRContext:
    """Merge ``kr``'s given fields with what its text says."""
    text = strip_label(kr.text)
    facts = shared_facts(text, period)
    mentions = meaningful(text, facts.numbers)
    reading = read(text, mentions, placeholder=facts.placeholder)
    return KRContext(kr, path, text, reading, facts, kr.owner or objective_owner or None, mentions)


def _unless_name(value: float | None, numbers: Sequence[MentionLike], kept: Sequence[MentionLike]) -> float | None:
    """``value``, unless it was read from a number that is part of a name ("SOC 2", "ISO 27001")."""
    if value is None or len(kept) == len(numbers):
        return value
    named = {m.value for m in numbers} - {m.value for m in kept}
    return None if value in named else value
