"""The reviewer's shortcuts give what the long way gives.

Each shortcut on the hot path (a check that skips a pattern, a pass that stops early, a count taken from the
tally) is tested against the computation it stands for, on generated text and on the benchmark's corpus.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.krtext.metric import _runs, read_parts
from assistant.krtext.patterns import LazyPattern
from assistant.krtext.tokens import tokenize
from assistant.review import review
from assistant.review.compound import segments
from assistant.review.language import _TOKEN_RE
from assistant.review.rules_set import _TRAILING_POINTS
from assistant.review.suggest import _LEADING_QUANTITY, _may_lead_with_quantity
from assistant.review.validator import summarize
from benchmarks.bench_validator import corpus

FUZZ = settings(max_examples=300, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow])
# KR-like text: words, numbers, units, currency signs, joiners, and a few characters that tend to break readers
_WORDS = st.sampled_from([
    "Increase", "reduce", "grow", "launch", "publish", "hire", "bring", "down", "keep", "and", "plus", "while", "to",
    "from", "by", "at", "least", "of", "top", "the", "churn", "NPS", "weekly", "active", "users", "p95", "latency",
    "1,200", "3.5", "40%", "$2M", "10k", "200 ms", "2x", "X%", "TBD", "Q2", "2027-03-31", "per", "week", "/", "&", ",",
    ";", "(", ")", "-", "over", "up", "double", "ſ", "İ", "²", "٣", "€5", "over 20", "more than 5", "at",
])
KR_TEXT = st.one_of(
    st.lists(_WORDS, min_size=1, max_size=16).map(" ".join),
    st.text(max_size=80),
)


@FUZZ
@given(KR_TEXT)
def test_first_run_after_the_verb_is_the_run_that_starts_there(text: str) -> None:
    tokens = tokenize(text).tokens
    if not tokens:
        return
    for part in read_parts(tokens):
        clause = part.clause
        if clause.verb is None or clause.verb_end >= clause.hi:
            continue
        full = [run for run in _runs(tokens, clause) if run[0] == clause.verb_end]
        assert _runs(tokens, clause, clause.verb_end, first=True) == full


@FUZZ
@given(KR_TEXT)
def test_leading_quantity_check_never_skips_a_match(text: str) -> None:
    if not _may_lead_with_quantity(text):
        assert _LEADING_QUANTITY.match(text) is None


@FUZZ
@given(KR_TEXT)
def test_trailing_points_drop_what_rstrip_drops(text: str) -> None:
    words = _TOKEN_RE.findall(text.lower())
    assert _TRAILING_POINTS.sub("", " ".join(words)) == " ".join(w.rstrip(".,") for w in words)


@FUZZ
@given(KR_TEXT)
def test_segments_with_the_lower_case_text_given(text: str) -> None:
    assert segments(text, lower=text.lower()) == segments(text)


def test_lazy_pattern_matches_like_the_compiled_one() -> None:
    lazy = LazyPattern(r"(\d+)\s*(ms|%)", 0)
    text = "p95 under 200 ms and 3 % errors"
    assert lazy.pattern == r"(\d+)\s*(ms|%)"
    assert lazy.search(text)[0] == "200 ms"  # type: ignore[index]
    assert lazy.findall(text) == [("200", "ms"), ("3", "%")]
    assert lazy.sub("N", text) == "p95 under N and N errors"
    assert lazy.match(text) is None and lazy.fullmatch("5%") is not None
    assert [m[0] for m in lazy.finditer(text)] == ["200 ms", "3 %"]
    assert lazy.split("1% 2%") == ["", "1", "%", " ", "2", "%", ""]


@pytest.mark.parametrize("seed", [7, 3])
def test_summary_counted_from_the_tally_matches_one_counted_from_the_findings(seed: int) -> None:
    for okr_set in corpus(600, seed=seed):
        report = review(okr_set)
        assert report.summary == summarize(report)
