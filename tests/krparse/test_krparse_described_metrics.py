"""Numbers inside a metric's description, deadlines written first, grouped thousands and scaled number words."""

from __future__ import annotations

import pytest

from assistant.krparse import numbers_in, parse_kr_text
from assistant.okr import Direction, NumberRole

INC, DEC = Direction.INCREASE, Direction.DECREASE


@pytest.mark.parametrize(
    ("text", "direction", "baseline", "target"),
    [
        ("Increase the number of customers with 3+ active integrations from 120 to 300", INC, 120, 300),
        ("Reduce the number of incidents lasting over 30 minutes from 12 to 4", DEC, 12, 4),
        ("Grow accounts with 10+ seats from 40 to 90", INC, 40, 90),
        ("Increase teams with at least 5 members from 20 to 60", INC, 20, 60),
        ("Increase customers using 2 or more products from 300 to 450", INC, 300, 450),
        ("Cut the share of orders shipped in more than 2 days from 15% to 5%", DEC, 15, 5),
        ("Reduce customers with more than 3 open tickets: 90 → 40", DEC, 90, 40),
        # a bound with no range after it is still the target
        ("Keep p95 latency below 200 ms", Direction.MAINTAIN, None, 200),
        ("Reduce p95 latency to below 200 ms from 350 ms", DEC, 350, 200),
        ("Grow to 500+ paying customers", INC, None, 500),
    ],
)
def test_a_bound_in_the_description_is_not_the_target(
    text: str, direction: Direction, baseline: float | None, target: float
) -> None:
    facts = parse_kr_text(text)
    assert (facts.direction, facts.baseline, facts.target) == (direction, baseline, target)


def test_the_bound_keeps_role_other() -> None:
    facts = parse_kr_text("Grow accounts with 10+ seats from 40 to 90")
    assert [(m.raw, m.role) for m in facts.numbers] == [
        ("10+", NumberRole.OTHER), ("40", NumberRole.BASELINE), ("90", NumberRole.TARGET)
    ]


@pytest.mark.parametrize(
    ("text", "metric", "due"),
    [
        ("By 2027-03-31, increase NPS from 30 to 45", "NPS", "2027-03-31"),
        ("By March 31, raise CSAT from 82% to 90%", "CSAT", "March 31"),
        ("In H1 2027, grow ARR from $3M to $5M", "ARR", "2027-H1"),
        ("By the end of 2027, reach 500 customers", "customers", "2027-12-31"),
    ],
)
def test_a_deadline_written_first(text: str, metric: str, due: str) -> None:
    facts = parse_kr_text(text)
    assert (facts.metric, facts.due, facts.direction) == (metric, due, INC)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Reach 2,000 paying customers", [2000.0]),  # a thousands separator: a count, never a year
        ("Win the market in 2027", []),
        ("Be the first choice for one million developers", [1e6]),
        ("Ten thousand happy customers", [1e4]),
        ("Reach two hundred thousand users", [2e5]),
        ("Hire a hundred engineers", [100.0]),
    ],
)
def test_counts_and_years(text: str, values: list[float]) -> None:
    assert [m.value for m in numbers_in(text)] == values


def test_by_the_end_of_a_year_then_a_comma() -> None:
    assert parse_kr_text("By the end of 2027, reach 2,000 paying customers, up from 1,200").due == "2027-12-31"
