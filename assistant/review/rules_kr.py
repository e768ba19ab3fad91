"""Key-result rules: is it measurable, an outcome, specific, single, pointed the right way, and dated?

How the measurability rules divide the work, so one flaw gets one finding:

- ``kr-binary``: no number, and the sentence completes a deliverable ("Launch the mobile app", "Achieve SOC 2
  certification", "SSO is live"): it is done or not done. Such a KR is *not* also reported as not measurable.
- ``kr-not-measurable``: no number, no placeholder, not a milestone, and no metric a number could grade
  ("Improve customer satisfaction", "Be the go-to team for data").
- ``kr-no-target``: a metric with no value to reach ("Reduce churn"), a placeholder ("by X%", "TBD"), or only a
  starting value ("from 2%").
- ``kr-vague``: a vague word (improve, better, optimise, more, as much as possible...) and no number at all.
  "Improve NPS from 31 to 45" is not vague: the number makes it precise.

``kr-activity`` reads the lead verb and what its numbers count. A task verb (publish, hire, launch, hold) whose
only numbers count the team's own work ("Publish 12 blog posts", "Hire 2 account executives") is an activity; the
same verb with a result attached ("Launch the mobile app to 10,000 users with a 4.5 rating") is an outcome.
Participation key results ("80% of staff report near misses within a day") are measured shares of other people's
behaviour, so they are outcomes (adoption), not activities, except attendance at a training the team provides ("80%
of engineers complete security training"): that counts people who sat through the team's output, not what changed
in their work. A "with"/"while keeping" quality bar is a guardrail, not a second metric, so it does not make a KR
compound.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from assistant.krtext.patterns import LazyPattern
from assistant.okr import Direction
from assistant.review import lexicon as lx
from assistant.review.compound import compound_parts
from assistant.review.context import Env, Hit, KRContext
from assistant.review.language import Reading
from assistant.review.polarity import better_direction
from assistant.review.suggest import fmt_number, kr_rewrite, outcome_rewrite, quote, quoted

KRRule = Callable[[KRContext, Env], Hit | None]

_ACHIEVE_VERBS: Final = lx.words("achieve reach attain obtain earn pass complete get secure land")


def is_binary(k: KRContext) -> bool:
    """No number, and the sentence completes a deliverable: done or not done."""
    if k.binary is None:
        k.binary = _binary(k)
    return k.binary


def _binary(k: KRContext) -> bool:
    r = k.reading
    if k.quantified or r.placeholder:
        return False
    if r.lead is None:
        return r.completion
    if r.has_vague_word():
        return False  # "Write better docs" is vague first; a number fixes both
    if r.lead in _ACHIEVE_VERBS and (any(w in lx.MILESTONE_NOUNS for w in r.slot) or "general availability" in r.lower):
        return True
    if r.lead in lx.MILESTONE_VERBS:
        return r.head is None or r.head not in lx.METRIC_NOUNS
    return False


def is_activity(k: KRContext) -> bool:
    """A task or output posing as an outcome (see the module docstring)."""
    if k.activity is None:
        k.activity = _activity(k)
    return k.activity


def _activity(k: KRContext) -> bool:
    r = k.reading
    if r.participation:
        # other people's behaviour is an outcome ("80% of staff report near misses"), except attending the team's
        # own training ("80% of managers attend the coaching workshop")
        return r.attends_training
    if not r.numbered and r.has_vague_word():
        return False  # kr-vague already asks for the number; one finding is clearer than two
    if r.lead is None:
        if r.subject_output:
            return not r.has_outcome_measure
        return r.completion and r.completed_verb in lx.ACTIVITY_VERBS
    if r.lead in lx.ACTIVITY_VERBS:
        if r.has_outcome_measure:
            return _counts_only_scope(r)
        # a metric and target given as fields ("metric: weekly active users, target: 500") are an outcome too
        return not (k.kr.metric and k.kr.target is not None)
    if r.lead in lx.OUTCOME_VERBS:
        if r.lead in lx.DECREASE_VERBS:
            return False  # fewer of something ("reduce on-call pages per week") is an effect, not output
        return r.object_is_output and not r.has_outcome_measure and not _made_by_others(r)
    return False


def _counts_only_scope(r: Reading) -> bool:
    """Every result-like number of a task counts the people it is done for, not what it achieves: how many took
    part in a training ("Complete security training for 80% of engineers"), or all of a population ("Run quarterly
    business reviews with all 60 enterprise accounts"). That is the task's scope, so the KR stays an activity."""
    outcomes = [q for q in r.quantities if q.outcome]
    if not all(q.noun in lx.POPULATION_NOUNS for q in outcomes):
        return False
    return r.attends_training or all(f"all {q.raw.lower()} " in r.lower for q in outcomes)


def _made_by_others(r: Reading) -> bool:
    """The counted outputs come from other people, named right after the object: "Increase near-miss reports
    from warehouse staff", "Grow reviews by customers". Their behaviour is the outcome, not the team's work."""
    words = r.words
    end = r.slot_end
    if end >= len(words) or words[end] not in ("from", "by"):
        return False
    return any(w in lx.POPULATION_NOUNS for w in words[end + 1 : end + 4])


def not_measurable(k: KRContext, env: Env) -> Hit | None:
    r = k.reading
    if k.quantified or r.placeholder or is_binary(k) or r.names_metric or k.kr.metric:
        return None
    msg = (
        f"{quoted(k)} names no number and no metric, so nobody can tell at the end of the period whether it "
        "was achieved. Name the metric that shows success, its current value and the value to reach."
    )
    return Hit(k.path, msg, kr_rewrite(k, env))


def no_target(k: KRContext, env: Env) -> Hit | None:
    r = k.reading
    if is_binary(k) or k.target is not None:
        return None
    if r.placeholder:
        msg = (
            f"{quoted(k)} has a placeholder where the target should be. Replace it with the number you "
            "commit to, and write the current value next to it."
        )
    elif k.baseline_only:
        msg = f"{quoted(k)} gives a starting value but no target. Add the value to reach by the deadline."
    elif not k.quantified and (r.names_metric or k.kr.metric):
        metric = k.metric or next((w for w in r.words if w in lx.METRIC_NOUNS), "the metric")
        msg = (
            f"{quoted(k)} names a metric ({metric}) but no target. Add the value to reach by the deadline, "
            "and where it stands today (\"from X to Y\")."
        )
    else:
        return None
    return Hit(k.path, msg, kr_rewrite(k, env))


def activity(k: KRContext, env: Env) -> Hit | None:
    if not is_activity(k):
        return None
    r = k.reading
    lead = r.lead or r.completed_verb or "do"
    if lead in ("hire", "recruit"):
        msg = (
            f"{quoted(k)} is an input: hiring adds capacity but is not the result. Measure what the new people "
            "should change (pipeline, revenue, resolution time, release frequency) and keep the hiring plan as "
            "an initiative behind that key result."
        )
    elif r.attends_training:
        msg = (
            f"{quoted(k)} measures attendance: people taking part in a training is the team's output, not the "
            "change the training is for. Measure the behaviour or result it should improve (fewer phishing clicks, "
            "faster resolution, better review scores) and keep the training as an initiative."
        )
    elif r.numbered:
        counted = next((q.noun for q in r.quantities if q.output and q.noun), None) or "output"
        msg = (
            f"{quoted(k)} counts output ({counted}) rather than the effect it should have. Ask what changes "
            "for customers or the business when this work is done, measure that, and keep this as an initiative."
        )
    else:
        msg = (
            f"{quoted(k)} describes a task (\"{lead}\"), not the result it should produce. Measure the "
            "change it is meant to cause (users, revenue, time saved, quality) and keep the task as an initiative."
        )
    return Hit(k.path, msg, outcome_rewrite(k, env))


def binary(k: KRContext, env: Env) -> Hit | None:
    if not is_binary(k):
        return None
    msg = (
        f"{quoted(k)} is either done or not done, so it shows no progress during the period and says nothing "
        "about whether it worked. Add the number that shows success (adoption, users, quality, savings)."
    )
    return Hit(k.path, msg, outcome_rewrite(k, env))


def vague(k: KRContext, env: Env) -> Hit | None:
    r = k.reading
    if k.quantified or r.placeholder:
        return None
    word = r.has_vague_word()
    if word is None:
        return None
    msg = (
        f"{quoted(k)} says \"{word}\" without saying how much, so any change would count. Replace it with a "
        "metric and the values to move it between (\"from X to Y\")."
    )
    return Hit(k.path, msg, kr_rewrite(k, env))


def compound(k: KRContext, env: Env) -> Hit | None:
    parts = compound_parts(k)
    if parts is None:
        return None
    each = " and ".join(quote(p, 90) for p in parts)
    msg = (
        f"{quoted(k)} bundles {len(parts)} results that can move independently, so it cannot be graded as one. "
        "Split it into separate key results, or keep the one that matters most."
    )
    return Hit(k.path, msg, f"Split into {len(parts)} key results: {each}")


def wrong_direction(k: KRContext, env: Env) -> Hit | None:
    if k.baseline is None or k.target is None or k.relative:
        return _against_metric(k, env)
    if k.direction is Direction.INCREASE and k.target <= k.baseline:
        said, side, flip = "an increase", "not above", Direction.DECREASE
    elif k.direction is Direction.DECREASE and k.target >= k.baseline:
        said, side, flip = "a decrease", "not below", Direction.INCREASE
    else:
        return _against_metric(k, env)
    b, t = fmt_number(k.baseline, k.unit, ""), fmt_number(k.target, k.unit, "")
    verb = "Reduce" if flip is Direction.DECREASE else "Increase"
    msg = (
        f"{quoted(k)} asks for {said}, but its target ({t}) is {side} its baseline ({b}). Swap the numbers if "
        f"they are reversed, or change the verb to \"{verb}\" if that is the intent."
    )
    return Hit(k.path, msg, kr_rewrite(k, env, direction=flip))


_WAY: Final = {Direction.INCREASE: ("up", "higher"), Direction.DECREASE: ("down", "lower")}


def _against_metric(k: KRContext, env: Env) -> Hit | None:
    """The key result moves its metric the way that makes it worse: "Increase churn", "Gross margin 61% -> 58%"."""
    way = k.direction
    if way is not Direction.INCREASE and way is not Direction.DECREASE:
        return None
    better = better_direction(k.metric)
    if better is None or better is way:
        return None
    metric = k.metric or ""
    moves, _ = _WAY[way]
    _, best = _WAY[better]
    by_numbers = k.baseline is not None and k.target is not None and not k.relative
    if by_numbers:
        b, t = fmt_number(k.baseline, k.unit, ""), fmt_number(k.target, k.unit, "")
        msg = (
            f"{quoted(k)} takes {metric} {moves} from {b} to {t}, but {best} is better for {metric}. Check the "
            "numbers and the verb: one of them is probably a slip."
        )
        side = "below" if better is Direction.DECREASE else "above"
        return Hit(k.path, msg, kr_rewrite(k, env, direction=better, target=f"<target {side} {b}>"))
    verb = "Reduce" if better is Direction.DECREASE else "Increase"
    msg = (
        f"{quoted(k)} asks for {metric} to go {moves}, but {best} is better for {metric}. Write \"{verb}\" if "
        "that is the intent."
    )
    return Hit(k.path, msg, kr_rewrite(k, env, direction=better))


def no_deadline(k: KRContext, env: Env) -> Hit | None:
    if k.due or env.period:
        return None
    msg = (
        f"{quoted(k)} has no deadline and the set names no period, so it never becomes late. Add a date "
        "(\"by 2027-03-31\") or give the whole set a period (\"period: 2027-Q1\")."
    )
    return Hit(k.path, msg, f"{k.text.rstrip(' .')} by <deadline, e.g. 2027-03-31>")


def no_baseline(k: KRContext, env: Env) -> Hit | None:
    if k.target is None or k.baseline is not None or k.direction is Direction.MAINTAIN or is_binary(k):
        return None
    if is_activity(k):
        return None  # "Publish 12 posts" needs an outcome first; a starting count of posts would not help
    msg = (
        f"{quoted(k)} has a target but no starting value, so progress cannot be judged. Write \"from <current "
        "value> to <target>\"; if today's value is unknown, measuring it is the first step."
    )
    return Hit(k.path, msg, kr_rewrite(k, env))


def no_owner(k: KRContext, env: Env) -> Hit | None:
    owner = k.owner or _owner_in_text(k.text, k.reading.lower)
    if owner and not _is_group(owner):
        return None
    if owner:
        msg = (
            f"{quoted(k)} is owned by {owner!r}, a group. Name the one person who watches the number and raises "
            "the alarm when it drifts (\"owner:\"); the group can stay on as contributors."
        )
    else:
        msg = (
            f"{quoted(k)} has no owner. Name the one person accountable for moving it (\"owner:\"), even when "
            "a team does the work."
        )
    return Hit(k.path, msg, None)


_OWNER_RE: Final = LazyPattern(r"\(?\bowner\s*[:=-]\s*([^.;()]+)", re.IGNORECASE)


def _owner_in_text(text: str, lower: str) -> str | None:
    if "owner" not in lower:
        return None  # what the pattern needs: the word in ASCII letters of either case, nothing else folds to it
    m = _OWNER_RE.search(text)
    return m.group(1).strip() if m else None


@lru_cache(maxsize=256)
def _is_group(owner: str) -> bool:
    low = owner.lower()
    if " and " in low or "&" in low or "/" in low or "," in low:
        return True
    return any(w in lx.GROUP_WORDS for w in lx.tokens(low))


RULES: dict[str, KRRule] = {
    "kr-not-measurable": not_measurable,
    "kr-no-target": no_target,
    "kr-activity": activity,
    "kr-binary": binary,
    "kr-vague": vague,
    "kr-compound": compound,
    "kr-wrong-direction": wrong_direction,
    "kr-no-deadline": no_deadline,
    "kr-no-baseline": no_baseline,
    "kr-no-owner": no_owner,
}

