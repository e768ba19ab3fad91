from __future__ import annotations

from pathlib import Path

import evals_testkit
import pytest
from evals_testkit import FakeStore, hit

from assistant.errors import InputError
from evals.results import EvalReport
from evals.runner import check_thresholds, parse_threshold, resolve_metric, run_task
from evals.schema import RetrievalCase, ReviewCase, load_cases, select_split
from evals.tasks.retrieval import prepare_store, retrieval_task
from evals.tasks.review import review_task


@pytest.fixture
def report(small_dataset: Path) -> EvalReport:
    cases = load_cases(small_dataset, ReviewCase)
    return run_task(review_task(cases, reviewer=evals_testkit.review, dataset="review.small"))


def test_flawed_vs_sound_metrics_per_split(report: EvalReport) -> None:
    m = report.metrics
    # all: TP b,c,g,h  FP d  FN e  TN a,f
    assert (m["all.flawed.precision"], m["all.flawed.recall"], m["all.flawed.f1"]) == (0.8, 0.8, 0.8)
    assert m["all.false_alarm_rate"] == pytest.approx(0.3333, abs=1e-4)
    assert m["all.accuracy"] == 0.75
    # dev: TP b,c  FP d  FN e  TN a
    assert m["dev.flawed.f1"] == pytest.approx(0.6667, abs=1e-4)
    assert m["dev.false_alarm_rate"] == 0.5
    # heldout: TP g,h  TN f
    assert (m["heldout.flawed.f1"], m["heldout.false_alarm_rate"]) == (1.0, 0.0)
    assert m["all.cases"] == 8 and m["errors"] == 0


def test_per_rule_metrics_ignore_allowed_rules(report: EvalReport) -> None:
    m = report.metrics
    # kr-not-measurable: hit on b, false alarm on d, allowed on h (neither)
    assert (m["all.rule.kr-not-measurable.precision"], m["all.rule.kr-not-measurable.recall"]) == (0.5, 1.0)
    assert m["all.rule.kr-activity.f1"] == 1.0
    assert m["all.rule.kr-vague.f1"] == 0.0 and m["all.rule.kr-binary.recall"] == 0.0
    assert m["all.rule.objective-has-metric.f1"] == 1.0
    assert "all.rule.set-duplicate-kr.f1" not in m  # never labelled, never fired
    # info rules over labelled items only (a: none, c: no-baseline)
    assert m["all.info.kr-no-baseline.f1"] == 1.0


def test_misclassified_items_are_the_failures(report: EvalReport) -> None:
    failed = {case.id: case for case in report.failures}
    assert set(failed) == {"d-fields", "e-direction"}
    assert "false alarm" in failed["d-fields"].scores["flawed_vs_sound"].reason
    assert "missed: labelled kr-wrong-direction" in failed["e-direction"].scores["flawed_vs_sound"].reason
    passed_b = next(case for case in report.cases if case.id == "b-vague")
    assert passed_b.passed and passed_b.scores["rules_match"].value is False  # right call, one rule missed


def test_findings_elsewhere_in_the_set_do_not_count(small_dataset: Path) -> None:
    cases = [c for c in load_cases(small_dataset, ReviewCase) if c.id == "a-sound"]
    cases[0].context.period = None  # the test reviewer flags set-no-period at the set's path
    report = run_task(review_task(cases, reviewer=evals_testkit.review))
    assert report.cases[0].passed and report.cases[0].actual == "sound"


def test_split_selection_reports_one_group(small_dataset: Path) -> None:
    cases = select_split(load_cases(small_dataset, ReviewCase), "heldout")
    report = run_task(review_task(cases, reviewer=evals_testkit.review, split="heldout"))
    assert report.summary.default_group == "heldout"
    assert {name.split(".")[0] for name in report.metrics} == {"heldout", "errors"}
    assert resolve_metric(report, "flawed.f1") == "heldout.flawed.f1"


def test_a_crashing_case_is_recorded_and_the_run_goes_on(small_dataset: Path) -> None:
    cases = load_cases(small_dataset, ReviewCase)
    cases[0] = cases[0].model_copy(update={"text": "CRASH the reviewer"})
    report = run_task(review_task(cases, reviewer=evals_testkit.review))
    assert report.metrics["errors"] == 1 and len(report.cases) == 8
    crashed = report.errors[0]
    assert not crashed.passed and "RuntimeError: the test reviewer was told to crash" in (crashed.error or "")
    assert report.metrics["all.cases"] == 8


def test_progress_bar_goes_to_stderr(small_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_task(review_task(load_cases(small_dataset, ReviewCase), reviewer=evals_testkit.review), progress=True)
    captured = capsys.readouterr()
    assert "eval review" in captured.err and captured.out == ""


@pytest.mark.parametrize(
    ("under", "over", "broken"),
    [
        ([("flawed.f1", 0.8)], [], []),
        ([("flawed.f1", 0.81)], [], ["all.flawed.f1 = 0.800 is below the threshold 0.81"]),
        ([("heldout.flawed.f1", 1.0)], [], []),
        ([], [("false_alarm_rate", 0.3)], ["all.false_alarm_rate = 0.333 is above the threshold 0.3"]),
        ([], [("false_alarm_rate", 0.5)], []),
        ([("dev.flawed.recall", 0.9), ("rule.kr-activity.f1", 1.0)], [], ["dev.flawed.recall = 0.667 is below"]),
    ],
)
def test_check_thresholds(report: EvalReport, under: list, over: list, broken: list[str]) -> None:
    problems = check_thresholds(report, under=under, over=over)
    assert len(problems) == len(broken)
    for problem, expected in zip(problems, broken, strict=True):
        assert problem.startswith(expected)


def test_threshold_errors(report: EvalReport) -> None:
    with pytest.raises(InputError, match="No metric 'f2'"):
        check_thresholds(report, under=[("f2", 0.5)])
    with pytest.raises(InputError, match="lower-is-better: use --fail-over"):
        check_thresholds(report, under=[("false_alarm_rate", 0.1)])
    assert parse_threshold(" flawed.f1 = 0.9") == ("flawed.f1", 0.9)
    for bad in ("flawed.f1", "=0.9", "flawed.f1=high"):
        with pytest.raises(InputError):
            parse_threshold(bad)


def test_retrieval_task_with_a_fake_store(tmp_path: Path) -> None:
    (tmp_path / "quill" / "strategy").mkdir(parents=True)
    cases = [
        RetrievalCase.model_validate({"id": "q1", "corpus": "quill", "query": "bets",
                                      "expected": [{"document": "memo.md", "heading_contains": "bets"}]}),
        RetrievalCase.model_validate({"id": "q2", "corpus": "quill", "query": "dublin",
                                      "expected": [{"document": "people.md"}]}),
        RetrievalCase.model_validate({"id": "g1", "corpus": "guide", "query": "smart",
                                      "expected": [{"document": "smart-key-results.md"}]}),
    ]
    store = FakeStore({
        "bets": [hit("strategy/memo.md", "The four bets")],
        "dublin": [hit("eu.md", "Dublin"), hit("memo.md", "x")],
        "smart": [hit("guide/what.md", "x"), hit("guide/smart-key-results.md", "Measurable")],
    })
    prepare_store(store, cases, tmp_path)
    assert store.ingested == [tmp_path / "quill" / "strategy"] and store.guide_queries  # guide warmed
    report = run_task(retrieval_task(cases, store=store, k=5))
    assert report.metrics["all.recall@5"] == pytest.approx(0.6667, abs=1e-4)
    assert report.metrics["all.mrr"] == pytest.approx((1 + 0 + 0.5) / 3, abs=1e-4)
    assert report.metrics["quill.recall@5"] == 0.5 and report.metrics["guide.mrr"] == 0.5
    assert [case.id for case in report.failures] == ["q2"]
    with pytest.raises(InputError, match=r"corpus 'acme'.*sample companies: quill"):
        prepare_store(store, [cases[0].model_copy(update={"corpus": "acme"})], tmp_path)
