"""Test doubles for the drafting tests: a small fake knowledge store and scripted model replies."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from testkit import WordStore, sample_parents

from assistant.llm import FakeBackend, Message
from assistant.okr import OKRSet, Parent
from assistant.retrieval.models import DocumentInfo, Hit, IngestSummary

PARENTS = sample_parents("P", due="2027-03-31")

CHUNKS = [
    Hit(chunk_id="c-eu", document="eu-plan.md", heading="Europe",
        text="European trial conversion was 11.2% in Q4 2026, and 37% of lost European deals cite data hosting.",
        score=0.0),
    Hit(chunk_id="c-us", document="board-update.md", heading="Funnel",
        text="US trial conversion was 18.4% in Q4 2026, the best quarter so far.", score=0.0),
    Hit(chunk_id="c-onb", document="cx-plan.md", heading="Onboarding",
        text="The median customer needs 19 days to publish a first schedule. 31% of churned accounts never "
             "finished onboarding.", score=0.0),
]


class FakeStore(WordStore):
    """Implements the ``KnowledgeStore`` methods the drafter uses, over a fixed list of chunks and parents.

    Search ranks chunks by shared words (a stand-in for embeddings) and records each query; chunk ids added to
    ``forgotten`` no longer resolve, as if the document had been removed mid-draft. Scores are squeezed into
    0.7 to 0.9, as if every chunk were about the query: the drafter leaves out passages scoring far below the
    best (tested on its own with fixed scores), and these tests are about what it does with the ones it shows.
    """

    def __init__(self, chunks: Iterable[Hit] = CHUNKS, parents: Iterable[Parent] = PARENTS) -> None:
        super().__init__(chunks, parents)
        self.searches: list[str] = []
        self.forgotten: set[str] = set()

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        self.searches.append(query)
        return [h.model_copy(update={"score": round(0.7 + 0.2 * h.score, 4)}) for h in super().search(query, k=k)]

    def get_chunks(self, chunk_ids: list[str]) -> list[Hit]:
        return [hit for hit in super().get_chunks(chunk_ids) if hit.chunk_id not in self.forgotten]

    # the rest of the protocol: not used by the drafter
    def list_documents(self) -> list[DocumentInfo]:
        raise NotImplementedError

    def remove_document(self, document_id: str) -> int:
        raise NotImplementedError

    def ingest(self, paths: list[Path], *, progress: object = None) -> IngestSummary:
        raise NotImplementedError

    def ingest_file(self, path: Path, *, name: str | None = None) -> IngestSummary:
        raise NotImplementedError

    def import_parents(self, okr_set: OKRSet) -> list[Parent]:
        raise NotImplementedError

    def describe(self) -> str:
        return "fake store"


def objective_json(
    title: str,
    krs: list[str],
    *,
    aligns: str = "P-1",
    sources: list[str] | None = None,
    kind: str = "objective",
    type_: str = "directional",
    rationale: str = "It matters now.",
) -> str:
    """A reply the model could have written for one objective."""
    return json.dumps({
        "title": title,
        "rationale": rationale,
        "aligns_to": {"id": aligns, "kind": kind, "type": type_},
        "sources": sources if sources is not None else ["S1"],
        "key_results": [{"text": text, "owner": "Team lead"} for text in krs],
    })


def label_of(messages: list[Message], chunk_text_start: str) -> str:
    """The label (S1, S2...) under which a passage starting with ``chunk_text_start`` was shown."""
    prompt = messages[-1].content if messages[-1].role == "user" else ""
    for message in reversed(messages):
        if message.role == "user" and "<passage " in message.content:
            prompt = message.content
            break
    for match in re.finditer(r'<passage id="(S\d+)"[^>]*>\n(.*?)\n</passage>', prompt, re.DOTALL):
        if match.group(2).startswith(chunk_text_start):
            return match.group(1)
    raise AssertionError(f"no passage starting with {chunk_text_start!r} in the prompt:\n{prompt}")


Reply = Callable[[list[Message]], str]


TITLES = ["Get customers live fast", "Win over European field teams", "Make onboarding feel effortless",
          "Earn trust from the first week", "Turn trials into loyal customers"]


def distinct_title(messages: list[Message]) -> str:
    """A title of its own for each objective, so a reused reply is not a repeated objective."""
    return TITLES[(objective_number(messages) - 1) % len(TITLES)]


def objective_number(messages: list[Message]) -> int:
    """Which objective the prompt asks for (1-based), so a reused reply can differ per objective."""
    match = re.search(r"Write objective (\d+) of", messages[-1].content)
    assert match is not None, messages[-1].content
    return int(match.group(1))


def good_replies() -> list[Reply]:
    """Three valid objectives for the default policy (3 objectives x 2-3 KRs), citing what they were shown."""
    return [
        lambda m: objective_json("Become the obvious choice for European field teams", [
            "Raise European trial conversion from 11.2% to 14% by 2027-03-31",
            "Cut lost European deals citing data hosting from 37% to 20% by 2027-03-31",
        ], aligns="P-1", sources=[label_of(m, "European trial")]),
        lambda m: objective_json("Get every new customer live in days", [
            "Cut median days to publish a first schedule from 19 to 12 by 2027-03-31",
            "Reduce churned accounts that never finished onboarding from 31% to 20% by 2027-03-31",
        ], aligns="P-2", sources=[label_of(m, "The median customer")]),
        lambda m: objective_json("Make European customers feel at home", [
            "Grow European ARR from $4.3M to $5.4M by 2027-03-31",
            "Raise European weekly active dispatchers to 900 by 2027-03-31",
        ], aligns="P-1.KR2", kind="key_result", sources=[label_of(m, "European trial")]),
    ]


def fake(*replies: str | Exception | Reply) -> FakeBackend:
    return FakeBackend(list(replies))
