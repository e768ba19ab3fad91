"""`okr review --llm`: after the rules, a model rewrites what is weak and raises what rules cannot see.

A rewrite is offered only when it earns it: it passes the rules itself (no error or warning on the rewritten
item), it keeps the original's meaning (embedding similarity at least ``threshold``), and its numbers follow
the drafter's provenance rules: a starting value that is neither in the original text nor in a passage of
the knowledge base is replaced with "a baseline to be established" before the rules judge it. A kept rewrite
is an ``llm-rewrite`` finding (severity info, ``source="llm"``) whose ``suggestion`` is the new text.

The model may also report business as usual, low value, or key results that are necessary but not
sufficient, as warnings with ``source="llm"``. The score stays the rules' score: the model informs, the
deterministic rules grade.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import StructuredOutputError
from assistant.llm.base import ChatBackend, Message
from assistant.llm.structured import generate_structured
from assistant.okr import Finding, KeyResult, OKRSet, Parent, Report, Severity, Verdict
from assistant.policy import Policy
from assistant.prompting import render_prompt
from assistant.retrieval.models import KnowledgeStore

DEFAULT_THRESHOLD = 0.6
REWRITE_MAX_TOKENS = 120
CRITIQUE_MAX_TOKENS = 400
CONCERNS = {
    "business-as-usual": "llm-bau",
    "low-value": "llm-low-value",
    "not-sufficient": "llm-not-sufficient",
}
Similarity = Callable[[str, str], float]


class Rewrite(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, description="The rewritten objective or key result: one sentence.")


class Concern(BaseModel):
    model_config = ConfigDict(extra="ignore")

    path: str = Field(description="Path of the item, exactly as given, e.g. objectives[0].key_results[1].")
    kind: Literal["business-as-usual", "low-value", "not-sufficient"]
    message: str = Field(min_length=1, description="One sentence: why it is a problem and what to change.")


class Critique(BaseModel):
    model_config = ConfigDict(extra="ignore")

    findings: list[Concern] = Field(default_factory=list, max_length=5,
                                    description="At most 5 problems; empty when the OKRs are sound.")


@dataclass(frozen=True)
class _Item:
    path: str
    kind: str  # "objective" | "key result"
    text: str
    objective: int
    key_result: int | None


def review_with_llm(
    okr_set: OKRSet,
    report: Report,
    *,
    llm: ChatBackend,
    policy: Policy,
    store: KnowledgeStore | None = None,
    known_parents: Sequence[Parent] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    similarity: Similarity | None = None,
) -> Report:
    """``report`` plus the model's kept rewrites and its own findings (all with ``source="llm"``).

    Args:
        okr_set: the reviewed set; not modified.
        report: the rules' report on ``okr_set`` (its verdicts pick the items to rewrite).
        store: when given, its passages can source a baseline, and its parents are the known parents.
        known_parents: the parents rewrites are checked against (default: the store's, if any).
        threshold: the least embedding similarity a rewrite must keep with the original.
        similarity: cosine similarity of two texts (default: the offline embedder's).

    Raises:
        LLMError: the backend failed (unreachable, timeout, auth). A reply that never validates only
            skips that item.
    """
    if similarity is None:
        from assistant.retrieval.embeddings import similarity as embedding_similarity

        similarity = embedding_similarity
    known = known_parents if known_parents is not None else (store.list_parents() if store is not None else None)
    system = Message(role="system", content=render_prompt(
        "review.system.j2", kr_min=policy.key_results.min, kr_max=policy.key_results.max))
    added: list[Finding] = []
    kept = rejected = 0
    for item in _weak_items(okr_set, report):
        problems = [f.message for f in report.findings if f.path == item.path and f.source != "llm"]
        prompt = render_prompt(
            "review.rewrite.j2", kind=item.kind, text=item.text, problems=problems,
            objective=okr_set.objectives[item.objective].title if item.key_result is not None else "",
            period=okr_set.period or "",
        )
        try:
            value, _ = generate_structured(llm, [system, Message(role="user", content=prompt)], Rewrite,
                                           retries=1, max_tokens=REWRITE_MAX_TOKENS, temperature=0.0)
        except StructuredOutputError:
            rejected += 1
            continue
        finding = _judge(item, value.text, okr_set, policy=policy, known=known, store=store,
                         threshold=threshold, similarity=similarity)
        if finding is None:
            rejected += 1
        else:
            kept += 1
            added.append(finding)
    added += _critique(okr_set, llm=llm, system=system)
    summary = " ".join(part for part in (
        report.summary,
        f"Model review ({llm.name}: {llm.model}): {kept} rewrite{'s' if kept != 1 else ''} kept, {rejected} "
        f"rejected, {sum(1 for f in added if f.rule != 'llm-rewrite')} further concern(s).",
    ) if part)
    return report.model_copy(update={"findings": [*report.findings, *added], "summary": summary})


def _weak_items(okr_set: OKRSet, report: Report) -> list[_Item]:
    items = []
    bad = {Verdict.WEAK, Verdict.FAIL}
    for o_index, verdict in enumerate(report.objectives):
        if o_index >= len(okr_set.objectives):
            break
        objective = okr_set.objectives[o_index]
        if verdict.verdict in bad and any(f.path == verdict.path for f in report.findings):
            items.append(_Item(verdict.path, "objective", objective.title, o_index, None))
        for k_index, kr_verdict in enumerate(verdict.key_results):
            if k_index < len(objective.key_results) and kr_verdict.verdict in bad:
                items.append(_Item(kr_verdict.path, "key result", objective.key_results[k_index].text,
                                   o_index, k_index))
    return items


def _judge(
    item: _Item, candidate: str, okr_set: OKRSet, *, policy: Policy, known: Sequence[Parent] | None,
    store: KnowledgeStore | None, threshold: float, similarity: Similarity,
) -> Finding | None:
    """The ``llm-rewrite`` finding for ``candidate``, or None when it fails the rules, meaning or provenance."""
    from assistant.review import check

    text = " ".join(candidate.split()).strip().strip('"')
    if not text or text == item.text:
        return None
    trial = okr_set.model_copy(deep=True)
    objective = trial.objectives[item.objective]
    if item.key_result is None:
        objective.title = text.rstrip(".")
        text = objective.title
    else:
        text = _honest_baseline(text, item.text, objective.title, store, period=okr_set.period)
        objective.key_results[item.key_result] = _enriched(text, objective.key_results[item.key_result],
                                                           period=okr_set.period)
    remaining = [
        f for f in check(trial, policy=policy, known_parents=known)
        if f.path == item.path and f.severity in (Severity.ERROR, Severity.WARNING)
    ]
    if remaining:
        return None
    score = similarity(item.text, text)
    if score < threshold:
        return None
    return Finding(
        rule="llm-rewrite",
        severity=Severity.INFO,
        path=item.path,
        message=f"Suggested rewrite of this {item.kind}: it passes the rules and keeps the meaning "
                f"(similarity {score:.2f}).",
        suggestion=text,
        source="llm",
    )


def _honest_baseline(text: str, original: str, objective: str, store: KnowledgeStore | None, *,
                     period: str | None) -> str:
    """``text`` with any starting value that is not in the original nor in a stored passage replaced."""
    from assistant.draft.context import Passage
    from assistant.draft.provenance import request_numbers, tag_key_result

    passages: list[Passage] = []
    if store is not None:
        passages = [Passage(f"S{i}", h.chunk_id, h.document, h.heading, h.text, h.score)
                    for i, h in enumerate(store.search(text, k=3), start=1)]
    tagged = tag_key_result(text, cited=[], retrieved=passages, given=request_numbers([original]),
                            request_text=f"{original} {objective}", period=period)
    return tagged.text


def _enriched(text: str, old: KeyResult, *, period: str | None) -> KeyResult:
    from assistant.krparse import enrich_key_result

    return enrich_key_result(KeyResult(text=text, owner=old.owner, sources=old.sources), period=period)


def _critique(okr_set: OKRSet, *, llm: ChatBackend, system: Message) -> list[Finding]:
    items = []
    for o_index, objective in enumerate(okr_set.objectives):
        items.append({"path": f"objectives[{o_index}]", "text": objective.title})
        for k_index, kr in enumerate(objective.key_results):
            items.append({"path": f"objectives[{o_index}].key_results[{k_index}]", "text": kr.text})
    if not items:
        return []
    prompt = render_prompt("review.critique.j2", team=okr_set.team or "", items=items)
    try:
        value, _ = generate_structured(llm, [system, Message(role="user", content=prompt)], Critique,
                                       retries=1, max_tokens=CRITIQUE_MAX_TOKENS, temperature=0.0)
    except StructuredOutputError:
        return []
    paths = {item["path"] for item in items}
    findings = []
    seen: set[tuple[str, str]] = set()
    for concern in value.findings:
        path = concern.path.strip()
        if path not in paths or (path, concern.kind) in seen:
            continue  # a path the model invented points at nothing the user wrote
        seen.add((path, concern.kind))
        findings.append(Finding(rule=CONCERNS[concern.kind], severity=Severity.WARNING, path=path,
                                message=" ".join(concern.message.split()), source="llm"))
    return findings
