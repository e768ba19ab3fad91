"""The eval suite: datasets, scorers, a runner and reports that measure the reviewer, retrieval and drafter.

    from evals import load_cases, run_task, write_reports
    from evals.schema import ReviewCase
    from evals.tasks.review import review_task

    cases = load_cases("review.v1", ReviewCase)
    report = run_task(review_task(cases, reviewer=review))
    write_reports(report, Path("reports"))

`okr eval` is the command-line face of the same functions.
"""

from __future__ import annotations

from evals.compare import Comparison, compare_reports, render_comparison
from evals.report import ReportFiles, load_report, render_json, render_markdown, write_reports
from evals.results import CaseResult, EvalReport, Summary
from evals.runner import Task, check_thresholds, parse_threshold, run_task
from evals.schema import RetrievalCase, ReviewCase, datasets_dir, load_cases, select_split
from evals.scorers import Score

__all__ = [
    "CaseResult",
    "Comparison",
    "EvalReport",
    "ReportFiles",
    "RetrievalCase",
    "ReviewCase",
    "Score",
    "Summary",
    "Task",
    "check_thresholds",
    "compare_reports",
    "datasets_dir",
    "load_cases",
    "load_report",
    "parse_threshold",
    "render_comparison",
    "render_json",
    "render_markdown",
    "run_task",
    "select_split",
    "write_reports",
]
