"""The baseline to beat: a drafter with no language model.

It takes the same steps as the chain up to the prompt (the same parents, the same retrieved passages), then
writes each objective by rule instead of by model: the title from the team's focus (or mission) and the parent,
the key results from the measurable statements in the passages ("utilisation was 78%; the target is 88%" ->
"Raise clinician schedule utilisation from 78% to 88% by 2027-03-31"). A statement with a current value but no
stated goal gets a proposed target 10% better; a goal with no current value starts "from a baseline to be
established". When the passages hold too few statements, the parent's own key results fill in.

What it writes goes through the chain's own assembly (alignment, citations, provenance, parsed fields), the
reviewer and the citation check, so the two are scored on exactly the same terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.draft.assemble import Inputs, assemble
from assistant.draft.context import ParentContext, Passage, PassageBook, retrieve_passages, select_parents
from assistant.draft.period import next_quarter, period_end
from assistant.draft.provenance import BASELINE_PLACEHOLDER, request_numbers
from assistant.draft.schema import DraftedAlignment, DraftedKeyResult, DraftedObjective
from assistant.draft.tracing import TraceRecorder
from assistant.drafting import objective_count, resolve_citations
from assistant.krparse import NumberMention, numbers_in
from assistant.okr import DraftRequest, DraftResult, Level, Objective, OKRSet
from assistant.policy import Policy
from assistant.retrieval.models import KnowledgeStore
from assistant.review import review

PROPOSED_CHANGE = 0.10  # a proposed target moves the current value 10% the right way
MAX_KEY_RESULTS = 3

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r"[;:()]|,\s+(?:and|but|while)\s+|\s+but\s+")
_CURRENT = re.compile(
    r"^(?P<metric>.+?)\s+(?:was|were|is|are|averaged|reached|grew to|stood at|takes|take|needs|had|has|hit|"
    r"fell to|rose to|finished before \S+ on)\s+(?:a median of\s+|an average of\s+|about\s+|only\s+)?(?=[£$€\d])",
    re.IGNORECASE,
)
_SHARE = re.compile(r"^(?:only\s+)?(?P<number>[£$€]?\d[\d.,]*\s*%)\s+of\s+(?P<rest>.+)$", re.IGNORECASE)
_GOAL = re.compile(r"\b(?:target|goal|aim|promise|commitment|benchmark|standard|plan of)\b", re.IGNORECASE)
_GOAL_ABOUT = re.compile(r"\b(?:target|goal|aim)\s+for\s+(?P<metric>.+?)\s+is\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:today,?\s+|in (?:q\d|\d{4})[^,]*,\s*|our\s+|the\s+|only\s+|and\s+)+", re.IGNORECASE)
_TAIL = re.compile(r"\s+(?:in|during|for|at the end of|by the end of)\s+(?:q\d|\d{4}|the year|december)\b.*$",
                   re.IGNORECASE)
_LOWER_IS_BETTER = re.compile(
    r"churn|cost|time|wait|latency|incident|error|fail|late|delay|no-show|waste|turnover|leav|disput|abandon|"
    r"hang up|days|hours|weeks|minutes|backlog|missing|substitut|caseload|per care coordinator|rollback|hotfix",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z-]+")


@dataclass(frozen=True)
class Statement:
    """A measurable statement found in a passage: a metric, its current value and a stated goal, if any."""

    label: str
    metric: str
    current: NumberMention | None
    goal: NumberMention | None

    def key_result(self, deadline: str) -> str:
        lower = bool(_LOWER_IS_BETTER.search(self.metric))
        if self.current is not None and self.goal is not None:
            lower = self.goal.value < self.current.value
        verb = "Reduce" if lower else "Raise"
        start = self.current.raw if self.current is not None else BASELINE_PLACEHOLDER
        if self.goal is not None:
            end = self.goal.raw
        else:
            assert self.current is not None
            end = proposed_target(self.current, lower=lower)
        return f"{verb} {self.metric} from {start} to {end} by {deadline}"


def draft_baseline(request: DraftRequest, *, store: KnowledgeStore, policy: Policy) -> DraftResult:
    """A draft for ``request`` written by rules from the retrieved passages, with no language model.

    Same inputs, parent selection, retrieval and result shape as ``assistant.drafting.draft_okrs``.

    Raises:
        InputError, UnknownParent, ConfigError: as ``draft_okrs`` does, for the same request and store.
    """
    count = objective_count(request, policy)
    period = request.period or next_quarter()
    deadline = period_end(period)
    recorder = TraceRecorder(backend="baseline", model="no model")
    with recorder.step("parents"):
        targets = select_parents(request, store, count=count)
        known = store.list_parents()
    book = PassageBook()
    with recorder.step("retrieval"):
        contexts = retrieve_passages(targets, request, store, book)
    inputs = Inputs(
        team=request.team,
        period=period,
        given=request_numbers([request.mission, *request.focus, request.capacity or ""]),
        request_text=" ".join([request.team, request.mission, *request.focus]),
    )
    drafted: list[Objective] = []
    used: list[str] = []
    with recorder.step("statements", detail="key results from measurable statements"):
        for index in range(count):
            context = contexts[index % len(contexts)]
            written = baseline_objective(request, context, index=index, deadline=deadline, policy=policy, used=used)
            objective = assemble(written, context, inputs).objective
            objective.rationale = f"Our part in {context.parent.id}."
            for kr in objective.key_results:
                kr.owner = f"{request.team} lead"
            drafted.append(objective)
    with recorder.step("validation"):
        okr_set = OKRSet(team=request.team, period=period, level=Level.TEAM, objectives=drafted)
        report = review(okr_set, policy=policy, known_parents=known)
    with recorder.step("citations"):
        citations = resolve_citations(okr_set, book, store)
    return DraftResult(okr_set=okr_set, findings=report.findings, score=report.score, citations=citations,
                       trace=recorder.finish())


def baseline_objective(
    request: DraftRequest, context: ParentContext, *, index: int, deadline: str, policy: Policy, used: list[str],
) -> DraftedObjective:
    """One objective as the baseline writes it; ``used`` collects metrics already taken by earlier objectives."""
    query = _words(" ".join([context.parent.title, request.mission, *request.focus]))
    found = [s for s in statements(context.passages) if not _taken(s.metric, used)]
    found.sort(key=lambda s: -(len(_words(s.metric) & query) + (1 if s.current and s.goal else 0)))
    limit = max(policy.key_results.min, min(policy.key_results.max, MAX_KEY_RESULTS))
    key_results: list[str] = []
    labels: list[str] = []
    for statement in found:
        if len(key_results) >= limit:
            break
        if _taken(statement.metric, used):
            continue
        key_results.append(statement.key_result(deadline))
        labels.append(statement.label)
        used.append(statement.metric)
    for parent_kr in context.parent.key_results:  # too few statements: carry the parent's own key results
        if len(key_results) >= policy.key_results.min:
            break
        if parent_kr.text not in used:
            key_results.append(parent_kr.text)
            used.append(parent_kr.text)
    link = context.key_result or context.parent.id
    alignment = DraftedAlignment(id=link, type="explicit" if context.key_result else "directional")
    return DraftedObjective(
        title=objective_title(request, context, index=index, max_words=policy.objective_max_words),
        aligns_to=alignment,
        sources=list(dict.fromkeys(labels)),
        key_results=[DraftedKeyResult(text=text) for text in key_results],
    )


def objective_title(request: DraftRequest, context: ParentContext, *, index: int, max_words: int) -> str:
    """The team's focus for this objective (or its mission's opening), tied to the parent in words."""
    theme = request.focus[index] if index < len(request.focus) else _opening(request.mission)
    theme = " ".join(re.sub(r"(?<!\w)[£$€]?\d[\d.,]*%?(?!\w)", "", theme).split()).strip(" ,.;:")
    parent = context.parent.title
    title = f"{theme[:1].upper()}{theme[1:]}, as our part in: {parent[:1].lower()}{parent[1:]}"
    if len(title.split()) > max_words:  # the parent does not fit: the team's theme alone
        title = " ".join(f"{theme[:1].upper()}{theme[1:]}".split()[:max_words])
    return title


def statements(passages: Sequence[Passage]) -> list[Statement]:
    """The measurable statements of ``passages``, in order, one per metric."""
    found: list[Statement] = []
    for passage in passages:
        text = " ".join(passage.text.split())
        for sentence in _SENTENCE.split(text):
            found.extend(_read_sentence(passage.label, sentence, text))
    unique: list[Statement] = []
    for statement in found:
        if not _taken(statement.metric, [s.metric for s in unique]):
            unique.append(statement)
    return unique


def _read_sentence(label: str, sentence: str, text: str) -> list[Statement]:
    clauses = [c.strip(" .") for c in _CLAUSE.split(sentence) if c and c.strip(" .")]
    current: list[Statement] = []
    goal: NumberMention | None = None
    goal_metric: str | None = None
    for clause in clauses:
        mentions = numbers_in(clause)
        if not mentions:
            continue
        if _GOAL.search(clause):
            goal = mentions[-1]
            about = _GOAL_ABOUT.search(clause)
            goal_metric = _clean_metric(about.group("metric"), text) if about else None
            continue
        read = _current(clause, mentions, text)
        if read is not None:
            current.append(Statement(label, read[0], read[1], None))
    if current and goal is not None:
        first = current[0]
        current[0] = Statement(label, first.metric, first.current, goal)
    elif goal is not None and goal_metric:
        current.append(Statement(label, goal_metric, None, goal))
    return current


def _current(clause: str, mentions: list[NumberMention], text: str) -> tuple[str, NumberMention] | None:
    share = _SHARE.match(clause)
    if share is not None:
        rest = _clean_metric(share.group("rest"), text)
        return (f"the share of {rest}", mentions[0]) if rest else None
    match = _CURRENT.match(clause)
    if match is None:
        return None
    metric = _clean_metric(match.group("metric"), text)
    after = [m for m in mentions if m.start >= match.end() - 1]
    if not metric or not after:
        return None
    return metric, after[0]


def _clean_metric(phrase: str, text: str) -> str:
    """The metric named by ``phrase``, in lower case unless its first word is a name (capitalised mid-sentence
    elsewhere in ``text``); empty when it is no usable metric."""
    phrase = _TAIL.sub("", _LEAD.sub("", " ".join(phrase.split()))).strip(" ,.;:")
    words = phrase.split()
    if not 1 <= len(words) <= 12 or numbers_in(phrase) or not any(len(w) > 3 for w in words):
        return ""
    first = words[0]
    if first[:2].isupper() or re.search(rf"[^.!?\s]\s+{re.escape(first)}\b", text):
        return phrase
    return phrase[:1].lower() + phrase[1:]


def proposed_target(current: NumberMention, *, lower: bool) -> str:
    """``current`` moved by ``PROPOSED_CHANGE`` the right way, written like the original ("£38" -> "£34")."""
    match = re.search(r"\d[\d,]*(?:\.\d+)?", current.raw)
    if match is None:
        return current.raw
    digits = match.group(0).replace(",", "")
    value = float(digits)
    factor = 1 - PROPOSED_CHANGE if lower else 1 + PROPOSED_CHANGE
    new = value * factor
    if current.unit == "%" and not lower and value <= 100:
        new = min(new, 100.0)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    text = f"{new:,.{decimals}f}" if "," in match.group(0) else f"{new:.{decimals}f}"
    if text == match.group(0):  # too small to move at this precision: one more decimal
        text = f"{new:.{decimals + 1}f}"
    return current.raw[: match.start()] + text + current.raw[match.end() :]


def _opening(mission: str) -> str:
    first = re.split(r"[,.;:]|\s+(?:so that|so|by|and)\s+", mission, maxsplit=1)[0]
    return " ".join(first.split()[:10])


def _words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) > 3}


def _taken(metric: str, used: Sequence[str]) -> bool:
    words = _words(metric)
    return any(words and len(words & _words(other)) / len(words | _words(other)) >= 0.6 for other in used)
