"""The messages of a draft, rendered from ``prompts/draft.*.j2``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.draft.context import ParentContext, Passage
from assistant.llm.base import Message
from assistant.okr import DraftRequest, Finding, Objective
from assistant.policy import Policy
from assistant.prompting import render_prompt

_KR_PATH = re.compile(r"\.key_results\[(\d+)\]")


@dataclass(frozen=True)
class Problem:
    """A finding as the model sees it on repair: where (in its own terms) and the message."""

    where: str
    message: str


def system_message(policy: Policy) -> Message:
    return Message(
        role="system",
        content=render_prompt(
            "draft.system.j2",
            kr_min=policy.key_results.min,
            kr_max=policy.key_results.max,
            max_words=policy.objective_max_words,
        ),
    )


def objective_message(
    request: DraftRequest, *, period: str, deadline: str, number: int, total: int, context: ParentContext,
    drafted: Sequence[Objective],
) -> Message:
    return Message(
        role="user",
        content=render_prompt(
            "draft.objective.j2",
            request=request,
            period=period,
            deadline=deadline,
            number=number,
            total=total,
            parent=context.parent,
            parent_metrics=parent_metrics(context),
            key_result=context.key_result,
            passages=context.passages,
            drafted=drafted,
        ),
    )


def repair_message(
    kind: str, text: str, findings: Sequence[Finding], *, round_number: int, request: DraftRequest,
    context: ParentContext, objective: Objective, cited: Sequence[Passage], deadline: str, policy: Policy,
) -> Message:
    """The user turn asking to rewrite one rejected part (``kind`` "title" or "key result") of ``objective``."""
    return Message(
        role="user",
        content=render_prompt(
            "draft.repair.j2",
            kind=kind,
            text=text,
            findings=[Problem(where_in_objective(f.path), f.message) for f in findings],
            round=round_number,
            request=request,
            parent=context.parent,
            objective=objective.title,
            key_results=[kr.text for kr in objective.key_results],
            passages=cited,
            deadline=deadline,
            max_words=policy.objective_max_words,
        ),
    )


def parent_metrics(context: ParentContext) -> list[tuple[str, str]]:
    """What each parent key result measures, without its sentence: a small model copies whole sentences."""
    from assistant.krparse import parse_kr_text

    pairs = []
    for kr in context.parent.key_results:
        metric = parse_kr_text(kr.text).metric or kr.text
        pairs.append((kr.id, metric))
    return pairs


def where_in_objective(path: str) -> str:
    """``objectives[2].key_results[1]`` -> ``key result 2``; the objective itself -> ``objective``."""
    match = _KR_PATH.search(path)
    if match:
        return f"key result {int(match.group(1)) + 1}"
    if ".aligns_to" in path:
        return "aligns_to"
    return "objective"
