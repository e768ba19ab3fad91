"""Which way a metric gets better, read from its head noun; no verdict where the head leaves it in doubt."""

from __future__ import annotations

import pytest

from assistant.krparse import parse_kr_text
from assistant.okr import Direction
from assistant.review.polarity import better_direction

DOWN, UP = Direction.DECREASE, Direction.INCREASE


@pytest.mark.parametrize(("metric", "better"), [
    ("monthly customer churn", DOWN),
    ("fresh demand forecast error", DOWN),
    ("error rate of the checkout API", DOWN),  # a measure takes the word before it
    ("rate of churn", DOWN),
    ("number of Sev-1 incidents", DOWN),
    ("cost per delivered order", DOWN),
    ("median time to hire", DOWN),  # "time to ..." is a wait
    ("first response time", DOWN),
    ("p95 API latency", DOWN),
    ("net revenue retention", UP),
    ("trial-to-paid conversion", UP),
    ("Gross margin", UP),
    ("NPS", UP),
    ("time in app", None),  # a bare time: engagement or a wait
    ("time spent learning", None),
    ("share of revenue", None),  # a share of something: better depends on what
    ("percentage of callers who hang", None),
    ("churned revenue", DOWN),  # a word before the head makes it something to have less of
    ("failed deliveries", DOWN),
    ("missed appointments", DOWN),
    ("avoided cost", None),  # ... or more of again
    ("incidents reported", None),
    ("failed payments recovered", None),
    ("at-risk accounts with a recovery plan agreed", None),  # a part of them, picked out
    ("P1 incidents that met the SLA", None),
    ("churn reduction", None),
    ("error budget", None),
    ("marketing spend", None),
    ("returns on invested capital", None),
    ("", None),
    (None, None),
])
def test_better_direction(metric: str | None, better: Direction | None) -> None:
    assert better_direction(metric) is better


@pytest.mark.parametrize(("text", "baseline", "target", "unit", "direction"), [
    ("Reduce p99 search latency from 1.2s to 400ms", 1200.0, 400.0, "ms", DOWN),
    ("p99 search latency: 1.2s → 400ms", 1200.0, 400.0, "ms", DOWN),
    ("Cut page load from 2 minutes to 45 seconds", 120.0, 45.0, "s", DOWN),
    ("Reduce time to hire from 6 weeks to 30 days", 42.0, 30.0, "days", DOWN),
    ("Grow storage from 500 GB to 2 TB", 0.5, 2.0, "TB", UP),
    ("Raise conversion from 2% to 3%", 2.0, 3.0, "%", UP),  # same unit: unchanged
])
def test_a_baseline_in_another_unit_of_the_same_kind_is_read_in_the_target_unit(
    text: str, baseline: float, target: float, unit: str, direction: Direction
) -> None:
    facts = parse_kr_text(text)
    assert (facts.baseline, facts.target, facts.unit, facts.direction) == (baseline, target, unit, direction)


def test_a_key_result_whose_verb_and_numbers_make_its_metric_worse_gets_a_rewrite_the_better_way() -> None:
    from review_helpers import kr_finding

    finding = kr_finding("Lower week-one activation from 40% to 35% by 2027-03-31", "kr-wrong-direction")
    assert finding is not None and "higher is better for week-one activation" in finding.message
    assert finding.suggestion == "Increase week-one activation from 40% to <target above 40%> by 2027-03-31"
