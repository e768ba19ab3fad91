"""Scripted model replies for the draft eval on the fake backend: the chain runs end to end with no model.

The "model" answers whichever schema the drafter asks for, deterministically from the case and the prompt. For
an objective, it links to the parent the prompt names, titles the objective after one of the case's themes, and
writes one key result from a measurable statement in the prompt's passages (its figure as the baseline, the
passage cited) and one on another theme with a proposed target. Asked to repair a title or a key result, it
writes a sound one. Two slips are scripted on purpose, so the checks after the model are exercised too: the first
objective copies the parent's title (the chain must send it back for repair), and every second objective states
a baseline that is in no passage (provenance must rewrite it as "to be established").

Figures from a fake run measure the pipeline (parent selection, retrieval, validation, repair, provenance,
citations, scoring), not the quality of any model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.draft.context import Passage
from assistant.draft.provenance import BASELINE_PLACEHOLDER
from assistant.llm import FakeBackend, Message
from evals.baseline import statements
from evals.draft_cases import DraftCase

_PASSAGE = re.compile(r'<passage id="(S\d+)"[^>]*>\n(.*?)\n</passage>', re.DOTALL)
_PARENT = re.compile(r"^Parent objective (\S+): (.+)$", re.MULTILINE)
_ASK = re.compile(r"Write objective (\d+) of (\d+) for team .*? due by (\S+?)\. Reply", re.DOTALL)
_DATE = re.compile(r"\bby (\d{4}-\d{2}-\d{2})\b")
_EXPLICIT = re.compile(r'"aligns_to": \{"id": "([^"]+)", "kind": "key_result", "type": "explicit"\}')
INVENTED_BASELINE = "37%"  # a figure none of the fixture passages states for these metrics


@dataclass(frozen=True)
class Prompt:
    """What the drafter asked for in its last objective prompt."""

    number: int
    deadline: str
    parent_id: str
    parent_title: str
    explicit: str | None
    passages: list[tuple[str, str]]
    repair: bool


def read_prompt(messages: list[Message]) -> Prompt:
    """The facts of the latest objective prompt in ``messages`` (a repair turn refers back to it)."""
    asks = [m for m in messages if m.role == "user" and _ASK.search(m.content)]
    if not asks:
        raise ValueError("the fake drafter was sent no objective prompt")
    content = asks[-1].content
    ask = _ASK.search(content)
    parent = _PARENT.search(content)
    assert ask is not None
    explicit = _EXPLICIT.search(content)
    return Prompt(
        number=int(ask.group(1)),
        deadline=ask.group(3),
        parent_id=parent.group(1) if parent else "",
        parent_title=parent.group(2).strip() if parent else "",
        explicit=explicit.group(1) if explicit else None,
        passages=[(label, text) for label, text in _PASSAGE.findall(content)],
        repair=messages[-1] is not asks[-1],
    )


def fake_reply(case: DraftCase, messages: list[Message]) -> str:
    """The JSON a model could have written for the objective ``messages`` ask for."""
    prompt = read_prompt(messages)
    index = prompt.number - 1
    theme = case.themes[index % len(case.themes)]
    title = f"Make {theme} something {case.team} is known for"
    if index == 0 and not prompt.repair and prompt.parent_title:
        title = prompt.parent_title  # scripted slip: the chain should ask for a repair
    key_results: list[str] = []
    sources: list[str] = []
    shown = [Passage(label, chunk_id="", document="", heading="", text=text, score=0.0)
             for label, text in prompt.passages]
    found = statements(shown)
    if found:  # a figure from a passage, about the metric the passage states it for, cited
        statement = found[index % len(found)]
        key_results.append(statement.key_result(prompt.deadline))
        sources.append(statement.label)
    second = case.themes[(index + 1) % len(case.themes)]
    if index % 2 == 1:  # scripted slip: a starting value stated as fact that no passage gives
        key_results.append(f"Raise {second} from {INVENTED_BASELINE} to 45% by {prompt.deadline}")
    else:
        key_results.append(f"Raise {second} to 60% by {prompt.deadline}")
    if len(key_results) < 2:
        key_results.append(f"Raise the share of customers who rate {theme} 4 or 5 out of 5 to 80% by {prompt.deadline}")
    alignment = (
        {"id": prompt.explicit, "kind": "key_result", "type": "explicit"} if prompt.explicit
        else {"id": prompt.parent_id, "kind": "objective", "type": "directional"}
    )
    return json.dumps({
        "title": title,
        "rationale": f"It moves {prompt.parent_id} forward.",
        "aligns_to": alignment,
        "sources": sources,
        "key_results": [{"text": text, "owner": f"{case.team} lead"} for text in key_results],
    })


def repair_reply(case: DraftCase, schema: type[BaseModel], messages: list[Message], *, number: int) -> str:
    """A sound replacement for the part of objective ``number`` that a repair prompt asks for."""
    theme = case.themes[(number - 1) % len(case.themes)]
    fields = set(schema.model_fields)
    if fields == {"title"} or ("title" in fields and "key_results" not in fields):
        return json.dumps({"title": f"Make {theme} something {case.team} is known for"})
    if "text" in fields:
        dates = _DATE.findall(messages[-1].content)
        deadline = dates[-1] if dates else f"the end of {case.period or 'the quarter'}"
        return json.dumps({"text": f"Raise {theme} from {BASELINE_PLACEHOLDER} to 60% by {deadline}"})
    raise ValueError(f"the scripted drafter cannot answer the schema {schema.__name__} ({', '.join(sorted(fields))})")


class _Script:
    """The reply function: dispatches on the schema of the call being answered (recorded by the backend)."""

    def __init__(self, case: DraftCase) -> None:
        self.case = case
        self.backend: FakeBackend | None = None
        self.number = 1

    def __call__(self, messages: list[Message]) -> str:
        assert self.backend is not None
        schema = self.backend.calls[-1].schema
        if schema is None or "key_results" in schema.model_fields:
            self.number = read_prompt(messages).number
            return fake_reply(self.case, messages)
        return repair_reply(self.case, schema, messages, number=self.number)


def scripted_backend(case: DraftCase, *, calls: int = 40) -> FakeBackend:
    """A ``FakeBackend`` whose replies answer the drafter for ``case`` (at most ``calls`` replies)."""
    script = _Script(case)
    backend = FakeBackend([script for _ in range(calls)], model="scripted")
    script.backend = backend
    return backend
