"""What the draft scorers judge: one system's draft for a case, with the store facts to judge it by."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from assistant.okr import DraftResult, KeyResult, OKRSet, Parent


class DraftOutput(BaseModel):
    """What one system (the chain or the baseline) returned for a case, with the store facts to judge it by."""

    system: str = Field(description="'chain' or 'baseline'.")
    result: DraftResult
    failure: str | None = Field(default=None, description="Why the draft is incomplete (the model failed).")
    known_parents: list[Parent] = Field(default_factory=list)
    chunks: dict[str, str] = Field(default_factory=dict, description="Cited chunk id -> text, as the store has it.")
    seconds: float = 0.0

    @property
    def okr_set(self) -> OKRSet:
        return self.result.okr_set

    @property
    def tokens(self) -> int:
        return self.result.trace.prompt_tokens + self.result.trace.completion_tokens


class DraftPair(BaseModel):
    """The drafts of one case: the chain's and the baseline's (``None`` for a system not run)."""

    chain: DraftOutput | None = None
    baseline: DraftOutput | None = None

    def get(self, system: str) -> DraftOutput | None:
        return self.chain if system == "chain" else self.baseline


def parent_index(parents: Iterable[Parent]) -> dict[str, Parent]:
    """Every parent objective and parent key-result id -> the parent objective it belongs to."""
    index: dict[str, Parent] = {}
    for parent in parents:
        index[parent.id] = parent
        for kr in parent.key_results:
            index[kr.id] = parent
    return index


def parent_text(parent: Parent) -> str:
    return " ".join([parent.title, *(kr.text for kr in parent.key_results)])


def key_results(okr_set: OKRSet) -> list[tuple[str, KeyResult]]:
    return [(f"objectives[{i}].key_results[{j}]", kr)
            for i, o in enumerate(okr_set.objectives) for j, kr in enumerate(o.key_results)]
