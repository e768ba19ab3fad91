"""Objective rules: the right number of key results, qualitative, short, linked to a real parent, and about change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from assistant.krparse import numbers_in
from assistant.krtext.patterns import LazyPattern
from assistant.okr import AlignmentType, Direction, KeyResult, Level
from assistant.review import lexicon as lx
from assistant.review.context import Env, Hit, ObjectiveContext, read_kr
from assistant.review.language import MentionLike, meaningful
from assistant.review.suggest import kr_rewrite, quote, shorten_title

ObjectiveRule = Callable[[ObjectiveContext, Env], Hit | None]


def kr_count(o: ObjectiveContext, env: Env) -> Hit | None:
    limits = env.policy.key_results
    n = len(o.objective.key_results)
    if limits.min <= n <= limits.max:
        return None
    title = quote(o.objective.title)
    where = f"the {env.policy.name} profile ({limits})"
    if n == 0:
        msg = (
            f"Objective {title} has no key results; {where} asks for {limits.min} to {limits.max}. Add the key "
            "results that will show, in numbers, that the objective has been met."
        )
    elif n < limits.min:
        msg = (
            f"Objective {title} has {n} key result{'s' if n != 1 else ''}; {limits.min} is the minimum in {where}. "
            "Add a key result that measures another side of the objective (quality as well as volume, or a "
            "leading as well as a lagging signal)."
        )
    else:
        msg = (
            f"Objective {title} has {n} key results; {limits.max} is the maximum in {where}. Keep the "
            f"{limits.max} that best show the objective is met; move the rest to a health dashboard or to "
            "another objective."
        )
    return Hit(o.path, msg, None)


def has_metric(o: ObjectiveContext, env: Env) -> Hit | None:
    title = o.objective.title
    numbers = [m for m in meaningful(title, numbers_in(title)) if not _figure_of_speech(title, m)]
    if not numbers:
        return None
    raw = ", ".join(m.raw for m in numbers[:3])
    msg = (
        f"Objective {quote(title)} carries a number ({raw}). An objective says in words what should change and why; "
        "numbers and targets belong in its key results. Move the number into a key result and rephrase the "
        "objective qualitatively."
    )
    as_kr = read_kr(KeyResult(text=title), o.path, env.period)
    suggestion = None
    if as_kr.target is not None:
        suggestion = f"Key result: \"{kr_rewrite(as_kr, env)}\""
    return Hit(o.path, msg, suggestion)


_WINDOW_BEFORE: Final = lx.words("first last next initial opening")
_WINDOW_UNITS: Final = frozenset(("min", "h", "days", "weeks", "months"))
_VERSION_RE: Final = LazyPattern(r"\d+\.0|\d+\.\d+\.\d+")


def _figure_of_speech(title: str, m: MentionLike) -> bool:
    """A number in a title that sets no target: "One platform", "the number one choice", "our first 90 days",
    "the first five minutes", "the 2.0 platform". "Reach 10,000 users" or "one million developers" do set one.
    """
    raw = m.raw.lower()
    if raw == "one":
        return True  # one as a determiner ("One platform", "the one tool", "number one") counts nothing
    before = title[: m.start].split()
    prev = before[-1].lower() if before else ""
    if prev in _WINDOW_BEFORE:
        unit = m.unit
        if unit is None and m.end < len(title):  # "first five minutes": the word reader leaves the unit out
            following = title[m.end :].split(None, 1)
            unit = _unit_word(following[0]) if following else None
        if unit in _WINDOW_UNITS:
            return True  # a stretch of time the objective is about, not a value to reach
    return m.unit is None and prev in ("the", "our", "a", "version", "release") and bool(_VERSION_RE.fullmatch(raw))


def _unit_word(word: str) -> str | None:
    low = word.lower().strip(".,;:")
    for unit, names in (("min", ("minute", "minutes")), ("h", ("hour", "hours")), ("days", ("day", "days")),
                        ("weeks", ("week", "weeks")), ("months", ("month", "months"))):
        if low in names:
            return unit
    return None


def too_long(o: ObjectiveContext, env: Env) -> Hit | None:
    title = o.objective.title
    limit = env.policy.objective_max_words
    n = len(title.split())
    if n <= limit:
        return None
    msg = (
        f"Objective {quote(title)} has {n} words; keep it to {limit} or fewer ({env.policy.name} profile) so people "
        "remember it. State the aim in one short sentence and move the how and the why into the rationale."
    )
    return Hit(o.path, msg, shorten_title(title, limit))


def no_parent(o: ObjectiveContext, env: Env) -> Hit | None:
    if env.okr_set.level is Level.COMPANY or o.objective.aligns_to is not None:
        return None
    msg = (
        f"Objective {quote(o.objective.title)} links to no parent. At {env.okr_set.level.value} level, say which "
        "company or department objective (or key result) it serves: add `aligns_to: <parent id>`."
    )
    return Hit(o.path, msg, None)


def unknown_parent(o: ObjectiveContext, env: Env) -> Hit | None:
    link = o.objective.aligns_to
    if env.parents is None or link is None or link.id.strip().casefold() in env.parents:
        return None
    from difflib import get_close_matches

    close = get_close_matches(link.id, env.parent_ids, n=1, cutoff=0.6)
    known = ", ".join(env.parent_ids[:10]) + (", ..." if len(env.parent_ids) > 10 else "")
    msg = (
        f"Objective {quote(o.objective.title)} aligns to {link.id!r}, which is not a known parent objective or key "
        f"result (known: {known}). Fix the id, or import the parent first."
    )
    return Hit(o.path, msg, f"aligns_to: {close[0]}" if close else None)


def copies_parent(o: ObjectiveContext, env: Env) -> Hit | None:
    link = o.objective.aligns_to
    if env.parents is None or link is None or link.type is AlignmentType.EXPLICIT:
        return None  # explicit alignment takes the parent key result as the objective on purpose
    parent = env.parents.get(link.id.strip().casefold())
    if parent is None or not near_copy(o.objective.title, parent):
        return None
    msg = (
        f"Objective {quote(o.objective.title)} repeats its parent {link.id} ({quote(parent)}) almost word for word. "
        "Say in this team's own words which part of the parent it will move, so the link adds information; or "
        "mark the alignment `type: explicit` if the team takes the parent on as it is."
    )
    return Hit(o.path, msg, None)


def _norm(text: str) -> list[str]:
    return [lx.singular(w) for w in lx.tokens(text) if w not in lx.STOPWORDS]


def near_copy(title: str, parent: str) -> bool:
    """True when ``title`` restates ``parent``: the same words, or all of its words taken from the parent."""
    a, b = _norm(title), _norm(parent)
    if not a or not b:
        return False
    sa, sb = set(a), set(b)
    if sa == sb:
        return True
    jaccard = len(sa & sb) / len(sa | sb)
    if jaccard >= 0.8:
        return True
    if sa <= sb and len(sa) / len(sb) >= 0.6:
        return True
    from difflib import SequenceMatcher  # here: only reviews given parents get this far

    return SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.92


def bau(o: ObjectiveContext, env: Env) -> Hit | None:
    title = o.objective.title
    words = lx.tokens(lx.strip_label(title))
    lead = next((w for w in words if w not in lx.LEAD_FILLER), "")
    lower = title.lower()
    phrase = next((p for p in lx.BAU_PHRASES if p in lower), None)
    if phrase is None and (lead not in lx.BAU_LEAD_VERBS
                           or (lead == "keep" and not _keeps_going(words[words.index(lead) + 1 :]))):
        return None
    word = phrase or lead
    msg = (
        f"Objective {quote(title)} describes business as usual (\"{word}\"). OKRs are for what should be different "
        "at the end of the period: state the change you want, or track this as a health metric outside the OKRs."
    )
    return Hit(o.path, msg, _drop_continue(words, title))


def _keeps_going(rest: list[str]) -> bool:
    """Whether the words after a leading "keep" keep an ongoing activity or state going ("Keep running payroll
    smoothly", "Keep the warehouses running as they are"), not a result to hold on to ("Keep our promise: every
    order on time", "Keep the customers we win", "Keep security spend in check")."""
    if rest and rest[0].endswith("ing") and lx.verb_base(rest[0]) is not None:
        return True  # keep doing, keep hitting, keep improving
    return not _STATE_WORDS.isdisjoint(rest) or " ".join(rest[-3:]) in _STATE_ENDINGS


_STATE_WORDS: Final = lx.words("running going alive afloat ticking steady stable unchanged operational")
_STATE_ENDINGS: Final = frozenset(("as they are", "as it is", "the same", "as is"))


def _drop_continue(words: list[str], title: str) -> str | None:
    """ "Continue to grow revenue" -> "Grow revenue"; "Keep improving onboarding" -> "Improve onboarding"."""
    if len(words) < 3 or words[0] not in ("continue", "keep"):
        return None
    rest = words[2:] if words[1] == "to" else words[1:]
    verb = lx.verb_base(rest[0])
    if verb is None or verb in lx.BAU_LEAD_VERBS:
        return None
    start = title.lower().find(rest[1]) if len(rest) > 1 else -1
    tail = title[start:] if start >= 0 else " ".join(rest[1:])
    return f"{verb.capitalize()} {tail}".strip()


# Words that say which statistic of a metric is meant, not which metric: "median time to hire" and "time to hire"
# measure the same thing
_STATISTIC_WORDS: Final = frozenset(("median", "average", "mean", "avg", "typical", "overall", "total", "the", "our"))


def same_metric(o: ObjectiveContext, env: Env) -> Hit | None:
    """Two key results of one objective that measure the same metric, both setting a target for it."""
    seen: dict[str, int] = {}
    for number, kr in enumerate(o.key_results, 1):
        if not kr.metric or kr.target is None or kr.direction is Direction.MAINTAIN:
            continue  # a guard ("keep churn under 2%") may watch the metric another key result moves
        key = " ".join(w for w in kr.metric.lower().split() if w not in _STATISTIC_WORDS)
        if not key:
            continue
        first = seen.setdefault(key, number)
        if first == number:
            continue
        msg = (
            f"Key results {first} and {number} of {quote(o.objective.title)} both measure {key}. A "
            "second target for one metric adds nothing the first does not show: keep the better one and measure "
            "another side of the outcome (a leading signal, quality or cost), or drop it."
        )
        return Hit(kr.path, msg, None)
    return None


RULES: dict[str, ObjectiveRule] = {
    "objective-kr-count": kr_count,
    "objective-has-metric": has_metric,
    "objective-too-long": too_long,
    "objective-no-parent": no_parent,
    "objective-unknown-parent": unknown_parent,
    "objective-copies-parent": copies_parent,
    "objective-bau": bau,
    "objective-kr-same-metric": same_metric,
}
