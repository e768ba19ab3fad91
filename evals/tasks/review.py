"""The reviewer eval: each labelled item is reviewed inside a minimal set, and only the findings on the item count.

A key result sits in a one-objective set with a neutral sibling KR, a period and an owner; an objective carries
two neutral KRs and a link to a known parent. The context a case gives (no period, no parent, an unknown parent,
structured fields) overrides those defaults. Set-level cases are reviewed as written and judged on all findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.okr import Alignment, KeyResult, Objective, OKRSet, Parent, Report, Severity
from assistant.policy import Policy, get_policy
from evals.results import Summary
from evals.runner import CaseView, Outcome, Task
from evals.schema import ReviewCase
from evals.scorers.review import SCORERS, ReviewOutput
from evals.tasks.review_metrics import summarize_review

NEUTRAL_OBJECTIVE = "Give our customers a reason to stay with us"
SIBLING_KR = "Raise the share of customers who renew from 82% to 88%"
FILLER_KRS = (
    "Raise the share of customers who renew from 82% to 88%",
    "Cut the median time to resolve a customer issue from 3 days to 1 day",
)
KR_PATH = "objectives[0].key_results[0]"
OBJECTIVE_PATH = "objectives[0]"


class Reviewer(Protocol):
    """The system under test: ``assistant.review.review`` or anything with its signature."""

    def __call__(
        self, okr_set: OKRSet, *, policy: Policy | None = ..., known_parents: Sequence[Parent] | None = ...
    ) -> Report: ...


@dataclass(frozen=True)
class ReviewInput:
    okr_set: OKRSet
    known_parents: list[Parent] | None
    path: str | None  # the item's path; None judges the whole set


def build_input(case: ReviewCase) -> ReviewInput:
    """The set the reviewer sees for ``case``, and the path of the item under test."""
    ctx = case.context
    if case.kind == "set":
        assert case.okr_set is not None
        return ReviewInput(case.okr_set, ctx.known_parents, None)
    assert case.text is not None
    aligns_to = Alignment(id=ctx.parent_id) if ctx.parent_id else None
    if case.kind == "kr":
        fields = case.fields.model_dump(exclude_none=True) if case.fields else {}
        item = KeyResult(text=case.text, owner=ctx.owner, **fields)
        sibling = KeyResult(text=SIBLING_KR, owner=ctx.owner or "Sam Rivera")
        objective = Objective(title=ctx.objective or NEUTRAL_OBJECTIVE, key_results=[item, sibling], aligns_to=aligns_to)
        path = KR_PATH
    else:
        krs = [KeyResult(text=text, owner=ctx.owner) for text in (ctx.key_results or FILLER_KRS)]
        objective = Objective(title=case.text, key_results=krs, aligns_to=aligns_to)
        path = OBJECTIVE_PATH
    team = ctx.team or f"{case.function.replace('-', ' ').title()} team"
    okr_set = OKRSet(team=team, period=ctx.period, level=ctx.level, objectives=[objective])
    return ReviewInput(okr_set, ctx.known_parents, path)


def review_case(case: ReviewCase, reviewer: Reviewer, policy: Policy) -> ReviewOutput:
    """Review ``case`` and keep the findings on the item under test."""
    given = build_input(case)
    report = reviewer(given.okr_set, policy=policy, known_parents=given.known_parents)
    findings = [f for f in report.findings if given.path is None or f.path == given.path]
    rules = sorted({f.rule for f in findings if f.severity is not Severity.INFO})
    info = sorted({f.rule for f in findings if f.severity is Severity.INFO})
    return ReviewOutput(rules=rules, info=info, findings=findings)


def _describe(case: ReviewCase, output: ReviewOutput | None) -> CaseView:
    if case.kind == "set" and case.okr_set is not None:
        titles = "; ".join(o.title for o in case.okr_set.objectives)
        text = f"[set of {len(case.okr_set.objectives)} objectives] {titles}"
    else:
        text = f"[{case.kind}] {case.text}"
    expected = ", ".join(case.expected_rules) or "sound"
    if case.allowed_rules:
        expected += f" (also allowed: {', '.join(case.allowed_rules)})"
    actual = "" if output is None else (", ".join(output.rules) or "sound")
    detail = "" if output is None else " | ".join(f"{f.rule}: {f.message}" for f in output.findings)
    if case.note:
        detail = f"note: {case.note}" + (f" | {detail}" if detail else "")
    return CaseView(split=case.split, input=text, expected=expected, actual=actual, detail=detail)


def review_task(
    cases: Sequence[ReviewCase],
    *,
    reviewer: Reviewer,
    policy: Policy | None = None,
    dataset: str = "review.v1",
    split: str = "all",
    reviewer_name: str = "assistant.review:review",
) -> Task[ReviewCase, ReviewOutput]:
    """The reviewer eval over ``cases`` (already filtered to ``split``)."""
    policy = policy or get_policy("default")

    def summarize(outcomes: Sequence[Outcome[ReviewCase, ReviewOutput]]) -> Summary:
        return summarize_review(outcomes, split=split)

    return Task(
        name="review",
        dataset=dataset,
        cases=list(cases),
        run=lambda case: review_case(case, reviewer, policy),
        scorers=SCORERS,
        describe=_describe,
        summarize=summarize,
        case_id=lambda case: case.id,
        gate=["flawed_vs_sound"],
        config={"split": split, "profile": policy.name, "reviewer": reviewer_name},
    )
