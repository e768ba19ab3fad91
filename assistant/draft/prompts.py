"""The messages of a draft, rendered from ``prompts/draft.*.j2``."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from assistant.draft.context import ParentContext, key_result_metrics, measured_metrics
from assistant.draft.schema import objective_schema
from assistant.llm.base import Message
from assistant.llm.structured import schema_note
from assistant.okr import DraftRequest, Finding, Objective, Parent
from assistant.policy import Policy
from assistant.prompting import render_prompt

_KR_PATH = re.compile(r"\.key_results\[(\d+)\]")


@dataclass(frozen=True)
class Problem:
    """A finding as the model sees it on repair: where (in its own terms) and the message."""

    where: str
    message: str


def system_message(policy: Policy) -> Message:
    """The system turn of every call of a draft: the rules, an example and the fields of the objective schema.

    The compact schema note is placed here (not added per call by the backend) so that the system turn is the
    same for objectives and repairs: the local model's prompt cache then evaluates it once per draft.
    """
    return Message(
        role="system",
        content=render_prompt(
            "draft.system.j2",
            kr_min=policy.key_results.min,
            kr_max=policy.key_results.max,
            max_words=policy.objective_max_words,
            reply_format=schema_note(objective_schema(policy.key_results.min, policy.key_results.max), compact=True),
        ),
    )


def objective_message(
    request: DraftRequest, *, period: str, deadline: str, number: int, total: int, context: ParentContext,
    drafted: Sequence[Objective], contexts: Sequence[ParentContext] = (), focus: str | None = None,
    continued: bool = False, shown: Collection[str] = (),
) -> Message:
    """The user turn for objective ``number``.

    A turn that opens a conversation holds the draft's shared facts first (every parent of ``contexts``, the
    objectives already ``drafted``), this objective's part last. A ``continued`` turn follows earlier turns of
    the same conversation instead: only this objective's part, with just the passages whose labels are not in
    ``shown`` (those earlier turns showed); the model's earlier objectives are in the conversation as its replies.
    """
    parents = list({c.parent.id: (c.parent, parent_metrics(c.parent)) for c in [*contexts, context]}.values())
    return Message(
        role="user",
        content=render_prompt(
            "draft.objective.j2",
            request=request,
            period=period,
            deadline=deadline,
            parents=parents,
            drafted=drafted,
            number=number,
            total=total,
            parent=context.parent,
            focus=focus,
            key_result=context.key_result,
            passages=[p for p in context.passages if p.label not in shown],
            shown=[p.label for p in context.passages if p.label in shown],
            continued=continued,
            measured=measured_metrics(drafted),
        ),
    )


def repair_message(
    kind: str, text: str, findings: Sequence[Finding], *, round_number: int, deadline: str, policy: Policy,
    instead: str | None = None, verb: str | None = None,
) -> Message:
    """The user turn, after the model's objective, asking to rewrite one rejected part (``kind`` "title" or
    "key result"); the conversation before it holds the team, parent and passages. ``instead``: a metric a
    key result that repeats another should measure; ``verb``: the way the parent moves it ("Reduce")."""
    return Message(
        role="user",
        content=render_prompt(
            "draft.repair.j2",
            kind=kind,
            text=text,
            findings=[Problem(where_in_objective(f.path), f.message) for f in findings],
            round=round_number,
            deadline=deadline,
            max_words=policy.objective_max_words,
            instead=instead,
            verb=verb,
            repeat=only_repeats(findings),
        ),
    )


# A key result that repeats another: word for word anywhere in the set, or by its metric within one objective
REPEAT_RULES = frozenset({"set-duplicate-kr", "objective-kr-same-metric"})


def only_repeats(findings: Sequence[Finding]) -> bool:
    """Whether a part's one problem is that it repeats another key result."""
    return all(f.rule in REPEAT_RULES for f in findings)


def parent_metrics(parent: Parent) -> list[tuple[str, str]]:
    """What each parent key result measures, without its sentence: a small model copies whole sentences."""
    return [(kr.id, metric or kr.text) for kr, metric in key_result_metrics(parent)]


def where_in_objective(path: str) -> str:
    """``objectives[2].key_results[1]`` -> ``key result 2``; the objective itself -> ``objective``."""
    match = _KR_PATH.search(path)
    if match:
        return f"key result {int(match.group(1)) + 1}"
    if ".aligns_to" in path:
        return "aligns_to"
    return "objective"
