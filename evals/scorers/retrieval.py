"""Scorers for retrieval: is an answering passage in the top k, and how high?"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.retrieval.models import Hit
from evals.schema import RetrievalCase
from evals.scorers import Score


class RetrievalOutput(BaseModel):
    hits: list[Hit] = Field(default_factory=list)
    k: int = 5
    seconds: float = 0.0


def first_relevant_rank(case: RetrievalCase, hits: list[Hit]) -> int | None:
    """1-based rank of the first hit that matches any expected passage, or ``None``."""
    for rank, hit in enumerate(hits, start=1):
        if any(expected.matches(hit) for expected in case.expected):
            return rank
    return None


def _where(hit: Hit) -> str:
    return f"{hit.document} § {hit.heading}" if hit.heading else hit.document


def hit_at_k(case: RetrievalCase, output: RetrievalOutput) -> Score:
    """Pass when an answering passage is among the top ``k`` hits."""
    rank = first_relevant_rank(case, output.hits[: output.k])
    if rank is not None:
        return Score(value=True, reason=f"answer at rank {rank}")
    top = _where(output.hits[0]) if output.hits else "no hits"
    return Score(value=False, reason=f"no answering passage in the top {output.k}; first hit: {top}")


def reciprocal_rank(case: RetrievalCase, output: RetrievalOutput) -> Score:
    """1 / rank of the first answering passage within the top ``k`` (0 when none)."""
    rank = first_relevant_rank(case, output.hits[: output.k])
    if rank is None:
        return Score(value=0.0, reason=f"not in the top {output.k}")
    return Score(value=round(1 / rank, 4), reason=f"rank {rank}")


def hit_at_1(case: RetrievalCase, output: RetrievalOutput) -> Score:
    """1.0 when the first hit answers the query."""
    rank = first_relevant_rank(case, output.hits[:1])
    return Score(value=1.0 if rank == 1 else 0.0, reason="first hit answers" if rank else "first hit does not answer")


SCORERS = {"hit_at_k": hit_at_k, "reciprocal_rank": reciprocal_rank, "hit_at_1": hit_at_1}
