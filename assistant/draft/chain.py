"""One draft's model calls: write an objective, check it with the reviewer's rules, send rejected parts back.

``Chain`` is what ``assistant.drafting.draft_okrs`` runs once per objective. The reviewer's error findings (and
the warnings in ``REPAIR_WARNINGS``: a copied parent, a repeated objective or key result, a verb pointing the
wrong way) go back to the model for at most ``repair_rounds`` rounds, one short question per rejected part;
whatever still fails is left for the draft's findings.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from assistant.draft.assemble import Inputs, assemble, verb_turned, without_numbers
from assistant.draft.context import ParentContext, measured_metrics, metric_verb, unmeasured_metric
from assistant.draft.prompts import REPEAT_RULES, only_repeats, repair_message
from assistant.draft.schema import DraftedObjective, RepairedKeyResult, RepairedTitle, objective_schema
from assistant.draft.tracing import TraceRecorder
from assistant.errors import StructuredOutputError
from assistant.llm.base import ChatBackend, Message
from assistant.llm.structured import generate_structured
from assistant.okr import DraftEvent, Finding, Objective, OKRSet, Parent, Severity, TraceStep
from assistant.policy import Policy
from assistant.review import check
from assistant.review.polarity import better_direction

EventHandler = Callable[[DraftEvent], None]
M = TypeVar("M", bound=BaseModel)
_KR_INDEX = re.compile(r"\.key_results\[(\d+)\]")

# Warnings worth a repair round: small models reuse the parent's title or one of its key results (numbers
# included) as the team's objective, and that defeats the draft's purpose.
# A repeated key result (``REPEAT_RULES``) or a verb pointing the wrong way is cheap to fix with one short call, too.
REPAIR_WARNINGS = frozenset({"objective-copies-parent", "objective-has-metric", "kr-wrong-direction"}) | REPEAT_RULES
OBJECTIVE_MAX_TOKENS = 420
REPAIR_MAX_TOKENS = 90
# Room a repair needs after an objective (its question and a one-line answer), in tokens, and the fewest characters
# a token holds in our prompts (English prose is about 4; JSON and ids less): both for the context-window check.
REPAIR_HEADROOM = 300
CHARS_PER_TOKEN = 3.0
STRUCTURED_RETRIES = 1
TEMPERATURE = 0.0  # greedy: the same request on the same model gives the same draft (a reproducible demo)


def repeated_title(title: str, earlier: Sequence[str]) -> str | None:
    """The earlier title this one restates, checked both ways (a small model also adds a few words)."""
    from assistant.review.rules_objective import near_copy

    return next((e for e in earlier if near_copy(title, e) or near_copy(e, title)), None)


def repeat_finding(path: str, title: str, twin: str) -> Finding:
    return Finding(
        rule="draft-duplicate-objective", severity=Severity.WARNING, path=path,
        message=f'The objective "{title}" repeats an objective already drafted ("{twin}"). '
                "Write a different objective: another outcome this team can move for its parent.",
    )


class Chain:
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
                turned, notes = turn_verbs(value, assembled.objective, problems)
                if notes:  # fixed without a model call; what else is wrong goes on to the repair below
                    value, assembled = turned, assemble(turned, context, self.inputs)
                    self._note(name, notes)
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
            value = self.repair(index, round_number, value, assembled.objective, problems, conversation,
                                measured=measured_metrics([*drafted, assembled.objective]), context=context)
            assembled = assemble(value, context, self.inputs)
            self._note(f"{name}: repair {round_number}", assembled.notes)
            self.recorder.trace.repair_rounds += 1
        return assembled.objective, reply

    def repair(self, index: int, round_number: int, value: DraftedObjective, objective: Objective,
               problems: Sequence[Finding], conversation: list[Message], *, measured: Sequence[str],
               context: ParentContext) -> DraftedObjective:
        """``value`` with each rejected part rewritten by the model: the title, and each failing key result.

        One small call per part (a short question after ``conversation``, the objective's prompt and reply; a
        one-line answer) instead of regenerating the objective: a small model asked to redo the whole
        objective tends to repeat it word for word. A key result that only repeats another is dropped instead
        while the objective keeps more than the policy's fewest; else the model is asked for one about a metric
        of the parent that nothing in the draft measures yet (``measured``): asked only for "a different one",
        it wrote the same sentence again in every run we looked at.
        """
        repaired = value.model_copy(deep=True)
        by_part: dict[int | None, list[Finding]] = {}
        for finding in problems:
            match = _KR_INDEX.search(finding.path)
            by_part.setdefault(int(match.group(1)) if match else None, []).append(finding)
        repeats = sorted((p for p, findings in by_part.items() if p is not None and only_repeats(findings)),
                         reverse=True)
        dropped: list[int] = []
        for kr_index in repeats:
            if len(repaired.key_results) - len(dropped) > self.policy.key_results.min:
                dropped.append(kr_index)
                del by_part[kr_index]
        name = f"objective {index + 1}: repair {round_number}"
        for kr_index in dropped:  # highest index first, so the others keep their places
            del repaired.key_results[kr_index]
        if dropped:
            self._note(name, [f"dropped key result {p + 1}: it repeats another key result" for p in dropped])
        measured = list(measured)
        for part, findings in by_part.items():
            kind = "title" if part is None else "key result"
            text = objective.title if part is None else objective.key_results[part].text
            instead = verb = None
            if any(f.rule in REPEAT_RULES for f in findings):
                instead = unmeasured_metric(context.parent, measured)
                measured += [instead] if instead else []  # two repeats in one objective: two different metrics
                verb = metric_verb(context.parent, instead) if instead else None
            message = repair_message(
                kind, text, findings, round_number=round_number, deadline=self.deadline, policy=self.policy,
                instead=instead, verb=verb,
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
            found.insert(0, repeat_finding(prefix, objective.title, twin))
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


def turn_verbs(value: DraftedObjective, objective: Objective,
               problems: Sequence[Finding]) -> tuple[DraftedObjective, list[str]]:
    """``value`` with the verb of each key result whose verb points against its numbers, or with no pair of
    numbers against its metric's better side (kr-wrong-direction), turned to agree, and a note per change. The
    numbers stay: they come from the sources, while the verb is the model's habit ("Raise median time to hire
    from 68 to 45 days"), and a repair call for it often turned it the wrong way again."""
    turned = value
    notes: list[str] = []
    for finding in problems:
        match = _KR_INDEX.search(finding.path)
        if finding.rule != "kr-wrong-direction" or match is None:
            continue
        part = int(match.group(1))
        kr = objective.key_results[part]  # assemble keeps the drafted key results' order, one for one
        numbers = kr.baseline is not None and kr.target is not None
        better = None if numbers else better_direction(kr.metric)
        text = verb_turned(turned.key_results[part].text, kr.baseline, kr.target, better)
        if text is None:
            continue
        if turned is value:
            turned = value.model_copy(deep=True)
        turned.key_results[part].text = text
        way = "its numbers do" if numbers else "that makes its metric better"
        notes.append(f"key result {part + 1}: the verb now goes the way {way} ({text.split()[0]})")
    return turned, notes


def copied_parent_text(title: str, context: ParentContext) -> str | None:
    """The parent title or key result that ``title`` restates, if any.

    The reviewer compares a title with the one parent item it links to; a small model also copies the parent's
    key results while linking the objective, so the drafter compares with all of them.
    """
    from assistant.review.rules_objective import near_copy

    texts = [context.parent.title, *(kr.text for kr in context.parent.key_results)]
    return next((t for t in texts if near_copy(title, t) or near_copy(title, without_numbers(t))), None)


def _step(name: str, detail: str) -> TraceStep:
    return TraceStep(name=name, seconds=0.0, detail=detail)
