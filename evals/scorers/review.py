"""Scorers for the reviewer: did it call a flawed item flawed, a sound one sound, and for the right reasons?"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.okr import Finding
from evals.schema import ReviewCase
from evals.scorers import Score


class ReviewOutput(BaseModel):
    """What the reviewer said about the item under test (findings on other parts of its set are left out)."""

    rules: list[str] = Field(default_factory=list, description="Rule ids at warning or error severity.")
    info: list[str] = Field(default_factory=list, description="Rule ids at info severity.")
    findings: list[Finding] = Field(default_factory=list)

    @property
    def flawed(self) -> bool:
        return bool(self.rules)


def _names(rules: set[str] | list[str]) -> str:
    return ", ".join(sorted(rules)) or "nothing"


def flawed_vs_sound(case: ReviewCase, output: ReviewOutput) -> Score:
    """Pass when the reviewer calls the item flawed exactly when the label does."""
    expected = "flawed" if case.flawed else "sound"
    got = "flawed" if output.flawed else "sound"
    if case.flawed == output.flawed:
        return Score(value=True, reason=f"{expected} as labelled")
    if case.flawed:
        return Score(value=False, reason=f"missed: labelled {_names(case.expected_rules)}, reviewer found nothing")
    return Score(value=False, reason=f"false alarm: labelled sound, reviewer raised {_names(output.rules)} ({got})")


def rules_match(case: ReviewCase, output: ReviewOutput) -> Score:
    """Pass when every expected rule fired and nothing fired beyond the expected and allowed rules."""
    predicted = set(output.rules)
    missing = set(case.expected_rules) - predicted
    extra = predicted - set(case.expected_rules) - set(case.allowed_rules)
    if not missing and not extra:
        return Score(value=True, reason=f"fired {_names(predicted)}")
    parts = []
    if missing:
        parts.append(f"missing {_names(missing)}")
    if extra:
        parts.append(f"unexpected {_names(extra)}")
    return Score(value=False, reason="; ".join(parts))


def rule_overlap(case: ReviewCase, output: ReviewOutput) -> Score:
    """F1 between the expected and the fired rule sets (allowed rules neither help nor hurt); 1.0 when both empty."""
    expected = set(case.expected_rules)
    predicted = set(output.rules) - set(case.allowed_rules)
    if not expected and not predicted:
        return Score(value=1.0, reason="no rules expected, none fired")
    hits = len(expected & predicted)
    value = 2 * hits / (len(expected) + len(predicted))
    return Score(value=round(value, 4), reason=f"{hits} of {len(expected)} expected rules fired, {len(predicted)} fired")


def info_match(case: ReviewCase, output: ReviewOutput) -> Score:
    """Info-level rules (no baseline, no owner), scored apart from flawed-vs-sound; 1.0 when not labelled."""
    if case.info_rules is None:
        return Score(value=1.0, reason="info rules not labelled")
    expected, predicted = set(case.info_rules), set(output.info)
    if expected == predicted:
        return Score(value=1.0, reason=f"info {_names(expected)} as labelled")
    return Score(value=0.0, reason=f"info labelled {_names(expected)}, got {_names(predicted)}")


SCORERS = {
    "flawed_vs_sound": flawed_vs_sound,
    "rules_match": rules_match,
    "rule_overlap": rule_overlap,
    "info_match": info_match,
}
