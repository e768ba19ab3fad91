"""Workshop mode: a team's own OKR file turned into rewrite exercises, one per flagged objective or key result.

The reviewer runs over the file; every objective or key result with a finding at warning or error severity that a
rewrite of that one item can fix becomes an exercise whose rules are those findings, whose explanation is their
messages and whose model rewrites are the reviewer's suggestions (where it could build one). Grading puts the
learner's rewrite back into the team's set, so the rest of their OKRs is the context.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ConfigDict, Field

from assistant.coach.exercises import (
    Context,
    ContextObjective,
    Difficulty,
    Exercise,
    Kind,
    Scope,
    split_alignment,
)
from assistant.okr import Finding, KeyResult, OKRSet, Parent, Severity
from assistant.policy import Policy

# Findings a rewrite of one title or one key result cannot fix: they are about counts across the set.
SET_RULES = frozenset({"objective-kr-count", "set-objective-count", "set-no-period"})


class WorkshopExercise(Exercise):
    """A rewrite exercise on an item of the team's own set."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    rewrites: list[str] = Field(default_factory=list)  # the reviewer's suggestions; may be empty
    explanation: str = ""
    workshop: bool = True
    base: OKRSet
    path: str
    policy_used: Policy
    parents_known: list[Parent] = Field(default_factory=list)

    def known_parents(self) -> list[Parent]:
        return self.parents_known

    def policy(self) -> Policy:
        return self.policy_used

    def meaning_context(self) -> list[str]:
        """With few or no model rewrites, the objective and its other key results say what the item is for:
        a rewrite that turns an activity into the outcome it serves should match them."""
        index = int(self.path.split("[", 1)[1].split("]", 1)[0])
        objective = self.base.objectives[index]
        if self.scope is Scope.OBJECTIVE:
            return [kr.text for kr in objective.key_results]
        return [objective.title, *(kr.text for kr in objective.key_results if kr.text != self.item)]

    def build_set(self, item: str) -> tuple[OKRSet, str]:
        okr_set = self.base.model_copy(deep=True)
        index = int(self.path.split("[", 1)[1].split("]", 1)[0])
        objective = okr_set.objectives[index]
        if self.scope is Scope.OBJECTIVE:
            title, link = split_alignment(item)
            objective.title = title
            if link is not None:
                objective.aligns_to = link
        else:
            j = int(self.path.rsplit("[", 1)[1].rstrip("]"))
            old = objective.key_results[j]
            # a new text is read afresh: fields parsed from the old text would contradict it; the owner stays
            objective.key_results[j] = KeyResult(text=item.strip(), id=old.id, owner=old.owner)
        return okr_set, self.path


def workshop_exercises(
    okr_set: OKRSet, findings: Sequence[Finding], *, policy: Policy, known_parents: Sequence[Parent] = (),
    source: str = "your file",
) -> list[WorkshopExercise]:
    """One rewrite exercise per objective or key result of ``okr_set`` with a fixable warning or error."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.path and f.severity is not Severity.INFO and f.rule not in SET_RULES:
            by_path.setdefault(f.path, []).append(f)
    exercises: list[WorkshopExercise] = []
    for i, objective in enumerate(okr_set.objectives):
        paths = [f"objectives[{i}]"] + [f"objectives[{i}].key_results[{j}]" for j in range(len(objective.key_results))]
        for path in paths:
            found = by_path.get(path)
            if not found:
                continue
            scope = Scope.OBJECTIVE if path.endswith("]") and ".key_results[" not in path else Scope.KR
            if scope is Scope.OBJECTIVE:
                item = objective.title
            else:
                item = objective.key_results[int(path.rsplit("[", 1)[1].rstrip("]"))].text
            rules = list(dict.fromkeys(f.rule for f in found))
            suggestions = [
                s for f in found if (s := _suggestion(f)) is not None and s.strip().lower() != item.strip().lower()
            ]
            exercises.append(WorkshopExercise(
                id=f"ws-{len(exercises) + 1:02d}",
                kind=Kind.REWRITE,
                difficulty=Difficulty.MEDIUM,
                function="your team",
                maturity="yours",
                scope=scope,
                item=item,
                rules=rules,
                explanation=" ".join(f.message for f in found),
                rewrites=list(dict.fromkeys(suggestions)),
                context=Context(
                    team=okr_set.team or source, period=okr_set.period, level=okr_set.level,
                    objective=ContextObjective(title=objective.title, owner=objective.owner),
                ),
                base=okr_set,
                path=path,
                policy_used=policy,
                parents_known=list(known_parents),
            ))
    return exercises


def _suggestion(finding: Finding) -> str | None:
    """A usable model rewrite from a finding's suggestion: whole sentences only, no "<placeholders>"."""
    text = (finding.suggestion or "").strip()
    if not text or "<" in text or text.lower().startswith(("split into", "aligns_to", "key result:", "period:")):
        return None
    return text.strip('"')
