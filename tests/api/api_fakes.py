"""Test doubles for the API tests: an in-memory knowledge store, a model that always answers, sample OKRs.

``AnsweringBackend`` is a real ``ChatBackend``: it reads the drafter's prompt (parent id, passage labels,
objective number, deadline) and writes an objective that cites what it was shown, like a well-behaved model.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel
from testkit import WordStore, sample_parents

from assistant.errors import UnknownDocument
from assistant.llm import Completion, Message
from assistant.okr import Level, OKRSet, Parent, ParentKeyResult
from assistant.retrieval.models import DocumentInfo, Hit, IngestSummary

PARENTS = sample_parents("CO", due="2027-12-31", period="2027")

CHUNKS = [
    Hit(chunk_id="eu-plan#1", document="eu-plan.md", heading="Europe",
        text="European trial conversion was 11.2% in Q4 2026; 37% of lost European deals cite data hosting.",
        score=0.0),
    Hit(chunk_id="cx-plan#1", document="cx-plan.md", heading="Onboarding",
        text="The median customer needs 19 days to publish a first schedule; 31% of churned accounts never "
             "finished onboarding.", score=0.0),
]

TITLES = (
    "Become the obvious choice for European field teams",
    "Get every new customer live in days",
    "Make support a reason customers stay",
    "Earn the trust of enterprise buyers",
    "Make scheduling effortless on mobile",
)
KR_TEMPLATES = (
    ("Raise European trial conversion from 11.2% to 14% by {due}",
     "Cut lost European deals citing data hosting from 37% to 20% by {due}"),
    ("Cut median days to publish a first schedule from 19 to 12 by {due}",
     "Reduce churned accounts that never finished onboarding from 31% to 20% by {due}"),
    ("Raise weekly active dispatchers in Europe from 600 to 900 by {due}",
     "Grow European ARR from $4.3M to $5.4M by {due}"),
)


class MemoryStore(WordStore):
    """The ``KnowledgeStore`` protocol over dicts: documents of paragraphs, parents, word-overlap search."""

    def __init__(self, chunks: list[Hit] | None = None, parents: list[Parent] | None = None) -> None:
        super().__init__(CHUNKS if chunks is None else chunks, PARENTS if parents is None else parents)

    def list_documents(self) -> list[DocumentInfo]:
        counts: dict[str, int] = {}
        for chunk in self.chunks.values():
            counts[chunk.document] = counts.get(chunk.document, 0) + 1
        return [DocumentInfo(id=_doc_id(name), document=name, chunks=n) for name, n in sorted(counts.items())]

    def remove_document(self, document_id: str) -> int:
        doomed = [cid for cid, c in self.chunks.items() if _doc_id(c.document) == document_id]
        if not doomed:
            raise UnknownDocument(f"No document has the id {document_id!r}.")
        for cid in doomed:
            del self.chunks[cid]
        return len(doomed)

    def ingest(self, paths: list[Path], *, progress: object = None) -> IngestSummary:
        summary = IngestSummary()
        for path in paths:
            part = self.ingest_file(path, name=path.name)
            summary.ingested += part.ingested
            summary.skipped += part.skipped
            summary.chunks_added += part.chunks_added
        return summary

    def ingest_file(self, path: Path, *, name: str | None = None) -> IngestSummary:
        name = name or path.name
        text = path.read_bytes().decode("utf-8", "replace")
        removed = [cid for cid, c in self.chunks.items() if c.document == name]
        for cid in removed:
            del self.chunks[cid]
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        for n, paragraph in enumerate(paragraphs):
            cid = f"{_doc_id(name)}#{n}"
            self.chunks[cid] = Hit(chunk_id=cid, document=name, heading="", text=paragraph, score=0.0)
        return IngestSummary(ingested=[name], chunks_added=len(paragraphs), chunks_removed=len(removed))

    def import_parents(self, okr_set: OKRSet, *, level: Level | None = None) -> list[Parent]:
        imported = []
        for i, objective in enumerate(okr_set.objectives, start=1):
            pid = objective.id or f"CO-{i}"
            krs = [ParentKeyResult(id=kr.id or f"{pid}.KR{j}", text=kr.text)
                   for j, kr in enumerate(objective.key_results, start=1)]
            parent = Parent(id=pid, title=objective.title, level=level or Level.COMPANY, period=okr_set.period,
                            key_results=krs)
            self.parents[pid] = parent
            imported.append(parent)
        return imported

    def describe(self) -> str:
        return f"memory: {len(self.list_documents())} documents, {len(self.parents)} parents"


def _doc_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def objective_reply(messages: list[Message]) -> str:
    """The objective a good model writes for the drafter's last prompt."""
    prompt = next(m.content for m in reversed(messages) if m.role == "user" and "Write objective" in m.content)
    number = int(re.search(r"Write objective (\d+) of", prompt).group(1))  # type: ignore[union-attr]
    due = re.search(r"deadline (\d{4}-\d{2}-\d{2})", prompt)
    parent = re.search(r'"aligns_to": \{"id": "([^"]+)"', prompt)
    labels = re.findall(r'<passage id="(S\d+)"', prompt)
    kind = "key_result" if '"kind": "key_result"' in prompt else "objective"
    krs = KR_TEMPLATES[(number - 1) % len(KR_TEMPLATES)]
    return json.dumps({
        "title": TITLES[(number - 1) % len(TITLES)],
        "rationale": "It is where the strategy says the next gains are.",
        "aligns_to": {"id": parent.group(1) if parent else "CO-1", "kind": kind,
                      "type": "explicit" if kind == "key_result" else "directional"},
        "sources": labels[:1],
        "key_results": [{"text": t.format(due=due.group(1) if due else "2027-03-31"), "owner": "Team lead"}
                        for t in krs],
    })


class AnsweringBackend:
    """A chat backend that always answers, from a function of the messages (default: ``objective_reply``)."""

    name = "fake"

    def __init__(self, reply: Callable[[list[Message]], str] = objective_reply, *, model: str = "answering-model",
                 delay: float = 0.0) -> None:
        self.reply = reply
        self.model = model
        self.delay = delay
        self.calls = 0

    def complete(self, messages: list[Message], *, schema: type[BaseModel] | None = None, max_tokens: int = 1024,
                 temperature: float = 0.2) -> Completion:
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        text = self.reply(list(messages))
        return Completion(text=text, model=self.model, prompt_tokens=sum(len(m.content.split()) for m in messages),
                          completion_tokens=len(text.split()), seconds=self.delay, finish_reason="stop")


FLAWED_YAML = """\
team: Growth
period: 2027-Q1
objectives:
  - title: Make onboarding effortless
    key_results:
      - Improve onboarding
      - Publish 12 blog posts
"""

SOUND_MD = """\
# Growth OKRs 2027-Q1

## Objective: Make onboarding effortless
- Increase weekly active teams from 800 to 1,200 by 2027-03-31 (owner: ana)
- Reduce median time to first value from 9 to 4 days by 2027-03-31 (owner: ana)

## Objective: Win the trust of enterprise buyers
- Grow net revenue retention from 104% to 112% by 2027-03-31 (owner: raj)
- Reduce security review turnaround from 15 to 5 days by 2027-03-31 (owner: raj)

## Objective: Make support a reason customers stay
- Raise CSAT from 82% to 90% by 2027-03-31 (owner: li)
- Reduce median first response time from 9 to 4 hours by 2027-03-31 (owner: li)
"""
