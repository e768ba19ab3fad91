"""numbers_in: the quantities of a text, normalised, and what is not a quantity (dates, years, names, labels)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.krparse import numbers_in, parse_kr_text
from assistant.okr import NumberRole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Increase weekly active teams from 800 to 1,200 by 2027-03-31", [("800", 800.0, None), ("1,200", 1200.0, None)]),
        ("$2M ARR", [("$2M", 2_000_000.0, "USD")]),
        ("10k MAU", [("10k", 10_000.0, None)]),
        ("from 1.5% to 4%", [("1.5%", 1.5, "%"), ("4%", 4.0, "%")]),
        ("p95 latency under 200 ms", [("200 ms", 200.0, "ms")]),
        ("CSAT 4.5/5", [("4.5/5", 4.5, "/5")]),
        ("CSAT of 4.2 out of 5", [("4.2 out of 5", 4.2, "/5")]),
        ("€1.2M pipeline", [("€1.2M", 1_200_000.0, "EUR")]),
        ("£300k and ¥5M", [("£300k", 300_000.0, "GBP"), ("¥5M", 5_000_000.0, "JPY")]),
        ("US$5M and USD 3M", [("US$5M", 5_000_000.0, "USD"), ("USD 3M", 3_000_000.0, "USD")]),
        ("$5 million in bookings", [("$5 million", 5_000_000.0, "USD")]),
        ("50 percent of users", [("50 percent", 50.0, "%")]),
        ("raise it 3 percentage points", [("3 percentage points", 3.0, "pp")]),
        ("up 20 bps", [("20 bps", 20.0, "bps")]),
        ("NPS up 10 points", [("10 points", 10.0, "points")]),
        ("twenty new logos", [("twenty", 20.0, None)]),
        ("twenty-five partners and a dozen pilots", [("twenty-five", 25.0, None), ("a dozen", 12.0, None)]),
        ("fifty percent", [("fifty percent", 50.0, "%")]),
        ("zero P1 incidents", [("zero", 0.0, None)]),
        ("500+ users", [("500+", 500.0, None)]),
        ("NPS from -10 to 20", [("-10", -10.0, None), ("20", 20.0, None)]),
        ("3 of 5 enterprise pilots", [("3", 3.0, None), ("5", 5.0, None)]),
        ("increase signups by 2x", [("2x", 2.0, "x")]),
        ("3 times more", [("3 times", 3.0, "x")]),
        ("sub-200ms p99", [("sub-200ms", 200.0, "ms")]),
        ("a 24-hour response", [("24-hour", 24.0, "h")]),
        ("respond within 4 hours", [("4 hours", 4.0, "h")]),
        ("resolve in 5 business days", [("5 business days", 5.0, "days")]),
        ("from 2000 to 3000 users", [("2000", 2000.0, None), ("3000", 3000.0, None)]),
        ("10 GB and 2 FTEs", [("10 GB", 10.0, "GB"), ("2 FTEs", 2.0, "FTE")]),
    ],
)
def test_reads_quantities(text: str, expected: list[tuple[str, float, str | None]]) -> None:
    mentions = numbers_in(text)
    assert [(m.raw, m.value, m.unit) for m in mentions] == expected
    assert all(text[m.start : m.end] == m.raw for m in mentions)
    assert all(m.role is NumberRole.OTHER for m in mentions)


@pytest.mark.parametrize(
    "text",
    [
        "by end of Q2",
        "by 2027-03-31",
        "due 31/03/2027",
        "by March 31, 2027",
        "by 31 March 2027",
        "in Q3 2027",
        "Q2'27",
        "2027-Q2",
        "FY27",
        "in H1",
        "in 2027",
        "since 2020",
        "2026 revenue levels",
        "within 90 days",
        "in the next 6 months",
        "over the next 2 quarters",
        "by day 90",
        "KR1: ship it",
        "1. Ship it",
        "2) Ship it",
        "KR 1.2 Ship it",
        "- KR3: Ship it",
        "SOC 2 Type II",
        "ISO 27001",
        "p95 and p99",
        "v2.1 release",
        "COVID-19 testing",
        "24/7 support",
        "3rd place",
        "2FA for admins",
        "5-star reviews",
        "Tier 1 tickets",
        "Sprint 5 goals",
        "#1 in the category",
        "WCAG 2.1 AA",
    ],
)
def test_dates_years_names_and_labels_are_not_quantities(text: str) -> None:
    assert numbers_in(text) == []


def test_long_passages_are_read_in_order() -> None:
    passage = (
        "In 2026 the EMEA team grew ARR from $4.2M to $6M. Churn fell to 3% in Q4, and NPS reached 45 "
        "(up from 31). We expect 1,200 weekly active teams by 2027-03-31.\n" * 3
    )
    values = [m.value for m in numbers_in(passage)]
    assert values == [4_200_000.0, 6_000_000.0, 3.0, 45.0, 31.0, 1200.0] * 3


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("Increase weekly active teams from 800 to 1,200", ["baseline", "target"]),
        ("Increase NPS to 45 (currently 31)", ["target", "baseline"]),
        ("Raise NPS to 45 (baseline: 31)", ["target", "baseline"]),
        ("3 of 5 enterprise pilots converted", ["target", "other"]),
        ("Resolve 90% of P1 tickets within 4 hours", ["target", "other"]),
        ("Grow ARR 30% YoY", ["target"]),
        ("Grow ARR from $4.2M to $6M (+43%)", ["baseline", "target", "other"]),
        ("Increase signups to 500 and reduce churn from 5% to 3%", ["target", "baseline", "target"]),
        ("Host 4 webinars", ["target"]),
        ("Raise activation within 14 days from 54% to 61%", ["other", "baseline", "target"]),
        ("Reduce time to resolve from 20 to within 14 days", ["baseline", "target"]),
    ],
)
def test_roles(text: str, roles: list[str]) -> None:
    facts = parse_kr_text(text)
    assert [m.role.value for m in facts.numbers] == roles
    assert [(m.raw, m.start, m.end) for m in facts.numbers] == [(m.raw, m.start, m.end) for m in numbers_in(text)]


def test_results_are_independent_copies() -> None:
    first = parse_kr_text("Reduce churn from 5% to 3%")
    first.numbers.clear()
    second = parse_kr_text("Reduce churn from 5% to 3%")
    assert [m.raw for m in second.numbers] == ["5%", "3%"]
    assert second == parse_kr_text("Reduce churn from 5% to 3%")


@pytest.mark.parametrize("text", ["", "   ", "\n", "—", "???", "[", "1" * 400, "$" * 50, "by by by Q2"])
def test_odd_text_is_read_without_error(text: str) -> None:
    facts = parse_kr_text(text, period="2027-Q2")
    assert all(text[m.start : m.end] == m.raw for m in facts.numbers)


_PIECES = st.sampled_from(
    [*"abcXN 0123456789.,%$€-/:;()[]<>=+?kKmMqQ", "from ", "to ", "by ", "Q2 ", "end of ", "within ", " days",
     "and ", "2027-03-31", "double ", "halve ", "below ", "at least ", "TBD", "increase ", "reduce ", "twenty "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join), st.sampled_from([None, "2027-Q2", "FY27", "junk"]))
def test_any_text_is_read_consistently(text: str, period: str | None) -> None:
    facts = parse_kr_text(text, period=period)
    assert all(text[m.start : m.end] == m.raw for m in facts.numbers)
    assert [(m.raw, m.value, m.unit) for m in numbers_in(text)] == [(m.raw, m.value, m.unit) for m in facts.numbers]
    assert facts.metric is None or facts.metric in text
    assert facts.metric_count >= (1 if facts.metric else 0)


def test_a_window_in_the_metric_is_not_the_target() -> None:
    facts = parse_kr_text("Increase the share of teams activated within 14 days from 54% to 61%")
    assert (facts.baseline, facts.target, facts.unit) == (54.0, 61.0, "%")
    assert facts.metric == "share of teams activated"


@pytest.mark.parametrize(
    ("text", "raws"),
    [
        ("Make onboarding effortless for EMEA customers", []),
        ("Onboard one team a week", ["one"]),
        ("Hire twenty-five engineers", ["twenty-five"]),
        ("Run a dozen pilots", ["a dozen"]),
        ("TWENTY partners", ["TWENTY"]),
        ("Grow to ٣ regions", ["٣"]),
        ("Phone support is done", []),
    ],
)
def test_titles_without_digits_still_find_number_words(text: str, raws: list[str]) -> None:
    # numbers_in skips the tokenizer when no digit and no number word is written: the skip must never hide one
    assert [m.raw for m in numbers_in(text)] == raws
    assert [m.raw for m in numbers_in(text)] == [m.raw for m in parse_kr_text(text).numbers]


_WORDY = st.sampled_from(
    ["one", "One", "ONE", "phone", "twenty", "-", "five", "dozen", "a ", "hundred", "someone", "no ", " ", "'",
     "’", "_", "x", "Ten", "tens", "é", "٣", "²", "%", ".", "the ", "thirty-three", "eight", "K"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDY, max_size=20).map("".join))
def test_number_words_are_found_with_or_without_digits(text: str) -> None:
    assert [(m.raw, m.value, m.unit) for m in numbers_in(text)] == [
        (m.raw, m.value, m.unit) for m in parse_kr_text(text).numbers
    ]
