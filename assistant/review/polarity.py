"""Which way a metric gets better: churn and error rates down, revenue and retention up.

Read from the metric's head noun only, and only for heads whose better side is not in doubt. "Increase churn"
is a slip; "Increase time in app" is not, although "time to hire" should go down, so a bare "time" decides
nothing. A share ("the share of revenue from our top 3 customers") decides nothing either: what is better
depends on what the share is of.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from assistant.okr import Direction
from assistant.review.lexicon import TOKEN_RE, words

# Heads whose lower values are better. Left out on purpose: spend and expenses (a team may mean to invest),
# turnover (revenue in British usage), returns (on capital), tickets, risk, duration (of sessions).
LOWER_BETTER: Final = words("""
    churn attrition latency latencies cost costs cac error errors defect defects bug bugs incident incidents
    outage outages downtime delay delays wait complaint complaints escalation escalations refunds failure failures
    crash crashes bounce abandonment vulnerability vulnerabilities debt dso mttr mttd backlog no-show no-shows
    absenteeism emissions waste shrinkage fraud chargeback chargebacks breach breaches injuries accidents lateness
    """)
# Heads whose higher values are better.
HIGHER_BETTER: Final = words("""
    revenue revenues arr mrr nrr grr retention conversion activation adoption nps csat satisfaction uptime
    availability accuracy margin margins profit profits profitability signups sign-ups ltv reliability
    """)
# Words before a head that make it something to have less of: "failed deliveries", "missed appointments",
# "churned revenue".
_BAD: Final = words("""
    churned lost leaked leaking wasted missed refunded overdue unpaid failed delayed late at-risk abandoned bad
    written-off uncollected unbilled declined cancelled canceled forgone foregone broken duplicate duplicated
    """)
# Words that make it something to have more of again: "avoided cost", "incidents reported by staff",
# "failed payments recovered". With one of them the metric's head decides nothing.
_UNDONE: Final = words("""
    avoided prevented saved reduced eliminated recovered resolved fixed closed caught found detected flagged
    reported identified investigated addressed cleared collected reversed handled won
    """)
# A "time" is better lower when it names a wait: "response time", "time to hire".
_TIME_WAITS: Final = words("""
    response resolution wait waiting load loading handle handling lead cycle turnaround processing queue
    delivery transit build deploy deployment recovery repair detection approval review page render startup boot
    reply answer fulfilment fulfillment shipping dispatch onboarding
    """)
# Heads that measure the word before them: "error rate", "churn level".
_MEASURES: Final = words("rate rates ratio level levels count volume frequency number amount")
# "the number of incidents", "the rate of churn": the polarity of what follows.
_COUNT_OF: Final = words("number amount count rate level volume frequency total")
# "the share of revenue from ...": no polarity.
_SHARE_OF: Final = words("share percentage percent proportion fraction ratio portion")
# After the head, these pick out a part of what it names, which is better or worse on its own terms: "at-risk
# accounts with a recovery plan", "incidents that met the SLA".
_SUBSET: Final = words("with without that who which where whose having")
# Words that end the metric's head phrase.
_ENDS: Final = words("""
    of per to for in on at with from by during across who that which among within over under between than
    when where while via through
    """)


@lru_cache(maxsize=2048)
def better_direction(metric: str | None) -> Direction | None:
    """``Direction.DECREASE`` for a metric where lower is better, ``INCREASE`` where higher is, else None."""
    if not metric:
        return None
    tokens = TOKEN_RE.findall(metric.lower())
    while tokens and tokens[0] in ("the", "a", "an", "our", "total"):
        tokens = tokens[1:]
    if len(tokens) > 2 and tokens[1] == "of":
        if tokens[0] in _SHARE_OF:
            return None
        if tokens[0] in _COUNT_OF:
            tokens = tokens[2:]
    head_at = next((i for i, w in enumerate(tokens) if w in _ENDS), len(tokens))
    if head_at == 0:
        return None
    head = tokens[head_at - 1]
    if head in _MEASURES and head_at >= 2:
        head = tokens[head_at - 2]
    phrase = tokens[:head_at]
    if not _UNDONE.isdisjoint(phrase) or (head_at < len(tokens) and tokens[head_at] in _SUBSET):
        return None
    bad = not _BAD.isdisjoint(phrase)
    if head in ("time", "times"):  # "time to hire", "response time"; not "time in app"
        timed_wait = head_at < len(tokens) and tokens[head_at] == "to"
        if bad or timed_wait or (head_at >= 2 and tokens[head_at - 2] in _TIME_WAITS):
            return Direction.DECREASE
        return None
    if bad or head in LOWER_BETTER:
        return Direction.DECREASE
    if head in HIGHER_BETTER:
        return Direction.INCREASE
    return None
