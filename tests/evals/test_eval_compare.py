from __future__ import annotations

from pathlib import Path

import evals_testkit
import pytest

from assistant.errors import InputError
from evals.compare import compare_reports, render_comparison
from evals.results import EvalReport
from evals.runner import run_task
from evals.schema import ReviewCase, load_cases
from evals.tasks.review import review_task


@pytest.fixture
def runs(small_dataset: Path) -> tuple[EvalReport, EvalReport]:
    cases = load_cases(small_dataset, ReviewCase)
    good = run_task(review_task(cases, reviewer=evals_testkit.review))
    silent = run_task(review_task(cases, reviewer=evals_testkit.silent_review))
    return good, silent


def test_deltas_and_worse_cases(runs: tuple[EvalReport, EvalReport]) -> None:
    good, silent = runs
    comparison = compare_reports(good, silent)
    by_name = {m.name: m for m in comparison.metrics}
    f1 = by_name["all.flawed.f1"]
    assert (f1.a, f1.b, f1.delta, f1.change) == (0.8, 0.0, -0.8, "worse")
    alarms = by_name["all.false_alarm_rate"]
    assert alarms.lower_is_better and alarms.change == "better" and alarms.delta == pytest.approx(-0.3333, abs=1e-4)
    assert by_name["all.cases"].change == "same"
    # the silent reviewer misses every flawed item it used to catch; it stops the false alarm on d
    assert [c.id for c in comparison.worse_cases] == ["b-vague", "c-hire", "g-metric", "h-launch"]
    assert all(c.a_passed and not c.b_passed for c in comparison.worse_cases)
    assert "flawed_vs_sound" in comparison.worse_cases[0].scores
    assert [c.id for c in comparison.better_cases] == ["d-fields"]


def test_same_report_has_no_changes(runs: tuple[EvalReport, EvalReport]) -> None:
    good, _ = runs
    comparison = compare_reports(good, good)
    assert not comparison.worse_cases and not comparison.better_cases
    assert {m.change for m in comparison.metrics} == {"same"}
    assert "None: every metric is unchanged." in render_comparison(comparison)


def test_markdown_names_the_regressions(runs: tuple[EvalReport, EvalReport]) -> None:
    text = render_comparison(compare_reports(*runs, a_label="old.json", b_label="new.json"))
    assert "A: `old.json`" in text and "| all.flawed.f1 | 0.800 | 0.000 | -0.800 | worse |" in text
    assert "## Cases that got worse (4)" in text and "- **b-vague** [pass → FAIL]" in text


def test_cases_only_in_one_run_and_different_tasks(runs: tuple[EvalReport, EvalReport]) -> None:
    good, silent = runs
    trimmed = silent.model_copy(update={"cases": silent.cases[1:]})
    comparison = compare_reports(good, trimmed)
    assert comparison.only_in_a == ["a-sound"] and comparison.only_in_b == []
    other = good.model_copy(update={"task": "retrieval"})
    with pytest.raises(InputError, match="Cannot compare a 'review' report with a 'retrieval' report"):
        compare_reports(good, other)
