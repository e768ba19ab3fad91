"""A deliberately simple reviewer and a fake store, for testing the eval framework (not the real systems)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.okr import Finding, OKRSet, Parent, Report, Severity
from assistant.policy import Policy
from assistant.retrieval.models import Hit, IngestSummary


def review(okr_set: OKRSet, *, policy: Policy | None = None, known_parents: Sequence[Parent] | None = None) -> Report:
    """Keyword rules: no digit -> not measurable; hire/write/launch -> activity; no 'from' -> no baseline (info);
    a digit in an objective -> has metric; no period -> set-no-period. 'CRASH' in a KR raises."""
    findings: list[Finding] = []

    def add(rule: str, severity: Severity, path: str) -> None:
        findings.append(Finding(rule=rule, severity=severity, path=path, message=f"{rule} fired"))

    if okr_set.period is None:
        add("set-no-period", Severity.WARNING, "")
    for i, objective in enumerate(okr_set.objectives):
        if any(ch.isdigit() for ch in objective.title):
            add("objective-has-metric", Severity.WARNING, f"objectives[{i}]")
        for j, kr in enumerate(objective.key_results):
            path = f"objectives[{i}].key_results[{j}]"
            text = kr.text.lower()
            if "crash" in text:
                raise RuntimeError("the test reviewer was told to crash")
            if not any(ch.isdigit() for ch in text):
                add("kr-not-measurable", Severity.ERROR, path)
            if text.startswith(("hire", "write", "launch")):
                add("kr-activity", Severity.WARNING, path)
            if " from " not in f" {text} ":
                add("kr-no-baseline", Severity.INFO, path)
    return Report(score=max(0, 100 - 10 * len(findings)), profile=policy.name if policy else "default", findings=findings)


def silent_review(okr_set: OKRSet, *, policy: Policy | None = None, known_parents: Sequence[Parent] | None = None) -> Report:
    """A reviewer that never finds anything."""
    return Report(score=100, profile="default")


SMALL_CASES: list[dict[str, object]] = [
    {"id": "a-sound", "split": "dev", "function": "support", "kind": "kr", "text": "Raise NPS from 31 to 45",
     "expected_rules": [], "info_rules": []},
    {"id": "b-vague", "split": "dev", "function": "product", "kind": "kr", "text": "Improve onboarding",
     "expected_rules": ["kr-vague", "kr-not-measurable"]},
    {"id": "c-hire", "split": "dev", "function": "people", "kind": "kr", "text": "Hire 3 engineers",
     "expected_rules": ["kr-activity"], "info_rules": ["kr-no-baseline"]},
    {"id": "d-fields", "split": "dev", "function": "product", "kind": "kr", "text": "Grow weekly active teams",
     "fields": {"baseline": 800, "target": 1200, "direction": "increase"}, "expected_rules": []},
    {"id": "e-direction", "split": "dev", "function": "finance", "kind": "kr", "text": "Reduce churn from 3% to 4%",
     "expected_rules": ["kr-wrong-direction"]},
    {"id": "f-objective", "split": "heldout", "function": "design", "kind": "objective",
     "text": "Make onboarding effortless", "expected_rules": []},
    {"id": "g-metric", "split": "heldout", "function": "sales", "kind": "objective", "text": "Hit $10M ARR",
     "expected_rules": ["objective-has-metric"]},
    {"id": "h-launch", "split": "heldout", "function": "product", "kind": "kr", "text": "Launch the new pricing page",
     "expected_rules": ["kr-activity", "kr-binary"], "allowed_rules": ["kr-not-measurable"]},
]


def write_jsonl(path: Path, rows: Sequence[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


class FakeStore:
    """Returns scripted hits per query; records what was ingested."""

    def __init__(self, hits: dict[str, list[Hit]]) -> None:
        self.hits = hits
        self.ingested: list[Path] = []
        self.guide_queries: list[str] = []

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        return self.hits.get(query, [])[:k]

    def search_guide(self, query: str, *, k: int = 5) -> list[Hit]:
        self.guide_queries.append(query)
        return self.hits.get(query, [])[:k]

    def ingest(self, paths: list[Path], *, progress: Callable[[str, int, int], None] | None = None) -> IngestSummary:
        self.ingested.extend(paths)
        return IngestSummary(ingested=[str(p) for p in paths])


def hit(document: str, heading: str, text: str = "passage", score: float = 0.5) -> Hit:
    return Hit(chunk_id=f"{document}#{heading}", document=document, heading=heading, text=text, score=score)
