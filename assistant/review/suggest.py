"""Concrete rewrites for findings, built from what the parser read.

A rewrite keeps every fact the key result already states (metric, baseline, target, unit, deadline) and
marks each missing one with a placeholder in angle brackets ("<baseline>"), so a person or a model can fill
it in without inventing numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from assistant.krtext.patterns import LazyPattern
from assistant.okr import Direction
from assistant.review import lexicon as lx
from assistant.review.polarity import better_direction

if TYPE_CHECKING:
    from assistant.review.context import Env, KRContext

_VERB: Final = {
    Direction.INCREASE: "Increase",
    Direction.DECREASE: "Reduce",
    Direction.MAINTAIN: "Keep",
    Direction.ACHIEVE: "Reach",
}
_CURRENCY: Final = {"$": "$", "usd": "$", "dollars": "$", "€": "€", "eur": "€", "euros": "€", "£": "£", "gbp": "£"}
_QUARTER_END: Final = {"1": "03-31", "2": "06-30", "3": "09-30", "4": "12-31"}
_HALF_END: Final = {"1": "06-30", "2": "12-31"}
_LEADING_QUANTITY: Final = LazyPattern(r"^(?:(?:at least|up to|over|more than|[$€£]?\d[\d,.]*[%kmb]?\+?)\s+)+", re.IGNORECASE)
_TRAILING_DEADLINE: Final = LazyPattern(
    r"\s*(?:,\s*)?\b(?:by|before|until|in|within|during|end of)\b\s+(?:the\s+)?(?:end\s+of\s+)?"
    r"(?:q[1-4]|h[12]|\d{4}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d+\s+(?:days|weeks|months))\b.*$",
    re.IGNORECASE,
)

# What ``_TRAILING_DEADLINE`` cannot match without, in an ASCII text: a digit or a month (scanning for these is
# several times cheaper than trying the pattern at every position).
_DEADLINE_HINT: Final = LazyPattern(r"\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")


def _may_hold_deadline(low: str) -> bool:
    """False when ``_TRAILING_DEADLINE`` cannot match the lower-case ASCII ``low``: its lead word (by, before,
    until, in, within, during, end of) or its date is missing."""
    if "in" not in low and "by" not in low and "before" not in low and "until" not in low and "end of" not in low:
        return False
    return _DEADLINE_HINT.search(low) is not None

_SALES_ROLES: Final = ("account executive", "sales", "sdr", "bdr", "ae", "aes", "rep", "reps", "seller")
_HINTS: tuple[tuple[frozenset[str], str], ...] = (
    (lx.words("post posts blog blogs article articles video videos newsletter newsletters episode episodes "
               "podcast podcasts whitepaper whitepapers ebook ebooks story stories content"),
     "monthly sign-ups that come from {obj}"),
    (lx.words("webinar webinars event events meetup meetups conference conferences"),
     "qualified leads sourced from {obj}"),
    (lx.words("training trainings course courses workshop workshops session sessions"),
     "share of participants who pass the follow-up assessment after {obj}"),
    (lx.words("call calls email emails meeting meetings outreach touchpoint touchpoints demo demos"),
     "qualified opportunities created from {obj}"),
    (lx.words("doc docs document documents documentation guide guides tutorial tutorials playbook playbooks"),
     "share of support questions answered self-serve by {obj}"),
    (lx.words("feature features release releases app application product version integration api portal "
               "program programme dashboard tool platform"),
     "weekly active users of {obj}"),
    (lx.words("interview interviews survey surveys research experiment experiments test tests"),
     "<the decision or metric {obj} should change>"),
)
_METRIC_EXAMPLES: Final = {
    "onboarding": "completion rate", "satisfaction": "CSAT", "morale": "eNPS", "reliab": "uptime",
    "performance": "p95 latency", "speed": "p95 latency", "quality": "defect escape rate", "checkout": "conversion",
    "retention": "90-day retention", "engagement": "weekly active users", "culture": "eNPS", "support": "CSAT",
    "docs": "self-serve resolution rate", "documentation": "self-serve resolution rate",
}
_NEW_THING_VERBS: Final = lx.words("launch release ship introduce open pilot roll")


@lru_cache(maxsize=256)
def period_end(period: str | None) -> str | None:
    """The last day of ``period`` as an ISO date (2027-Q1 -> 2027-03-31, H2 2027, FY2027), when it can be read."""
    if not period:
        return None
    key = period.strip().lower()
    if len(key) == 10 and key[4] == "-" and key[7] == "-" and key.replace("-", "").isdigit():
        return key  # already a date
    key = key.replace("fy", "").replace("-", "").replace("/", "").replace(" ", "")
    year, rest = (key[:4], key[4:]) if key[:4].isdigit() else (key[-4:], key[:-4])
    if len(year) != 4 or not year.isdigit():
        return None
    if not rest:
        return f"{year}-12-31"
    if len(rest) == 2 and rest[0] == "q" and rest[1] in _QUARTER_END:
        return f"{year}-{_QUARTER_END[rest[1]]}"
    if len(rest) == 2 and rest[0] == "h" and rest[1] in _HALF_END:
        return f"{year}-{_HALF_END[rest[1]]}"
    return None


def deadline(k: KRContext, env: Env) -> str:
    """The KR's deadline as a date when it can be resolved, else the set's period end, else a placeholder."""
    if k.due:
        return period_end(k.due) or k.due
    return env.period_end


def fmt_number(value: float | None, unit: str | None, placeholder: str) -> str:
    """``value`` written for people: 1200 -> "1,200", 0.5 with % -> "0.5%", 2e6 with $ -> "$2M"."""
    u = (unit or "").strip()
    symbol = _CURRENCY.get(u.lower())
    if value is None:
        if symbol:
            return f"{symbol}{placeholder}"
        return f"{placeholder}{u}" if u == "%" else placeholder
    if symbol and abs(value) >= 1_000_000:
        text = f"{value / 1_000_000:,.2f}".rstrip("0").rstrip(".") + "M"
    elif symbol and abs(value) >= 10_000:
        text = f"{value / 1_000:,.1f}".rstrip("0").rstrip(".") + "k"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if symbol:
        return f"{symbol}{text}"
    if not u:
        return text
    if u == "%" or u.lower() in ("x", "k", "m"):
        return f"{text}{u}"
    return f"{text} {u}"


def object_phrase(k: KRContext) -> str | None:
    """The thing the lead verb acts on, without counts and deadline: "12 blog posts by June" -> "blog posts"."""
    return _phrases(k)[0]


def _phrases(k: KRContext) -> tuple[str | None, str]:
    """``(object phrase, metric phrase)`` of ``k``, worked out once: several rules' rewrites use them."""
    if k.phrases is None:
        obj = _object_phrase(k)
        k.phrases = (obj, _metric_phrase(k, obj))
    return k.phrases  # type: ignore[return-value]


def _object_phrase(k: KRContext) -> str | None:
    r = k.reading
    if r.lead is None:
        return None
    phrase = r.slot_text  # (a property that slices the text each time: read once)
    if not phrase:
        return None
    if not phrase.isascii() or _may_hold_deadline(phrase.lower()):
        phrase = _TRAILING_DEADLINE.sub("", phrase)
    phrase = phrase.strip(" ,.;:")
    if _may_lead_with_quantity(phrase):
        phrase = _LEADING_QUANTITY.sub("", phrase).strip(" ,.;:")
    return phrase or None


def _may_lead_with_quantity(phrase: str) -> bool:
    """False when ``_LEADING_QUANTITY`` cannot match: ``phrase`` starts with neither a digit (``str.isdigit``
    holds for every ``\\d``), nor a currency sign, nor the first letters of at least, up to, over, more than
    (letters no non-ASCII character matches under IGNORECASE)."""
    first = phrase[:1]
    return first.isdigit() or first in "$€£" or phrase[:2].lower() in ("at", "up", "ov", "mo")


def metric_phrase(k: KRContext) -> str:
    """The metric to write in a rewrite: the parsed one when the text names a metric, else a placeholder.

    "Improve onboarding" names no metric, so the rewrite asks for one: "<onboarding metric, e.g. completion rate>".
    """
    return _phrases(k)[1]


def _metric_phrase(k: KRContext, obj: str | None) -> str:
    r = k.reading
    if k.kr.metric:
        return k.kr.metric
    if k.metric and (k.quantified or r.names_metric):
        return k.metric
    if obj and r.names_metric:
        return obj
    if not obj:
        return "<metric>"
    example = next((hint for word, hint in _METRIC_EXAMPLES.items() if word in obj.lower()), None)
    return f"<{obj} metric, e.g. {example}>" if example else f"<{obj} metric>"


def kr_rewrite(k: KRContext, env: Env, *, direction: Direction | None = None, metric: str | None = None,
               baseline: str | None = None, target: str | None = None) -> str:
    """A complete key result: "<Verb> <metric> from <baseline> to <target> by <deadline>"."""
    way = direction or _way(k)
    what = metric or metric_phrase(k)
    when = deadline(k, env)
    if target is None:
        if k.relative and k.target is not None:
            target = f"<baseline {'-' if way is Direction.DECREASE else '+'} {fmt_number(k.target, k.unit, '')}>"
        else:
            target = fmt_number(k.target, k.unit, "<target>")
    if way is Direction.MAINTAIN:
        return f"Keep {what} at or better than {target} through {when}"
    start = baseline or fmt_number(k.baseline, None if k.relative else k.unit, "<baseline>")
    return f"{_VERB[way]} {what} from {start} to {target} by {when}"


def _way(k: KRContext) -> Direction:
    """The direction a rewrite of ``k`` takes: its own, unless only its verb says so and the verb makes its
    metric worse ("Increase churn to 4%" is rewritten "Reduce churn from <baseline>% to 4%")."""
    way = k.direction or Direction.INCREASE
    if way is not Direction.MAINTAIN and (k.baseline is None or k.target is None or k.relative):
        better = better_direction(k.metric)
        if better is not None:
            return better
    return way


def outcome_rewrite(k: KRContext, env: Env) -> str:
    """Turn a task or output into the outcome it is meant to move (its own counts do not carry over)."""
    obj = object_phrase(k) or k.reading.training_phrase or "this work"
    hint = outcome_hint(k.reading.lead, obj)
    start = "0" if k.reading.lead in _NEW_THING_VERBS else "<baseline>"
    return kr_rewrite(k, env, direction=Direction.INCREASE, metric=hint, baseline=start, target="<target>")


def outcome_hint(lead: str | None, obj: str) -> str:
    """The outcome a piece of work usually aims at, phrased as a metric."""
    low = obj.lower()
    words = set(lx.tokens(low))
    if lead in ("hire", "recruit", "onboard"):
        if any(role in low.split() or role in low for role in _SALES_ROLES):
            return f"qualified pipeline generated by the new {obj}"
        return f"<the result the new {obj} will move, e.g. release frequency or tickets resolved>"
    for nouns, template in _HINTS:
        if words & nouns:
            return template.format(obj=obj)
    if lead in ("migrate", "upgrade", "replace", "refactor", "automate"):
        return f"<the cost, speed or reliability gain {obj} should bring>"
    return f"<the outcome that {obj} should change>"


def shorten_title(title: str, max_words: int) -> str | None:
    """The objective cut at its first 'by', 'through', 'so that' clause, when that fits ``max_words``."""
    m = re.search(r"\s*(?:,|;|:|—|–| - |\bby\b|\bthrough\b|\bso that\b|\bin order to\b|\bvia\b|\bwhile\b|\band\b)",
                  title)
    if not m:
        return None
    head = title[: m.start()].strip(" ,.;:")
    n = len(head.split())
    return head if 3 <= n <= max_words else None


def quoted(k: KRContext) -> str:
    """``quote(k.text)``, worked out once per key result (most findings start with it)."""
    if k.quoted is None:
        k.quoted = quote(k.text)
    return k.quoted


def quote(text: str, limit: int = 70) -> str:
    """``text`` in double quotes, cut with an ellipsis past ``limit`` characters."""
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1].rstrip() + "…"}"'
