"""Domain models: the contract every part of the assistant shares.

An ``OKRSet`` holds ``Objective``s, each with ``KeyResult``s and an optional ``Alignment`` to a parent.
The reviewer turns a set into a ``Report`` made of ``Finding``s and per-item verdicts; the drafter returns a
``DraftResult`` that carries the set, its report, the citations it rests on and a trace.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"
    ACHIEVE = "achieve"


class Provenance(StrEnum):
    SOURCED = "sourced"  # found in a cited passage
    GIVEN = "given"  # found in the user's own input
    PROPOSED = "proposed"  # the model's suggestion: never to be read as fact


class NumberRole(StrEnum):
    BASELINE = "baseline"
    TARGET = "target"
    OTHER = "other"


class Level(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"
    INDIVIDUAL = "individual"


class ParentKind(StrEnum):
    OBJECTIVE = "objective"
    KEY_RESULT = "key_result"


class AlignmentType(StrEnum):
    EXPLICIT = "explicit"  # the team takes a parent key result as its objective
    DIRECTIONAL = "directional"  # the team contributes to the parent


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Verdict(StrEnum):
    PASS = "pass"
    WEAK = "weak"
    FAIL = "fail"


class _Model(BaseModel):
    # defer_build: a model's validator and serializer are built the first time it is used, not at import, so a
    # command pays only for the models it touches (`okr review` never builds the drafting ones).
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class NumberRef(_Model):
    """A number written in a key result, with where it came from."""

    value: float
    role: NumberRole = NumberRole.OTHER
    provenance: Provenance = Provenance.PROPOSED
    chunk_id: str | None = None


class KeyResult(_Model):
    """One key result: the text as written plus what could be read out of it."""

    text: str = Field(description="The key result as one sentence: metric, baseline, target and deadline.")
    id: str | None = None
    metric: str | None = Field(default=None, description="What is measured, e.g. 'weekly active teams'.")
    direction: Direction | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str | None = Field(default=None, description="Unit of baseline and target, e.g. '%', 'ms', 'USD'.")
    due: str | None = Field(default=None, description="Deadline: an ISO date or a period such as 2027-Q2.")
    owner: str | None = None
    sources: list[str] = Field(default_factory=list, description="Ids of the passages this key result rests on.")
    numbers: list[NumberRef] = Field(default_factory=list)
    line: int | None = Field(default=None, exclude=True, description="Line in the source file, for messages.")


class Alignment(_Model):
    """The link from an objective to the parent it serves."""

    id: str
    kind: ParentKind = ParentKind.OBJECTIVE
    type: AlignmentType = AlignmentType.DIRECTIONAL


class Objective(_Model):
    title: str = Field(description="Qualitative, inspiring, short; no numbers (those belong in key results).")
    id: str | None = None
    rationale: str | None = None
    key_results: list[KeyResult] = Field(default_factory=list)
    aligns_to: Alignment | None = None
    owner: str | None = None
    line: int | None = Field(default=None, exclude=True)


class OKRSet(_Model):
    team: str | None = None
    period: str | None = None
    level: Level = Level.TEAM
    objectives: list[Objective] = Field(default_factory=list)


class Finding(_Model):
    """What a rule (or the model, with ``source='llm'``) found wrong with one item."""

    rule: str
    severity: Severity
    path: str  # e.g. "objectives[1].key_results[0]"; "" for the whole set
    message: str
    suggestion: str | None = None
    source: str = "rules"


class KeyResultVerdict(_Model):
    path: str
    text: str
    verdict: Verdict


class ObjectiveVerdict(_Model):
    path: str
    title: str
    verdict: Verdict
    key_results: list[KeyResultVerdict] = Field(default_factory=list)


class Report(_Model):
    """The reviewer's answer; its JSON is the contract `okr review --format json` prints."""

    score: int = Field(ge=0, le=100)
    profile: str
    findings: list[Finding] = Field(default_factory=list)
    objectives: list[ObjectiveVerdict] = Field(default_factory=list)
    summary: str = ""

    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


class ParentKeyResult(_Model):
    id: str
    text: str


class Parent(_Model):
    """A company or department objective a team objective can align to."""

    id: str
    title: str
    level: Level = Level.COMPANY
    period: str | None = None
    owner: str | None = None
    key_results: list[ParentKeyResult] = Field(default_factory=list)


class Citation(_Model):
    chunk_id: str
    document: str
    text: str


class DraftRequest(_Model):
    """What a team lead asks the drafter for."""

    team: str = Field(min_length=1, max_length=200)
    mission: str = Field(min_length=1, max_length=4000)
    focus: list[str] = Field(default_factory=list)
    maturity: str = Field(default="established", pattern="^(new|established)$")
    capacity: str | None = Field(default=None, max_length=2000)
    period: str | None = Field(default=None, max_length=40)
    parents: list[str] = Field(default_factory=list, description="Parent ids; empty means pick by meaning.")
    objectives: int | None = Field(default=None, ge=1, le=10)


class TraceStep(_Model):
    name: str
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    detail: str | None = None


class Trace(_Model):
    backend: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    repair_rounds: int = 0
    steps: list[TraceStep] = Field(default_factory=list)


class DraftResult(_Model):
    """The JSON contract of `okr draft --format json` and `POST /api/v1/drafts`."""

    okr_set: OKRSet
    findings: list[Finding] = Field(default_factory=list)
    score: int = Field(ge=0, le=100)
    citations: list[Citation] = Field(default_factory=list)
    trace: Trace
    complete: bool = True


class DraftEvent(_Model):
    """One progress event of a draft, for CLI progress lines and the SSE stream."""

    kind: str = Field(pattern="^(step|objective|repair|result)$")
    message: str = ""
    index: int | None = None
    objective: Objective | None = None
    result: DraftResult | None = None
