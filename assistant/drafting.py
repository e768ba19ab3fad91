"""The draft chain: parents -> retrieval -> one objective at a time -> validate -> repair -> provenance.

``draft_okrs`` is the one entry point. Each objective is generated on its own (a small prompt a 1.5B local
model can handle, and a result that can be shown as soon as it exists), with the objectives drafted so far in
the prompt so they are not repeated. The reviewer's rules check every objective as it is drafted; its error
findings (and a copied parent title) go back to the model for at most ``repair_rounds`` rounds. Whatever still
fails after that is reported in the result's findings: the draft is complete, and says what is wrong with it.

A model failure mid-way (timeout, unreachable server, output that never validates) is never shown as a
complete draft: ``on_event`` receives a ``result`` event whose result has ``complete=False`` (the objectives
drafted so far, for streaming clients), and then ``DraftIncomplete`` is raised with what failed and how to fix it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from pydantic import BaseModel

from assistant.draft.assemble import Inputs, assemble, without_numbers
from assistant.draft.context import ParentContext, PassageBook, focus_plan, retrieve_passages, select_parents
from assistant.draft.period import next_quarter, period_end
from assistant.draft.prompts import objective_message, repair_message, system_message
from assistant.draft.provenance import request_numbers
from assistant.draft.schema import DraftedObjective, RepairedKeyResult, RepairedTitle, objective_schema
from assistant.draft.tracing import TraceRecorder
from assistant.errors import DraftIncomplete, InputError, LLMError, StructuredOutputError
from assistant.llm.base import ChatBackend, Message
from assistant.llm.structured import generate_structured
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
    Parent,
    Provenance,
    Severity,
    TraceStep,
)
from assistant.policy import Policy
from assistant.retrieval.models import KnowledgeStore
from assistant.review import check, review

EventHandler = Callable[[DraftEvent], None]
M = TypeVar("M", bound=BaseModel)
_KR_INDEX = re.compile(r"\.key_results\[(\d+)\]")

# Warnings worth a repair round: small models reuse the parent's title or one of its key results (numbers
# included) as the team's objective, and that defeats the draft's purpose.
# A duplicated key result or a verb pointing the wrong way is cheap to fix with one short call, too.
REPAIR_WARNINGS = frozenset(
    {"objective-copies-parent", "objective-has-metric", "set-duplicate-kr", "kr-wrong-direction"}
)
OBJECTIVE_MAX_TOKENS = 420
REPAIR_MAX_TOKENS = 90
# Room a repair needs after an objective (its question and a one-line answer), in tokens, and the fewest characters
# a token holds in our prompts (English prose is about 4; JSON and ids less): both for the context-window check.
REPAIR_HEADROOM = 300
CHARS_PER_TOKEN = 3.0
STRUCTURED_RETRIES = 1
TEMPERATURE = 0.0  # greedy: the same request on the same model gives the same draft (a reproducible demo)


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
    )
    system = system_message(policy)
    prime = getattr(llm, "prime", None)  # the local backend: the system turn's KV state, cached on disk
    if prime is not None:
        with recorder.step("system turn: prompt eval") as step:
            primed = prime([system])
            if primed is not None:
                step.prompt_tokens = primed.evaluated
                step.detail = primed.describe()
    chain = _Chain(llm=llm, policy=policy, recorder=recorder, emit=emit, known=known, inputs=inputs,
                   repair_rounds=repair_rounds, deadline=deadline)
    drafted: list[Objective] = []
    focuses = focus_plan(request, contexts, count)
    # One conversation for the whole draft: each objective's turn follows the model's earlier replies, so the
    # prompt cache holds everything before it and the model sees what it already wrote. When the next turn would
    # not fit the model's context, a new conversation starts with the shared facts and the objectives so far.
    conversation: list[Message] = [system]
    shown: set[str] = set()
    for index in range(count):
        context = contexts[index % len(contexts)]
        emit(DraftEvent(kind="step", index=index,
                        message=f"Objective {index + 1}/{count}: drafting for parent {context.parent.id}"))
        ask = partial(objective_message, request, period=period, deadline=deadline, number=index + 1, total=count,
                      context=context, contexts=contexts, drafted=drafted, focus=focuses[index])
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
        _repeat_finding(f"objectives[{index}]", objective.title, twin)
        for index, objective in enumerate(drafted)
        if (twin := repeated_title(objective.title, [d.title for d in drafted[:index]])) is not None
    ]
    result = _result(request, period, drafted, [*repeats, *report.findings], report.score, book, recorder,
                     citations=citations)
    emit(DraftEvent(kind="result", message="complete", result=result))
    return result


def repeated_title(title: str, earlier: Sequence[str]) -> str | None:
    """The earlier title this one restates, checked both ways (a small model also adds a few words)."""
    from assistant.review.rules_objective import near_copy

    return next((e for e in earlier if near_copy(title, e) or near_copy(e, title)), None)


def _repeat_finding(path: str, title: str, twin: str) -> Finding:
    return Finding(
        rule="draft-duplicate-objective", severity=Severity.WARNING, path=path,
        message=f'The objective "{title}" repeats an objective already drafted ("{twin}"). '
                "Write a different objective: another outcome this team can move for its parent.",
    )


def objective_count(request: DraftRequest, policy: Policy) -> int:
    """How many objectives to draft: the request's number, else the policy's minimum; within the policy."""
    count = request.objectives or policy.objectives.min
    if not policy.objectives.min <= count <= policy.objectives.max:
        raise InputError(
            f"{count} objectives is outside the '{policy.name}' policy's range of {policy.objectives}: ask for "
            f"{policy.objectives.min} to {policy.objectives.max}, or choose another profile (OKR_PROFILE)."
        )
    return count


class _Chain:
    """One draft's model calls: generate an objective, check it, repair it."""

    def __init__(self, *, llm: ChatBackend, policy: Policy, recorder: TraceRecorder, emit: EventHandler,
                 known: Sequence[Parent], inputs: Inputs, repair_rounds: int, deadline: str) -> None:
        self.llm = llm
        self.deadline = deadline
        self.policy = policy
        self.recorder = recorder
        self.emit = emit
        self.known = list(known)
        self.inputs = inputs
        self.repair_rounds = max(0, repair_rounds)
        self.schema = objective_schema(policy.key_results.min, policy.key_results.max)

    def fits(self, messages: Sequence[Message]) -> bool:
        """Whether ``messages`` leave room in the model's context (if it has a small one, as the local model
        does) for an objective and a repair after it. An estimate from the characters: it errs on the safe side.
        """
        window = getattr(self.llm, "n_ctx", None)
        if not isinstance(window, int):
            return True
        estimate = sum(len(m.content) for m in messages) / CHARS_PER_TOKEN + 8 * len(messages)
        return estimate + OBJECTIVE_MAX_TOKENS + REPAIR_HEADROOM <= window

    def objective(self, index: int, messages: list[Message], context: ParentContext,
                  drafted: Sequence[Objective]) -> tuple[Objective, str]:
        """The objective, checked and repaired, and the model's first reply (the conversation goes on from it)."""
        name = f"objective {index + 1}"
        value, reply = self._generate(name, messages, self.schema, OBJECTIVE_MAX_TOKENS)
        # repairs continue this conversation: the local model's prompt cache already holds all of it
        conversation = [*messages, Message(role="assistant", content=reply)]
        assembled = assemble(value, context, self.inputs)
        self._note(name, assembled.notes)
        warned: set[tuple[str, str]] = set()
        for round_number in range(1, self.repair_rounds + 1):
            with self.recorder.step(f"{name}: validation") as step:
                problems = self.problems(index, assembled.objective, drafted, context)
                # a warning the model could not fix once (a repeat, mostly) it does not fix on a second try
                # either, in our runs; errors always go back
                problems = [p for p in problems
                            if p.severity is Severity.ERROR or (p.rule, p.path) not in warned]
                warned.update((p.rule, p.path) for p in problems if p.severity is not Severity.ERROR)
                step.detail = f"{len(problems)} to repair"
            if not problems:
                break
            self.emit(DraftEvent(
                kind="repair", index=index,
                message=f"Objective {index + 1}: repair round {round_number} for "
                        + "; ".join(sorted({p.rule for p in problems})),
            ))
            value = self.repair(index, round_number, value, assembled.objective, problems, conversation)
            assembled = assemble(value, context, self.inputs)
            self._note(f"{name}: repair {round_number}", assembled.notes)
            self.recorder.trace.repair_rounds += 1
        return assembled.objective, reply

    def repair(self, index: int, round_number: int, value: DraftedObjective, objective: Objective,
               problems: Sequence[Finding], conversation: list[Message]) -> DraftedObjective:
        """``value`` with each rejected part rewritten by the model: the title, and each failing key result.

        One small call per part (a short question after ``conversation``, the objective's prompt and reply; a
        one-line answer) instead of regenerating the objective: a small model asked to redo the whole
        objective tends to repeat it word for word.
        """
        repaired = value.model_copy(deep=True)
        by_part: dict[int | None, list[Finding]] = {}
        for finding in problems:
            match = _KR_INDEX.search(finding.path)
            by_part.setdefault(int(match.group(1)) if match else None, []).append(finding)
        for part, findings in by_part.items():
            kind = "title" if part is None else "key result"
            text = objective.title if part is None else objective.key_results[part].text
            message = repair_message(
                kind, text, findings, round_number=round_number, deadline=self.deadline, policy=self.policy,
            )
            name = f"objective {index + 1}: repair {round_number}: {kind}" + ("" if part is None else f" {part + 1}")
            schema: type[BaseModel] = RepairedTitle if part is None else RepairedKeyResult
            try:
                answer, _ = self._generate(name, [*conversation, message], schema, REPAIR_MAX_TOKENS)
            except StructuredOutputError as exc:
                # keep the last valid version of this part: its findings are reported, the draft stays whole
                self._note(name, [f"no valid output after {exc.attempts} attempts; kept the previous text"])
                continue
            if isinstance(answer, RepairedTitle):
                words = len(answer.title.split())
                if words > self.policy.objective_max_words:
                    # a small model sometimes rambles on (restating the parent, the key results, the request)
                    self._note(name, [f"the new title has {words} words (most: {self.policy.objective_max_words}); "
                                      "kept the previous text"])
                    continue
                repaired.title = answer.title
            elif isinstance(answer, RepairedKeyResult) and part is not None:
                repaired.key_results[part].text = answer.text
        return repaired

    def problems(self, index: int, objective: Objective, drafted: Sequence[Objective],
                 context: ParentContext) -> list[Finding]:
        """The findings on this objective that go back to the model: errors, and a copied parent."""
        trial = OKRSet(team=self.inputs.team, period=self.inputs.period, objectives=[*drafted, objective])
        prefix = f"objectives[{index}]"
        found = [
            f for f in check(trial, policy=self.policy, known_parents=self.known)
            if (f.path == prefix or f.path.startswith(prefix + "."))
            and (f.severity is Severity.ERROR or f.rule in REPAIR_WARNINGS)
        ]
        twin = repeated_title(objective.title, [d.title for d in drafted])
        if twin is not None:
            found.insert(0, _repeat_finding(prefix, objective.title, twin))
        if not any(f.rule == "objective-copies-parent" for f in found):
            copied = copied_parent_text(objective.title, context)
            if copied is not None:
                found.insert(0, Finding(
                    rule="objective-copies-parent", severity=Severity.WARNING, path=prefix,
                    message=f'The objective "{objective.title}" repeats the parent\'s words ("{copied}"). Write '
                            "a short, qualitative objective in this team's own words, without numbers.",
                ))
        return found

    def _generate(self, name: str, messages: list[Message], schema: type[M], max_tokens: int) -> tuple[M, str]:
        """The validated reply and its raw text."""
        started = time.perf_counter()
        try:
            value, completions = generate_structured(
                self.llm, messages, schema, retries=STRUCTURED_RETRIES, max_tokens=max_tokens,
                temperature=TEMPERATURE,
            )
        except StructuredOutputError as exc:
            self.recorder.model_call(name, [], seconds=time.perf_counter() - started,
                                     detail=f"failed after {exc.attempts} attempts")
            raise
        self.recorder.model_call(name, completions, seconds=time.perf_counter() - started)
        return value, completions[-1].text

    def _note(self, name: str, notes: Sequence[str]) -> None:
        if notes:
            self.recorder.trace.steps.append(
                _step(f"{name}: corrections", "; ".join(notes))
            )


def copied_parent_text(title: str, context: ParentContext) -> str | None:
    """The parent title or key result that ``title`` restates, if any.

    The reviewer compares a title with the one parent item it links to; a small model also copies the parent's
    key results while linking the objective, so the drafter compares with all of them.
    """
    from assistant.review.rules_objective import near_copy

    texts = [context.parent.title, *(kr.text for kr in context.parent.key_results)]
    return next((t for t in texts if near_copy(title, t) or near_copy(title, without_numbers(t))), None)


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


def _step(name: str, detail: str) -> TraceStep:
    return TraceStep(name=name, seconds=0.0, detail=detail)


def _ignore(event: DraftEvent) -> None:
    return None
