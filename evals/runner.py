"""The generic runner: run a task's system over its cases, score each case, summarise, check thresholds.

A task is data (cases) plus four functions: ``run`` (the system under test, one case in, one output out),
``scorers`` (pure ``(case, output) -> Score``), ``describe`` (the text a report shows for a case) and
``summarize`` (metrics, tables and charts over all cases). The reviewer, retrieval and draft evals are tasks.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

import click

from assistant.errors import InputError
from evals.results import CaseResult, EvalReport, Summary
from evals.scorers import Score

CaseT = TypeVar("CaseT")
OutputT = TypeVar("OutputT")


@dataclass(frozen=True)
class CaseView:
    """The text a report shows for one case."""

    split: str | None
    input: str
    expected: str
    actual: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Outcome(Generic[CaseT, OutputT]):
    """A case, what the system returned for it (``None`` when it raised), and its scored result."""

    case: CaseT
    output: OutputT | None
    result: CaseResult


@dataclass
class Task(Generic[CaseT, OutputT]):
    name: str
    dataset: str
    cases: Sequence[CaseT]
    run: Callable[[CaseT], OutputT]
    scorers: Mapping[str, Callable[[CaseT, OutputT], Score]]
    describe: Callable[[CaseT, OutputT | None], CaseView]
    summarize: Callable[[Sequence[Outcome[CaseT, OutputT]]], Summary]
    case_id: Callable[[CaseT], str]
    gate: Sequence[str] | None = None  # checks that decide pass/fail; default every bool scorer
    config: dict[str, str] = field(default_factory=dict)


def run_task(task: Task[CaseT, OutputT], *, progress: bool = False) -> EvalReport:
    """Run every case of ``task`` and return the report.

    A case whose system call raises is recorded as failed with the error (the run goes on); summaries count it.
    With ``progress``, a progress bar goes to stderr.
    """
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    started = time.perf_counter()
    outcomes: list[Outcome[CaseT, OutputT]] = []
    with _progress(len(task.cases), task.name, enabled=progress) as step:
        for case in task.cases:
            outcomes.append(_run_case(task, case))
            step()
    summary = task.summarize(outcomes)
    errors = sum(1 for outcome in outcomes if outcome.result.error is not None)
    summary.metrics["errors"] = float(errors)
    if "errors" not in summary.lower_is_better:
        summary.lower_is_better.append("errors")
    return EvalReport(
        task=task.name,
        dataset=task.dataset,
        created=created,
        config=dict(task.config),
        seconds=round(time.perf_counter() - started, 3),
        summary=summary,
        cases=[outcome.result for outcome in outcomes],
    )


def _run_case(task: Task[CaseT, OutputT], case: CaseT) -> Outcome[CaseT, OutputT]:
    started = time.perf_counter()
    try:
        output: OutputT | None = task.run(case)
        error = None
    except Exception as exc:  # a crash on one case is a finding of the eval, not the end of the run
        output = None
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {frame.filename}:{frame.lineno}" if frame else ""
        error = f"{type(exc).__name__}: {exc}{where}"
    seconds = time.perf_counter() - started
    view = task.describe(case, output)
    scores: dict[str, Score] = {}
    if output is not None:
        scores = {name: scorer(case, output) for name, scorer in task.scorers.items()}
    gate = task.gate if task.gate is not None else [name for name, score in scores.items() if score.is_check]
    passed = error is None and all(bool(scores[name].value) for name in gate if name in scores)
    result = CaseResult(
        id=task.case_id(case),
        split=view.split,
        passed=passed,
        scores=scores,
        input=view.input,
        expected=view.expected,
        actual=view.actual if error is None else f"error: {error}",
        detail=view.detail,
        seconds=round(seconds, 4),
        error=error,
    )
    return Outcome(case=case, output=output, result=result)


@contextmanager
def _progress(total: int, label: str, *, enabled: bool) -> Iterator[Callable[[], None]]:
    if not enabled:
        yield lambda: None
        return
    with click.progressbar(length=total, label=f"eval {label}", file=sys.stderr, show_pos=True) as bar:
        yield lambda: bar.update(1)


# --- thresholds -------------------------------------------------------------------------------------------


def parse_threshold(text: str) -> tuple[str, float]:
    """``"metric=value"`` -> ``("metric", value)``; raises ``InputError`` on anything else."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError(f"Threshold {text!r} must look like metric=value, e.g. flawed.f1=0.9.")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise InputError(f"Threshold {text!r}: {value!r} is not a number.") from None


def resolve_metric(report: EvalReport, name: str) -> str:
    """The metric a threshold names: exactly, or within the run's default group (``flawed.f1`` -> ``all.flawed.f1``)."""
    metrics = report.metrics
    if name in metrics:
        return name
    grouped = f"{report.summary.default_group}.{name}"
    if grouped in metrics:
        return grouped
    known = ", ".join(report.summary.headline or sorted(metrics)[:12])
    raise InputError(f"No metric {name!r} in the {report.task} report. Try one of: {known}.")


def check_thresholds(
    report: EvalReport,
    *,
    under: Sequence[tuple[str, float]] = (),
    over: Sequence[tuple[str, float]] = (),
) -> list[str]:
    """The broken thresholds as messages (empty when all hold).

    ``under``: fail when the metric is below the value. ``over``: fail when it is above (for lower-is-better
    metrics such as ``false_alarm_rate``). A lower-is-better metric given to ``under`` is refused.
    """
    failures = []
    for name, limit in under:
        metric = resolve_metric(report, name)
        if metric in report.summary.lower_is_better:
            raise InputError(f"{metric} is lower-is-better: use --fail-over {name}={limit:g} instead.")
        value = report.metrics[metric]
        if value < limit:
            failures.append(f"{metric} = {value:.3f} is below the threshold {limit:g}")
    for name, limit in over:
        metric = resolve_metric(report, name)
        value = report.metrics[metric]
        if value > limit:
            failures.append(f"{metric} = {value:.3f} is above the threshold {limit:g}")
    return failures
