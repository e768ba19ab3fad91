"""Due dates: ISO dates, period labels, and deadlines resolved against the OKR period."""

from __future__ import annotations

import pytest

from assistant.krparse import parse_kr_text


@pytest.mark.parametrize(
    ("text", "period", "due"),
    [
        ("Reach 500 customers by end of Q2", None, "end of Q2"),
        ("Reach 500 customers by end of Q2", "2027-Q2", "2027-06-30"),
        ("Reach 500 customers by end of Q2", "Q2 2027", "2027-06-30"),
        ("Reach 500 customers by the end of the quarter", "2027-Q3", "2027-09-30"),
        ("Reach 500 customers by the end of the quarter", None, "end of quarter"),
        ("Reach 500 customers this quarter", "2027-Q3", "2027-Q3"),
        ("Reach 500 customers by EOQ", "2027-Q1", "2027-03-31"),
        ("Reach 500 customers by Q2", "2027-Q1", "2027-06-30"),
        ("Reach 500 customers by end of Q1", "2027-Q4", "2028-03-31"),
        ("Reach 500 customers in Q3 2027", None, "2027-Q3"),
        ("Reach 500 customers in Q3", "2027", "2027-Q3"),
        ("Reach 500 customers by Q3 2027", None, "2027-09-30"),
        ("Reach 500 customers by 2027-03-31", "2027-Q2", "2027-03-31"),
        ("Reach 500 customers by 31/03/2027", None, "2027-03-31"),
        ("Reach 500 customers by 3/31/2027", None, "2027-03-31"),
        ("Reach 500 customers by March 31, 2027", None, "2027-03-31"),
        ("Reach 500 customers by 31 March 2027", None, "2027-03-31"),
        ("Reach 500 customers by March 31", "2027-Q1", "2027-03-31"),
        ("Reach 500 customers by March 31", None, "March 31"),
        ("Reach 500 customers by end of March", "FY2027", "2027-03-31"),
        ("Reach 500 customers by March 2027", None, "2027-03-31"),
        ("Reach 500 customers in March 2027", None, "2027-03"),
        ("Reach 500 customers by Dec 2027", None, "2027-12-31"),
        ("Reach 500 customers by end of year", "2027-Q2", "2027-12-31"),
        ("Reach 500 customers by EOY", None, "end of year"),
        ("Reach 500 customers by 2027", None, "2027-12-31"),
        ("Reach 500 customers by end of H1", "2027", "2027-06-30"),
        ("Reach 500 customers in H2 2027", None, "2027-H2"),
        ("Reach 500 customers by the end of the first half of 2027", None, "2027-06-30"),
        ("Reach 500 customers by end of FY27", None, "end of FY2027"),
        ("Reach 500 customers within 90 days", "2027-Q2", "90 days"),
        ("Reach 500 customers in the next 6 months", None, "6 months"),
        ("Reach 500 customers within a year", None, "1 year"),
        ("Reach 500 customers by day 90", None, "90 days"),
        ("Reach 500 customers over the next quarter", "2027-Q4", "2028-Q1"),
        ("Reach 500 customers by the start of Q3", "2027-Q2", "2027-07-01"),
        # service levels and names are not deadlines
        ("Respond to 95% of tickets within 24 hours", "2027-Q2", None),
        ("Activate 60% of trials within 14 days of signup", None, None),
        ("Activate 60% of trials within 30 days of signup", None, None),
        ("Publish the Q3 roadmap", None, None),
        ("Cut the FY27 budget by 10%", None, None),
        ("We may reach 500 customers", None, None),
        ("Grow revenue 20% year-over-year", "2027-Q2", None),
        ("Close 10 deals per quarter", "2027-Q2", None),
    ],
)
def test_due(text: str, period: str | None, due: str | None) -> None:
    assert parse_kr_text(text, period=period).due == due


@pytest.mark.parametrize("period", [None, "", "next quarter", "sometime", "2027-Q9"])
def test_unknown_period_leaves_labels(period: str | None) -> None:
    assert parse_kr_text("Reach 500 customers by end of Q2", period=period).due == "end of Q2"
