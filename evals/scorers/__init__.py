"""Scorers: small pure functions ``(case, output) -> Score``.

A ``bool`` score is a pass/fail check, a ``float`` a graded score in [0, 1]. ``Counts`` and ``prf`` turn many
per-case decisions into precision, recall and F1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from evals.scorers.classification import Counts, prf


class Score(BaseModel):
    """One scorer's verdict on one case, with the reason a person can read."""

    value: bool | float
    reason: str = ""

    @property
    def is_check(self) -> bool:
        return isinstance(self.value, bool)


CaseT = TypeVar("CaseT")
OutputT = TypeVar("OutputT")

Scorer = Callable[[CaseT, OutputT], Score]

__all__ = ["Counts", "Score", "Scorer", "prf"]
