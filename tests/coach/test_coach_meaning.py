"""The meaning check: what a text is about, and the calibrated threshold on the shipped exercises."""

from __future__ import annotations

import re

import pytest

from assistant.coach.meaning import MEANING_THRESHOLD, calibrate, meaning_similarity, subject, sweep
from assistant.coaching import Exercise
from assistant.resources import knowledge_dir


@pytest.mark.parametrize(("text", "expected"), [
    ("Cut median time to hire for Dublin roles from 68 days to 45 days by 2027-03-31",
     "median time hire for Dublin roles days days"),
    ("Raise US trial-to-paid conversion from 18.4% to 21% (owner: Siobhan Keane)", "US trial-to-paid conversion"),
    ("Make scheduling instant (aligns to CO-3.KR2, explicit)", "Make scheduling instant"),
    ("Raise CSAT from 82% to 88% by the end of March 2027", "customer satisfaction"),
    ("Cut p95 latency from 640 ms to 250 ms", "p95 latency"),
    ("Objective: Win Europe (aligns to CO-1)\n- Grow European ARR from $4.3M to $5.4M",
     "Win Europe European annual recurring revenue"),
])
def test_subject_keeps_what_the_text_is_about(text: str, expected: str) -> None:
    assert subject(text) == expected


def test_similarity_ranks_a_faithful_rewrite_above_an_unrelated_one() -> None:
    original = ["Improve customer satisfaction"]
    faithful = meaning_similarity("Raise CSAT from 82% to 88% by 2027-03-31", original)
    unrelated = meaning_similarity("Cut median time to hire for Dublin roles from 68 days to 45 days", original)
    assert faithful >= MEANING_THRESHOLD > unrelated


def test_calibrated_threshold_separates_on_topic_from_off_topic(exercises: tuple[Exercise, ...]) -> None:
    result = calibrate(exercises)
    assert len(result.positives) >= 2 * 60 and len(result.negatives) >= 1000
    rejected = result.false_rejects / len(result.positives)
    accepted = result.false_accepts / len(result.negatives)
    assert rejected <= 0.05, result.describe()
    assert accepted <= 0.10, result.describe()
    # the threshold sits near the crossing point: moving it 0.1 either way makes one error rate much worse
    (_, _, low_acc), (_, high_rej, _) = sweep(result, [MEANING_THRESHOLD - 0.1, MEANING_THRESHOLD + 0.1])
    assert low_acc > 2 * accepted and high_rej > 2 * rejected


def test_readme_documents_the_threshold_in_use() -> None:
    readme = (knowledge_dir() / "exercises" / "README.md").read_text(encoding="utf-8")
    assert f"The threshold is **{MEANING_THRESHOLD:.2f}**" in readme
    assert re.search(rf"\| \*\*{MEANING_THRESHOLD:.2f}\*\* \| \*\*[\d.]+%\*\* \| \*\*[\d.]+%\*\* \|", readme)
