"""Turn what the model wrote into a checked ``Objective``: alignment, citations, provenance, parsed fields.

Nothing the model writes is trusted as is. Its parent link must name the parent it was given (or one of that
parent's key results), else it is set to that parent; its passage labels must be ones it was shown, else they
are dropped; every number goes through provenance; and the key result's structured fields are derived from
its final text by the KR parser, so text and fields always agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.draft.context import ParentContext, Passage
from assistant.draft.provenance import tag_key_result
from assistant.draft.schema import DEADLINE_LEAD, TITLE_FIGURE_LEAD, DraftedObjective
from assistant.krparse import NumberMention, enrich_key_result
from assistant.krtext import lexicon as lx
from assistant.okr import Alignment, AlignmentType, Direction, KeyResult, Objective, ParentKind

_LABEL = re.compile(r"\bS\d+\b", re.IGNORECASE)


@dataclass
class Assembled:
    objective: Objective
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Inputs:
    """What every objective of one draft is checked against."""

    team: str
    period: str | None
    given: Sequence[NumberMention]
    request_text: str
    deadline: str | None = None  # the period's last day: what a key result ended at "by 202" is due by


def assemble(drafted: DraftedObjective, context: ParentContext, inputs: Inputs) -> Assembled:
    """The checked ``Objective`` for ``drafted``, with notes on everything that was corrected."""
    notes: list[str] = []
    alignment = _alignment(drafted, context, notes)
    shown = {p.label: p for p in context.passages}
    cited: list[Passage] = []
    for raw in drafted.sources:
        match = _LABEL.search(raw)
        label = match.group(0).upper() if match else raw
        if label in shown and shown[label] not in cited:
            cited.append(shown[label])
        elif label not in shown:
            notes.append(f"dropped source {raw!r}: not a passage the model was shown")
    # the parent's own key results are input too: a team may build on the company's stated baselines
    stated = [context.parent.title, *(kr.text for kr in context.parent.key_results)]
    key_results = []
    for drafted_kr in drafted.key_results:
        # a text the backend ended at its second sentence loses the semicolon it ended at ("...; European NPS")
        text = with_deadline(_clean(drafted_kr.text).rstrip(" ;"), inputs.deadline)
        tagged = tag_key_result(
            text, cited=cited, retrieved=context.passages, given=inputs.given, stated=stated,
            request_text=inputs.request_text, period=inputs.period,
        )
        notes.extend(tagged.notes)
        kr = KeyResult(text=tagged.text, sources=tagged.sources, numbers=tagged.numbers)
        key_results.append(derive_fields(kr, period=inputs.period))
    title = _clean(drafted.title).rstrip(".")
    # a title the backend ended where its figures began ("Reduce churn from"): the dangling word goes, unless
    # a single word would be left
    cut = _FIGURE_LEAD.sub("", title)
    if cut != title and len(cut.split()) >= 2:
        title = cut
    qualitative = without_numbers(title)
    if qualitative != title:
        notes.append(f"title {title!r}: numbers and dates moved out (they belong in key results)")
        title = qualitative
    objective = Objective(
        title=title,
        key_results=key_results,
        aligns_to=alignment,
        owner=inputs.team,
    )
    return Assembled(objective, notes)


_DATE = re.compile(
    r"\s*\b(?:by|before|until|in|during|for|through)?\s*(?:the\s+)?(?:end\s+of\s+)?"
    r"(?:\d{4}-\d{2}-\d{2}|\d{4}-?Q[1-4]|Q[1-4]\s*\d{4}|Q[1-4]|H[12]\s*\d{4}|(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_FIGURE_LEAD = re.compile(rf"\s*\b{TITLE_FIGURE_LEAD}\W*$", re.IGNORECASE)
_LEAD = re.compile(r"\s*\b(?:from|to|by|of|at|under|over|below|above|than|within|up to|at least)\s*$", re.IGNORECASE)


_DEADLINE_CUT = re.compile(rf"\s*\b{DEADLINE_LEAD}$")


def with_deadline(text: str, deadline: str | None) -> str:
    """``text`` with the deadline written out where the backend ended it as the year began ("... by 202"); the
    dangling words go when there is no deadline to write."""
    match = _DEADLINE_CUT.search(text)
    if match is None:
        return text
    return text[: match.start()] + (f" by {deadline}" if deadline else "")


_LEADING_WORD = re.compile(r"\s*([A-Za-z]+)\b")
_TURNED = {lx.INC: "Reduce", lx.DEC: "Increase"}  # what a verb of each class turns into


def verb_turned(text: str, baseline: float | None, target: float | None,
                better: Direction | None = None) -> str | None:
    """``text`` with its leading verb turned the way its numbers go ("Raise time to hire from 68 to 45 days" ->
    "Reduce time to hire from 68 to 45 days"), or, with no pair of numbers, the way its metric gets ``better``
    ("Raise forecast error to 20%" -> "Reduce forecast error to 20%"); None when the first word is no verb that
    moves a metric the other way. A small model picks the verb from habit ("Raise ...") and the numbers from
    its sources."""
    match = _LEADING_WORD.match(text)
    if match is None:
        return None
    if baseline is not None and target is not None:
        if target == baseline:
            return None
        against = lx.INC if target < baseline else lx.DEC
    elif better is Direction.DECREASE or better is Direction.INCREASE:
        against = lx.INC if better is Direction.DECREASE else lx.DEC
    else:
        return None
    rest = text[match.end() :]
    following = rest.split(maxsplit=1)[0].lower() if rest.strip() else None
    if lx.verb_class(match.group(1).lower(), following) != against:
        return None
    return _TURNED[against] + rest


def without_numbers(title: str) -> str:
    """``title`` without the figures and dates a small model copies into it ("... from 8.7% to 7.5% by
    2027-03-31" -> "..."), or unchanged when too little would be left to stand as an objective."""
    from assistant.krparse import numbers_in

    text = _DATE.sub("", title)
    for mention in reversed(numbers_in(text)):
        head = text[: mention.start]
        while (shorter := _LEAD.sub("", head)) != head:
            head = shorter
        text = head + text[mention.end :]
    text = " ".join(text.split()).strip(" ,;:-")
    if len(text.split()) < 3 or re.search(r"\d", text):
        return title
    return text


def derive_fields(kr: KeyResult, *, period: str | None) -> KeyResult:
    """``kr`` with its structured fields read from its text, so the two always agree.

    A text with no number gets no ``metric`` field: the reviewer reads a declared metric as a promise that the
    key result is measurable, and a phrase the parser lifted from "make onboarding better" is no such promise.
    """
    derived = enrich_key_result(kr, period=period)
    if not derived.numbers and derived.target is None and derived.baseline is None:
        derived.metric = None
    return derived


def _alignment(drafted: DraftedObjective, context: ParentContext, notes: list[str]) -> Alignment:
    wanted = drafted.aligns_to.id.strip()
    allowed = context.allowed_ids
    fallback = context.key_result or context.parent.id
    if wanted not in allowed:
        # tolerate case and spacing slips ("co-1", "CO-1 ") before overruling the model
        folded = {a.lower().replace(" ", ""): a for a in allowed}
        fixed = folded.get(wanted.lower().replace(" ", ""))
        if fixed is None:
            notes.append(f"aligned to {fallback}: the model named {wanted!r}, which is not the parent it was given")
            fixed = fallback
        wanted = fixed
    if context.key_result and wanted == context.parent.id:
        wanted = context.key_result  # the user asked for this key result: keep the link that specific
    if wanted == context.parent.id:
        # explicit alignment means taking a parent *key result* as the objective; to an objective it is directional
        return Alignment(id=wanted, kind=ParentKind.OBJECTIVE, type=AlignmentType.DIRECTIONAL)
    kind_type = AlignmentType.EXPLICIT if wanted == context.key_result else AlignmentType(drafted.aligns_to.type)
    return Alignment(id=wanted, kind=ParentKind.KEY_RESULT, type=kind_type)


def _clean(text: str) -> str:
    return " ".join(text.split()).strip().strip('"').strip()
