"""Table tests: what the KR parser reads out of key results as people write them.

Every case asserts all the structured fields at once: metric, direction, baseline, target, unit, due,
placeholder, relative, comparator and metric_count.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.krparse import KRFacts, parse_kr_text
from assistant.okr import Direction

INC, DEC, KEEP, DONE = Direction.INCREASE, Direction.DECREASE, Direction.MAINTAIN, Direction.ACHIEVE


def case(
    text: str,
    metric: str | None,
    direction: Direction | None,
    baseline: float | None,
    target: float | None,
    unit: str | None = None,
    due: str | None = None,
    *,
    period: str | None = None,
    placeholder: bool = False,
    relative: bool = False,
    comparator: str | None = None,
    metric_count: int | None = None,
) -> Any:
    expected = {
        "metric": metric,
        "direction": direction,
        "baseline": baseline,
        "target": target,
        "unit": unit,
        "due": due,
        "placeholder": placeholder,
        "relative": relative,
        "comparator": comparator,
        "metric_count": (1 if metric else 0) if metric_count is None else metric_count,
    }
    return pytest.param(text, period, expected, id=text[:60])


# The phrases of the issue, one or more cases each.
PHRASES = [
    case("Improve conversion from 1.5% to 4%", "conversion", INC, 1.5, 4.0, "%"),
    case("Grow the community to 500 members", "community", INC, None, 500.0),
    case("Keep the error rate below 3%", "error rate", KEEP, None, 3.0, "%", comparator="<"),
    case("Error rate below 3%", "Error rate", DEC, None, 3.0, "%", comparator="<"),
    case("Increase qualified pipeline by 40%", "qualified pipeline", INC, None, 40.0, "%", relative=True),
    case("Reach $2M ARR", "ARR", INC, None, 2_000_000.0, "USD"),
    case("$2M ARR by end of Q4", "ARR", None, None, 2_000_000.0, "USD", "end of Q4"),
    case("10k MAU", "MAU", None, None, 10_000.0),
    case("Hit 10k MAU by end of Q2", "MAU", INC, None, 10_000.0, None, "2027-06-30", period="2027-Q2"),
    case("NPS >= 45", "NPS", INC, None, 45.0, comparator=">="),
    case("p95 latency under 200 ms", "p95 latency", DEC, None, 200.0, "ms", comparator="<"),
    case("Reach 500 paying customers by end of Q2", "paying customers", INC, None, 500.0, None, "end of Q2"),
    case("Reach 500 paying customers by end of Q2", "paying customers", INC, None, 500.0, None, "2027-06-30",
         period="2027-Q2"),
    case("Close 40 enterprise deals by 2027-03-31", "enterprise deals", INC, None, 40.0, None, "2027-03-31"),
    case("Migrate 80% of services to Kubernetes within 90 days", "services to Kubernetes", DONE, None, 80.0, "%",
         "90 days"),
    case("Double weekly signups", "weekly signups", INC, None, 2.0, "x", relative=True),
    case("Double weekly signups from 400", "weekly signups", INC, 400.0, 800.0),
    case("Halve churn", "churn", DEC, None, 0.5, "x", relative=True),
    case("Halve checkout abandonment from 70% to 35%", "checkout abandonment", DEC, 70.0, 35.0, "%"),
    case("Support tickets from 120 to 80 tickets per week", "Support tickets", DEC, 120.0, 80.0),
    case("From 120 to 80 tickets per week", "tickets per week", DEC, 120.0, 80.0),
    case("Reduce churn from 5% to 3%", "churn", DEC, 5.0, 3.0, "%"),
    case("At least 95% uptime", "uptime", INC, None, 95.0, "%", comparator=">="),
    case("Maintain CSAT above 4.5", "CSAT", KEEP, None, 4.5, comparator=">"),
    case("Cut onboarding time in half", "onboarding time", DEC, None, 0.5, "x", relative=True),
    case("Cut onboarding time in half from 14 days", "onboarding time", DEC, 14.0, 7.0, "days"),
    case("Grow ARR 30%", "ARR", INC, None, 30.0, "%", relative=True),
    case("Grow ARR 30% from $10M", "ARR", INC, 10_000_000.0, 13_000_000.0, "USD"),
    case("3 of 5 enterprise pilots converted", "enterprise pilots converted", INC, None, 3.0),
    case("Increase trial activations by 2x", "trial activations", INC, None, 2.0, "x", relative=True),
    case("Increase X by 2x", None, INC, None, 2.0, "x", placeholder=True, relative=True),
    case("Grow EMEA revenue to €1.2M", "EMEA revenue", INC, None, 1_200_000.0, "EUR"),
    case("Onboard 1,200 new merchants", "new merchants", INC, None, 1200.0),
    case("Raise CSAT from 4.1/5 to 4.5/5", "CSAT", INC, 4.1, 4.5, "/5"),
    case("Achieve 99.9% availability", "availability", INC, None, 99.9, "%"),
    case("Zero P1 incidents in Q3", "P1 incidents", DEC, None, 0.0, None, "Q3"),
    case("No more than 2 P1 incidents per quarter", "P1 incidents per quarter", DEC, None, 2.0, comparator="<="),
    case("Lift email open rate to 50 percent", "email open rate", INC, None, 50.0, "%"),
    case("Sign twenty new design partners", "new design partners", INC, None, 20.0),
    case("Increase NPS from X to Y", "NPS", INC, None, None, placeholder=True),
    case("Raise activation to X%", "activation", INC, None, None, placeholder=True),
    case("Reduce time to first value to TBD", "time to first value", DEC, None, None, placeholder=True),
    case("Grow weekly active users from N to [target]", "weekly active users", INC, None, None, placeholder=True),
]

ENGINEERING = [
    case("KR1: Reduce p95 checkout latency from 450 ms to 200 ms by 2027-06-30", "p95 checkout latency", DEC, 450.0,
         200.0, "ms", "2027-06-30"),
    case("Increase deployment frequency from 2 per week to 10 per week", "deployment frequency", INC, 2.0, 10.0),
    case("Reduce MTTR from 4h to 1h", "MTTR", DEC, 4.0, 1.0, "h"),
    case("Reduce mean time to recovery (MTTR) to under 1 hour", "mean time to recovery", DEC, None, 1.0, "h",
         comparator="<"),
    case("Increase test coverage from 62% to 80% by end of Q3", "test coverage", INC, 62.0, 80.0, "%",
         "2027-09-30", period="2027-Q3"),
    case("Reduce CI build time to under 10 min", "CI build time", DEC, None, 10.0, "min", comparator="<"),
    case("Improve p95 latency from 300 ms to 200 ms", "p95 latency", DEC, 300.0, 200.0, "ms"),
    case("Optimise API error rate from 1.2% to 0.3%", "API error rate", DEC, 1.2, 0.3, "%"),
    case("Decrease the number of flaky tests from 40 to 5", "flaky tests", DEC, 40.0, 5.0),
    case("Bring change failure rate down to 10%", "change failure rate", DEC, None, 10.0, "%"),
    case("Achieve SOC 2 Type II certification", None, DONE, None, None),
    case("Launch the new pricing page", None, DONE, None, None),
    case("Migrate 100% of services off the legacy cluster by end of Q4", "services off the legacy cluster", DONE,
         None, 100.0, "%", "2027-12-31", period="2027-Q4"),
    case("Release frequency: weekly -> daily", "Release frequency", None, None, None),
    case("Keep monthly cloud spend under €400k", "monthly cloud spend", KEEP, None, 400_000.0, "EUR",
         comparator="<"),
]

SALES_MARKETING = [
    case("Generate 500 qualified leads", "qualified leads", INC, None, 500.0),
    case("Close $1.5M in new enterprise bookings", "new enterprise bookings", INC, None, 1_500_000.0, "USD"),
    case("Increase pipeline coverage to 3x quota", "pipeline coverage", INC, None, 3.0, "x"),
    case("Sign 12 new reseller partners in DACH", "new reseller partners in DACH", INC, None, 12.0),
    case("Lift trial-to-paid conversion from 8% to 12% in Q3", "trial-to-paid conversion", INC, 8.0, 12.0, "%",
         "Q3"),
    case("Grow newsletter subscribers from 4,000 to 10,000", "newsletter subscribers", INC, 4000.0, 10_000.0),
    case("Raise average order value (AOV) from $42 to $50", "average order value", INC, 42.0, 50.0, "USD"),
    case("Win 3 of 5 enterprise pilots", "enterprise pilots", INC, None, 3.0),
    case("Reduce CAC by $200", "CAC", DEC, None, 200.0, "USD", relative=True),
    case("Grow revenue 20% year over year", "revenue", INC, None, 20.0, "%", relative=True),
    case("Increase MQL to SQL conversion to 25% by June 30, 2027", "MQL to SQL conversion", INC, None, 25.0, "%",
         "2027-06-30"),
    case("Drop bounce rate from 60% to 45%", "bounce rate", DEC, 60.0, 45.0, "%"),
    case("Optimize cost per lead to $40", "cost per lead", DEC, None, 40.0, "USD"),
    case("Increase organic traffic by 35% QoQ", "organic traffic", INC, None, 35.0, "%", relative=True),
    case("Publish 12 blog posts", "blog posts", DONE, None, 12.0),
]

SUPPORT_PEOPLE = [
    case("Resolve 90% of P1 tickets within 4 hours", "P1 tickets", None, None, 90.0, "%"),
    case("First response time under 2 hours", "First response time", DEC, None, 2.0, "h", comparator="<"),
    case("Reduce average call wait time from 12 minutes to 4 minutes", "average call wait time", DEC, 12.0, 4.0,
         "min"),
    case("Achieve a CSAT of 4.6/5 or higher", "CSAT", INC, None, 4.6, "/5", comparator=">="),
    case("Reduce ticket backlog by half", "ticket backlog", DEC, None, 0.5, "x", relative=True),
    case("Fewer than 5 customer escalations per month", "customer escalations per month", DEC, None, 5.0,
         comparator="<"),
    case("Reduce voluntary attrition to below 8%", "voluntary attrition", DEC, None, 8.0, "%", comparator="<"),
    case("eNPS >= 30 by end of year", "eNPS", INC, None, 30.0, None, "2027-12-31", period="2027-Q1",
         comparator=">="),
    case("Hire 4 senior engineers by end of Q2", "senior engineers", DONE, None, 4.0, None, "end of Q2"),
    case("Hire and onboard 5 engineers", "engineers", DONE, None, 5.0),
    case("Cut time-to-hire from 45 days to 30 days", "time-to-hire", DEC, 45.0, 30.0, "days"),
    case("Increase employee engagement score from 72 to 80 by 31 December 2027", "employee engagement score", INC,
         72.0, 80.0, None, "2027-12-31"),
    case("80% of managers complete coaching training by June 30", "managers complete coaching training", None,
         None, 80.0, "%", "June 30"),
    case("Improve onboarding experience", "onboarding experience", INC, None, None),
]

FINANCE_OPS = [
    case("Reduce DSO from 52 to 40 days", "DSO", DEC, 52.0, 40.0, "days"),
    case("Bring DSO down to 35 days", "DSO", DEC, None, 35.0, "days"),
    case("Increase gross margin from 62% to 68% by FY27 Q4", "gross margin", INC, 62.0, 68.0, "%", "2027-12-31"),
    case("Reduce cloud cost per customer by 15%", "cloud cost per customer", DEC, None, 15.0, "%", relative=True),
    case("Keep monthly burn under €400k", "monthly burn", KEEP, None, 400_000.0, "EUR", comparator="<"),
    case("Reduce warehouse pick errors to less than 0.5%", "warehouse pick errors", DEC, None, 0.5, "%",
         comparator="<"),
    case("Achieve 98% on-time delivery", "on-time delivery", INC, None, 98.0, "%"),
    case("Lower carbon emissions by 10 percent versus 2026", "carbon emissions", DEC, None, 10.0, "%",
         relative=True),
    case("Increase the percentage of invoices paid on time to 95%", "percentage of invoices paid on time", INC,
         None, 95.0, "%"),
    case("Reduce inventory write-offs from $1.2M to $400k", "inventory write-offs", DEC, 1_200_000.0, 400_000.0,
         "USD"),
    case("Close the books within 5 business days", "books", INC, None, 5.0, "days", comparator="<="),
    case("Increase revenue from $1M to $2M", "revenue", INC, 1_000_000.0, 2_000_000.0, "USD"),
]

OPEN_SOURCE_PUBLIC = [
    case("Grow monthly active contributors from 120 to 200", "monthly active contributors", INC, 120.0, 200.0),
    case("Grow GitHub stars from 8k to 15k", "GitHub stars", INC, 8000.0, 15_000.0),
    case("Reduce median time to first review to 24 hours", "median time to first review", DEC, None, 24.0, "h"),
    case("Merge 200 community pull requests", "community pull requests", None, None, 200.0),
    case("Respond to 100% of security reports within 48 hours", "security reports", None, None, 100.0, "%"),
    case("Process 95% of permit applications within 10 working days", "permit applications", None, None, 95.0,
         "%"),
    case("Increase online service adoption to 60% of residents", "online service adoption", INC, None, 60.0, "%"),
    case("Reduce average permit processing time from 30 days to 12 days by 2027-12-31",
         "average permit processing time", DEC, 30.0, 12.0, "days", "2027-12-31"),
    case("Reach 1M monthly active users (MAU) by Dec 2027", "monthly active users", INC, None, 1_000_000.0, None,
         "2027-12-31"),
]

BASELINES_AND_FORMS = [
    case("Increase weekly active teams to 1,200 (currently 800)", "weekly active teams", INC, 800.0, 1200.0),
    case("Raise NPS to 45 (baseline: 31)", "NPS", INC, 31.0, 45.0),
    case("Increase NPS to 45, up from 31", "NPS", INC, 31.0, 45.0),
    case("NPS 31 → 45", "NPS", INC, 31.0, 45.0),
    case("Churn: 5% -> 3%", "Churn", DEC, 5.0, 3.0, "%"),
    case("Increase conversion rate 2% to 3%", "conversion rate", INC, 2.0, 3.0, "%"),
    case("Improve NPS from 31 to 45", "NPS", INC, 31.0, 45.0),
    case("Reduce churn from 5% to 3% by end of Q2", "churn", DEC, 5.0, 3.0, "%", "2027-06-30", period="2027-Q2"),
    case("Increase NPS from a baseline to be established to 45", "NPS", INC, None, 45.0),
    case("Increase revenue by 20% from $1M", "revenue", INC, 1_000_000.0, 1_200_000.0, "USD"),
    case("Reduce open critical vulnerabilities to zero", "open critical vulnerabilities", DEC, None, 0.0),
    case("Sustain an NPS of at least 50", "NPS", KEEP, None, 50.0, comparator=">="),
    case("Maintain 99.9% uptime", "uptime", KEEP, None, 99.9, "%"),
    case("Stay under 2% error rate", "error rate", KEEP, None, 2.0, "%", comparator="<"),
    case("Get to 1,000 paying customers", "paying customers", INC, None, 1000.0),
    case("Reach 500+ active communities", "active communities", INC, None, 500.0, comparator=">="),
    case("Grow trial signups 25% QoQ", "trial signups", INC, None, 25.0, "%", relative=True),
    case("1. Increase repeat purchase rate from 18% to 25% by 2027-09-30", "repeat purchase rate", INC, 18.0, 25.0,
         "%", "2027-09-30"),
    case("- KR 2.1: Grow paid seats from 3,000 to 4,500 in Q4 2027", "paid seats", INC, 3000.0, 4500.0, None,
         "2027-Q4"),
    case("Increase NPS from -10 to 20", "NPS", INC, -10.0, 20.0),
    case("Achieve WCAG 2.1 AA compliance on all public pages", None, DONE, None, None),
]

COMPOUND = [
    case("Increase signups to 500 and reduce churn to 3%", "signups", INC, None, 500.0, metric_count=2),
    case("Improve NPS from 31 to 45 and CSAT from 4.1 to 4.5", "NPS", INC, 31.0, 45.0, metric_count=2),
    case("Keep churn below 3% and NPS above 40", "churn", KEEP, None, 3.0, "%", comparator="<", metric_count=2),
    case("Grow revenue and margin", "revenue", INC, None, None, metric_count=2),
    case("Reach 500 paying customers in EMEA and APAC", "paying customers in EMEA and APAC", INC, None, 500.0),
    case("Increase sales and marketing qualified leads to 500", "sales and marketing qualified leads", INC, None,
         500.0),
    case("Launch the mobile app and reach 10k downloads", "downloads", INC, None, 10_000.0),
    case("Grow ARR 30% YoY while keeping churn below 3%", "ARR", INC, None, 30.0, "%", relative=True),
    case("Increase activation to 40%; reduce time to value to 2 days", "activation", INC, None, 40.0, "%",
         metric_count=2),
    case("Increase repeat purchases to between 3 and 5 times per customer", "repeat purchases", INC, None, 3.0),
]

MORE = [
    case("Write the Q3 roadmap", None, DONE, None, None),
    case("Make it better", None, None, None, None),
    case("Increase share of wallet with top 20 accounts from 12% to 18%", "share of wallet with top 20 accounts",
         INC, 12.0, 18.0, "%"),
    case("Reduce onboarding drop-off at step 3 from 40% to 25%", "onboarding drop-off at step 3", DEC, 40.0, 25.0,
         "%"),
    case("Handle 2x the ticket volume with the same headcount", "ticket volume with the same headcount", INC, None,
         2.0, "x", relative=True),
    case("Vaccinate 90% of eligible residents", "eligible residents", None, None, 90.0, "%"),
    case("Provide 24/7 support coverage to 100% of enterprise accounts", "24/7 support coverage", None, None,
         100.0, "%"),
    case("Increase NPS by X points", "NPS", INC, None, None, placeholder=True, relative=True),
    case("Increase X by Y%", None, INC, None, None, placeholder=True, relative=True),
    case("Reduce churn from 5% to TBD", "churn", DEC, 5.0, None, "%", placeholder=True),
    case("Publish N articles per month", "articles per month", DONE, None, None, placeholder=True),
    case("Increase conversion from 2% by 1 percentage point", "conversion", INC, 2.0, 3.0, "%"),
    case("Reduce p99 latency from 400 ms by 2x", "p99 latency", DEC, 400.0, 200.0, "ms"),
    case("Reduce page load time on mobile by 1.5 seconds", "page load time on mobile", DEC, None, 1.5, "s",
         relative=True),
    case("Lower average response time for citizen enquiries from 5 days to 2 days",
         "average response time for citizen enquiries", DEC, 5.0, 2.0, "days"),
    case("Increase open data datasets published from 120 to 200", "open data datasets published", INC, 120.0,
         200.0),
    case("Increase the number of women in engineering leadership roles from 22% to 30%",
         "women in engineering leadership roles", INC, 22.0, 30.0, "%"),
    case("Reduce carbon footprint of data centres by 25% versus 2025 baseline by end of FY27",
         "carbon footprint of data centres", DEC, None, 25.0, "%", "end of FY2027", relative=True),
    case("Ensure 95% of PRs are reviewed within 24 hours", "PRs are reviewed", None, None, 95.0, "%"),
    case("Expand to 3 new countries in LATAM", "new countries in LATAM", INC, None, 3.0),
    case("Triple organic signups", "organic signups", INC, None, 3.0, "x", relative=True),
    case("Increase NPS to 50+", "NPS", INC, None, 50.0, comparator=">="),
    case("Grow Python SDK downloads from 50k/month to 120k/month", "Python SDK downloads", INC, 50_000.0,
         120_000.0),
    case("Achieve a 4.8 star average rating on the App Store", "average rating on the App Store", INC, None, 4.8,
         "stars"),
]

CASES = PHRASES + ENGINEERING + SALES_MARKETING + SUPPORT_PEOPLE + FINANCE_OPS + OPEN_SOURCE_PUBLIC + (
    BASELINES_AND_FORMS + COMPOUND + MORE
)


def _fields(facts: KRFacts) -> dict[str, object]:
    return {
        "metric": facts.metric,
        "direction": facts.direction,
        "baseline": facts.baseline,
        "target": facts.target,
        "unit": facts.unit,
        "due": facts.due,
        "placeholder": facts.placeholder,
        "relative": facts.relative,
        "comparator": facts.comparator,
        "metric_count": facts.metric_count,
    }


@pytest.mark.parametrize(("text", "period", "expected"), CASES)
def test_reads_key_result(text: str, period: str | None, expected: dict[str, object]) -> None:
    assert _fields(parse_kr_text(text, period=period)) == expected


def test_the_table_is_broad() -> None:
    assert len(CASES) >= 80
    assert len({p.values[0] for p in CASES}) >= 80
