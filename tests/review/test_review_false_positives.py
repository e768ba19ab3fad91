"""Known false positives of the reviewer, each next to flawed counter-examples the same rule must still catch.

- kr-wrong-direction: a bound inside the metric's description ("customers with 3+ integrations", "incidents
  lasting over 30 minutes") was read as the target.
- kr-compound: a deadline written first ("By 2027-03-31, increase ...") was read as a second result.
- objective-has-metric: "one" as a determiner, "our first 90 days", "the 2.0 platform" are not targets.
"""

from __future__ import annotations

import pytest
from review_helpers import kr_finding, kr_rules, objective_set, rules_on

from assistant.okr import Alignment
from assistant.policy import get_policy
from assistant.review import check

WRONG = "kr-wrong-direction"
COMPOUND = "kr-compound"

DESCRIBED_METRICS = [
    "Increase the number of customers with 3+ active integrations from 120 to 300",
    "Reduce the number of incidents lasting over 30 minutes from 12 to 4",
    "Grow accounts with 10+ seats from 40 to 90",
    "Increase teams with at least 5 members from 20 to 60",
    "Increase customers using 2 or more products from 300 to 450",
    "Increase sellers with 50+ monthly orders from 800 to 1,300",
    "Grow the share of repos with 2 or more maintainers from 45% to 70%",
    "Cut the share of invoices paid more than 30 days late from 14% to 5%",
    "Reduce the share of tickets older than 7 days from 18% to 9%",
    "Reduce customers with more than 3 open tickets: 90 → 40",
]


@pytest.mark.parametrize("text", DESCRIBED_METRICS)
def test_a_bound_in_the_metric_is_not_the_target(text: str) -> None:
    assert WRONG not in kr_rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Reduce NPS from 30 to 45",
        "Increase ARR from $2M to $1M",
        "Increase the number of customers with 3+ active integrations from 300 to 120",
        "Reduce the number of incidents lasting over 30 minutes from 4 to 12",
        "Grow accounts with 10+ seats from 90 to 40",
    ],
)
def test_a_reversed_range_still_points_the_wrong_way(text: str) -> None:
    assert WRONG in kr_rules(text)


def test_the_message_quotes_the_range_not_the_bound() -> None:
    f = kr_finding("Grow accounts with 10+ seats from 90 to 40", WRONG)
    assert "(40)" in f.message and "(90)" in f.message


DATE_FIRST = [
    "By 2027-03-31, increase NPS from 30 to 45",
    "In Q2, cut churn from 4% to 3%",
    "By March 31, raise CSAT from 82% to 90%",
    "In H1 2027, grow ARR from $3M to $5M",
    "Within 90 days, reduce onboarding time from 14 to 5 days",
    "By the end of 2027, reach 2,000 paying customers, up from 1,200",
    "By Q4: increase activation from 30% to 45%",
]


@pytest.mark.parametrize("text", DATE_FIRST)
def test_a_deadline_written_first_is_not_a_second_result(text: str) -> None:
    found = kr_rules(text)
    assert COMPOUND not in found
    assert WRONG not in found


@pytest.mark.parametrize(
    "text",
    [
        "By Q2, grow MAU from 10k to 25k and cut churn from 4% to 3%",
        "By 2027-03-31, increase NPS from 30 to 45 and reduce support tickets from 900 to 600",
        "Reduce build time from 25 to 10 minutes and flaky test rate from 6% to 1%",
    ],
)
def test_two_results_after_a_deadline_are_still_compound(text: str) -> None:
    assert COMPOUND in kr_rules(text)


def test_the_split_keeps_the_deadline_with_its_result() -> None:
    f = kr_finding("By Q2, grow MAU from 10k to 25k and cut churn from 4% to 3%", COMPOUND)
    assert f.suggestion is not None
    assert "Split into 2 key results" in f.suggestion and "By Q2, grow MAU" in f.suggestion


def _has_metric(title: str) -> bool:
    okr_set = objective_set(title, aligns_to=Alignment(id="CO-1"))
    return "objective-has-metric" in rules_on(check(okr_set, policy=get_policy("default")), "objectives[0]")


@pytest.mark.parametrize(
    ("title", "fires"),
    [
        ("Become the one tool teams open first", False),
        ("Make our first 90 days with a customer count", False),
        ("Two-click publishing for every creator", False),
        ("One platform for all our data", False),
        ("Be the number one choice for small agencies", False),
        ("Make the first five minutes magical", False),
        ("Give every new hire a great first 30 days", False),
        ("Ship the 2.0 platform", False),
        ("Reach 10,000 users", True),
        ("Grow ARR to $5M", True),
        ("Hit 95% uptime", True),
        ("Grow to 50 enterprise customers", True),
        ("Be the first choice for one million developers", True),
        ("Ten thousand happy customers", True),
        ("Cut onboarding to 30 days", True),
        ("Ship version 2.5 to 400 customers", True),
    ],
)
def test_objective_numbers_that_set_no_target(title: str, fires: bool) -> None:
    assert _has_metric(title) is fires
