"""What an eval run produces: per-case results, metrics, tables and charts (the JSON report's schema)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from evals.scorers import Score

Cell = str | int | float | None


class CaseResult(BaseModel):
    """One case: its scores, whether it passed, and enough text to see why."""

    id: str
    split: str | None = None
    passed: bool
    scores: dict[str, Score] = Field(default_factory=dict)
    input: str = ""
    expected: str = ""
    actual: str = ""
    detail: str = ""
    seconds: float = 0.0
    error: str | None = None


class Bar(BaseModel):
    label: str
    value: float
    lower_is_better: bool = False


class Chart(BaseModel):
    """A horizontal bar chart; ``max_value`` fixes the scale (1.0 for rates)."""

    title: str
    bars: list[Bar]
    max_value: float | None = 1.0


class Table(BaseModel):
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


class Summary(BaseModel):
    """A task's aggregate view of its cases."""

    metrics: dict[str, float] = Field(default_factory=dict)
    lower_is_better: list[str] = Field(default_factory=list)
    headline: list[str] = Field(default_factory=list, description="The metrics printed first.")
    charts: list[Chart] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    default_group: str = "all"


class EvalReport(BaseModel):
    """The JSON report `okr eval <task>` writes; `okr eval compare` reads two of them."""

    format_version: int = 1
    task: str
    dataset: str
    created: str = Field(description="UTC time the run started, ISO 8601.")
    config: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0
    summary: Summary
    cases: list[CaseResult] = Field(default_factory=list)

    @property
    def metrics(self) -> dict[str, float]:
        return self.summary.metrics

    @property
    def failures(self) -> list[CaseResult]:
        return [case for case in self.cases if not case.passed]

    @property
    def errors(self) -> list[CaseResult]:
        return [case for case in self.cases if case.error is not None]
