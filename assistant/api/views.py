"""What the review and draft pages show, arranged for the templates: each finding next to the item it is about.

Presentation only: the verdicts, findings and scores come from the reviewer and the drafter unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from assistant.okr import (
    Citation,
    DraftResult,
    Finding,
    KeyResult,
    Objective,
    OKRSet,
    Report,
    Severity,
    Verdict,
)

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class KRView:
    path: str
    number: str
    kr: KeyResult
    verdict: Verdict | None
    findings: list[Finding]
    citations: list[tuple[int, Citation]] = field(default_factory=list)


@dataclass
class ObjectiveView:
    path: str
    number: int
    objective: Objective
    verdict: Verdict | None
    findings: list[Finding]
    key_results: list[KRView]


@dataclass
class SetView:
    """An OKR set with its findings placed: on the set, on each objective and key result, or elsewhere."""

    okr_set: OKRSet
    score: int
    set_findings: list[Finding]
    objectives: list[ObjectiveView]
    other_findings: list[Finding]
    counts: dict[str, int]

    @property
    def finding_total(self) -> int:
        return sum(self.counts.values())


def _by_path(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity]):
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def place_findings(
    okr_set: OKRSet, findings: list[Finding], score: int, *, report: Report | None = None,
    citations: list[Citation] | None = None,
) -> SetView:
    """Arrange ``findings`` (and the report's verdicts, when given) around the items of ``okr_set``."""
    grouped = _by_path(findings)
    verdicts: dict[str, Verdict] = {}
    if report is not None:
        for ov in report.objectives:
            verdicts[ov.path] = ov.verdict
            for kv in ov.key_results:
                verdicts[kv.path] = kv.verdict
    numbered = {c.chunk_id: (n, c) for n, c in enumerate(citations or [], start=1)}
    placed = {""}
    objectives: list[ObjectiveView] = []
    for i, objective in enumerate(okr_set.objectives):
        path = f"objectives[{i}]"
        placed.add(path)
        krs = []
        for j, kr in enumerate(objective.key_results):
            kr_path = f"{path}.key_results[{j}]"
            placed.add(kr_path)
            krs.append(KRView(
                path=kr_path, number=f"KR {i + 1}.{j + 1}", kr=kr, verdict=verdicts.get(kr_path),
                findings=grouped.get(kr_path, []),
                citations=[numbered[c] for c in kr.sources if c in numbered],
            ))
        objectives.append(ObjectiveView(path=path, number=i + 1, objective=objective, verdict=verdicts.get(path),
                                        findings=grouped.get(path, []), key_results=krs))
    other = [f for path, fs in grouped.items() if path not in placed for f in fs]
    counts = Counter(f.severity.value for f in findings)
    return SetView(
        okr_set=okr_set, score=score, set_findings=grouped.get("", []), objectives=objectives,
        other_findings=other, counts={s.value: counts.get(s.value, 0) for s in Severity},
    )


def review_view(okr_set: OKRSet, report: Report) -> SetView:
    return place_findings(okr_set, report.findings, report.score, report=report)


def draft_view(result: DraftResult) -> SetView:
    return place_findings(result.okr_set, result.findings, result.score, citations=result.citations)


def score_band(score: int) -> str:
    """good / fair / poor, for the score's colour (the number is always shown too)."""
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"
