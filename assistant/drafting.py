"""The draft chain: parents -> retrieval -> one objective at a time -> validate -> repair -> provenance.

``draft_okrs`` is the one entry point. Each objective is generated on its own turn (a small reply a 1.5B local
model can handle, and a result that can be shown as soon as it exists) of one conversation, which holds the
objectives drafted so far as the model's own replies so they are not repeated. The reviewer's rules check every
objective as it is drafted; ``draft.chain`` sends its error findings (and a copied parent title) back to the
model for at most ``repair_rounds`` rounds. Whatever still fails after that is reported in the result's
findings: the draft is complete, and says what is wrong with it.

A model failure mid-way (timeout, unreachable server, output that never validates) is never shown as a
complete draft: ``on_event`` receives a ``result`` event whose result has ``complete=False`` (the objectives
drafted so far, for streaming clients), and then ``DraftIncomplete`` is raised with what failed and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from assistant.draft.assemble import Inputs
from assistant.draft.chain import Chain, EventHandler, repeat_finding, repeated_title
from assistant.draft.context import (
    PassageBook,
    focus_plan,
    measured_metrics,
    retrieve_passages,
    select_parents,
)
from assistant.draft.period import next_quarter, period_end
from assistant.draft.prompts import objective_message, system_message
from assistant.draft.provenance import request_numbers
from assistant.draft.tracing import TraceRecorder
from assistant.errors import DraftIncomplete, InputError, LLMError
from assistant.llm.base import ChatBackend, Message
from assistant.okr import (
    Citation,
    DraftEvent,
    DraftRequest,
    DraftResult,
    Finding,
    Level,
    NumberRef,
    Objective,
    OKRSet,
    Provenance,
)
from assistant.policy import Policy
from assistant.retrieval.models import KnowledgeStore
from assistant.review import review


def draft_okrs(
    request: DraftRequest,
    *,
    llm: ChatBackend,
    store: KnowledgeStore,
    policy: Policy,
    on_event: EventHandler | None = None,
    repair_rounds: int = 2,
) -> DraftResult:
    """Draft team OKRs for ``request`` that align to parents in ``store`` and cite its passages.

    Args:
        request: the team, its mission and focus, and optionally parents, period and objective count
            (default: the policy's minimum).
        llm: the chat backend that writes the objectives.
        store: the knowledge base (strategy passages and parent objectives).
        policy: limits and severities; the same rules the reviewer applies.
        on_event: called with progress events (``step``, ``objective``, ``repair``, ``result``).
        repair_rounds: how often an objective with error findings goes back to the model.

    Returns:
        The draft, its remaining findings and score, the citations it rests on, and a trace.

    Raises:
        InputError: the objective count is outside the policy.
        UnknownParent: a named parent is not in the knowledge base.
        ConfigError: no parent was named and none is stored.
        DraftIncomplete: the model failed before every objective was drafted.
    """
    emit = on_event or _ignore
    count = objective_count(request, policy)
    period = request.period or next_quarter()
    deadline = period_end(period)
    recorder = TraceRecorder(backend=llm.name, model=llm.model)

    with recorder.step("parents") as step:
        targets = select_parents(request, store, count=count)
        known = store.list_parents()
        step.detail = ", ".join(t.key_result or t.parent.id for t in targets)
    for target in targets:
        emit(DraftEvent(kind="step", message=f"Parent {target.key_result or target.parent.id}: {target.parent.title}"))

    book = PassageBook()
    with recorder.step("retrieval") as step:
        contexts = retrieve_passages(targets, request, store, book)
        step.detail = f"{len(book.by_label)} passages"
    for context in contexts:
        emit(DraftEvent(kind="step", message=f"Retrieved {len(context.passages)} passages for {context.parent.id}"))

    inputs = Inputs(
        team=request.team,
        period=period,
        given=request_numbers([request.mission, *request.focus, request.capacity or ""]),
        request_text=" ".join([request.team, request.mission, *request.focus]),
        deadline=deadline,
    )
    system = system_message(policy)
    prime = getattr(llm, "prime", None)  # the local backend: the system turn's KV state, cached on disk
    if prime is not None:
        with recorder.step("system turn: prompt eval") as step:
            primed = prime([system])
            if primed is not None:
                step.prompt_tokens = primed.evaluated
                step.detail = primed.describe()
    chain = Chain(llm=llm, policy=policy, recorder=recorder, emit=emit, known=known, inputs=inputs,
                  repair_rounds=repair_rounds, deadline=deadline)
    drafted: list[Objective] = []
    # One conversation for the whole draft: each objective's turn follows the model's earlier replies, so the
    # prompt cache holds everything before it and the model sees what it already wrote. When the next turn would
    # not fit the model's context, a new conversation starts with the shared facts and the objectives so far.
    conversation: list[Message] = [system]
    shown: set[str] = set()
    for index in range(count):
        context = contexts[index % len(contexts)]
        emit(DraftEvent(kind="step", index=index,
                        message=f"Objective {index + 1}/{count}: drafting for parent {context.parent.id}"))
        # planned again for each objective: one without a focus area of its own takes a metric nothing drafted
        # so far measures
        focus = focus_plan(request, contexts, count, measured=measured_metrics(drafted))[index]
        ask = partial(objective_message, request, period=period, deadline=deadline, number=index + 1, total=count,
                      context=context, contexts=contexts, drafted=drafted, focus=focus)
        user = ask(continued=len(conversation) > 1, shown=shown)
        if len(conversation) > 1 and not chain.fits([*conversation, user]):
            conversation, shown = [system], set()
            user = ask()
        messages = [*conversation, user]
        try:
            objective, reply = chain.objective(index, messages, context, drafted)
        except LLMError as exc:
            unfinished = _result(request, period, drafted, [], 0, book, recorder, complete=False)
            emit(DraftEvent(kind="result", message="incomplete", result=unfinished))
            raise DraftIncomplete(
                f"The draft stopped at objective {index + 1} of {count} (parent {context.parent.id}); "
                f"only {index} of {count} objectives were drafted, so no draft is returned. Cause: {exc.message}"
            ) from exc
        drafted.append(objective)
        conversation = [*messages, Message(role="assistant", content=reply)]
        shown.update(p.label for p in context.passages)
        emit(DraftEvent(kind="objective", index=index, objective=objective, message=objective.title))

    okr_set = OKRSet(team=request.team, period=period, level=Level.TEAM, objectives=drafted)
    with recorder.step("citations"):
        citations = resolve_citations(okr_set, book, store)
    with recorder.step("validation", detail="all rules on the whole set"):
        report = review(okr_set, policy=policy, known_parents=known)
    # the reviewer has no rule for it (two objectives may share words), but a repeat the repairs left is reported
    repeats = [
        repeat_finding(f"objectives[{index}]", objective.title, twin)
        for index, objective in enumerate(drafted)
        if (twin := repeated_title(objective.title, [d.title for d in drafted[:index]])) is not None
    ]
    result = _result(request, period, drafted, [*repeats, *report.findings], report.score, book, recorder,
                     citations=citations)
    emit(DraftEvent(kind="result", message="complete", result=result))
    return result


def objective_count(request: DraftRequest, policy: Policy) -> int:
    """How many objectives to draft: the request's number, else the policy's minimum; within the policy."""
    count = request.objectives or policy.objectives.min
    if not policy.objectives.min <= count <= policy.objectives.max:
        raise InputError(
            f"{count} objectives is outside the '{policy.name}' policy's range of {policy.objectives}: ask for "
            f"{policy.objectives.min} to {policy.objectives.max}, or choose another profile (OKR_PROFILE)."
        )
    return count


def resolve_citations(okr_set: OKRSet, book: PassageBook, store: KnowledgeStore) -> list[Citation]:
    """One citation per cited chunk that the store still holds; sources that do not resolve are dropped.

    A number whose chunk did not resolve loses its ``sourced`` tag (it becomes ``proposed``).
    """
    cited = list(dict.fromkeys(c for o in okr_set.objectives for kr in o.key_results for c in kr.sources))
    found = {hit.chunk_id: hit for hit in store.get_chunks(cited)} if cited else {}
    excerpts = {p.chunk_id: p for p in book.by_label.values()}
    for objective in okr_set.objectives:
        for kr in objective.key_results:
            kr.sources = [c for c in kr.sources if c in found]
            kr.numbers = [_unsource(n) if n.chunk_id and n.chunk_id not in found else n for n in kr.numbers]
    citations = []
    for chunk_id in cited:
        if chunk_id not in found:
            continue
        passage = excerpts.get(chunk_id)
        text = passage.text if passage else found[chunk_id].text[:400]
        citations.append(Citation(chunk_id=chunk_id, document=found[chunk_id].document, text=text))
    return citations


def _unsource(number: NumberRef) -> NumberRef:
    return number.model_copy(update={"provenance": Provenance.PROPOSED, "chunk_id": None})


def _result(
    request: DraftRequest, period: str, drafted: Sequence[Objective], findings: list[Finding], score: int,
    book: PassageBook, recorder: TraceRecorder, *, citations: list[Citation] | None = None, complete: bool = True,
) -> DraftResult:
    okr_set = OKRSet(team=request.team, period=period, level=Level.TEAM, objectives=list(drafted))
    if citations is None:
        used = {c for o in drafted for kr in o.key_results for c in kr.sources}
        citations = [
            Citation(chunk_id=p.chunk_id, document=p.document, text=p.text)
            for p in book.by_label.values() if p.chunk_id in used
        ]
    return DraftResult(okr_set=okr_set, findings=findings, score=score, citations=citations,
                       trace=recorder.finish(), complete=complete)


def _ignore(event: DraftEvent) -> None:
    return None
