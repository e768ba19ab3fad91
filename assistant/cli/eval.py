"""`okr eval review|retrieval|draft|compare`: measure the reviewer, retrieval and drafter; compare two runs.

Each run writes `<out>/<task>-<timestamp>.json`, `.md` and `.html`, prints a summary to stdout (Markdown, or the
JSON report with `--format json`) and shows progress on stderr. `--fail-under metric=value` (and `--fail-over`
for lower-is-better metrics) turn thresholds into a non-zero exit code for CI.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

import click

from assistant.cli.common import build_settings, data_dir_option
from assistant.errors import ConfigError, InputError

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from assistant.config import Settings
    from assistant.llm.base import ChatBackend
    from evals.draft_cases import DraftCase
    from evals.results import EvalReport
    from evals.tasks.review import Reviewer

F = TypeVar("F", bound=Callable[..., object])
Threshold = tuple[str, float]


def _thresholds(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Threshold]:
    from evals.runner import parse_threshold

    try:
        return [parse_threshold(value) for value in values]
    except InputError as exc:
        raise click.BadParameter(exc.message, ctx=ctx, param=param) from None


def run_options(func: F) -> F:
    """`--out`, `--format`, `--fail-under`, `--fail-over`: shared by every eval task."""
    decorators = [
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
                     show_default=True, help="Folder for the JSON, Markdown and HTML reports."),
        click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True,
                     help="What to print: a Markdown summary or the full JSON report."),
        click.option("--fail-under", "fail_under", multiple=True, callback=_thresholds, metavar="METRIC=VALUE",
                     help="Exit 1 when the metric is below VALUE, e.g. flawed.f1=0.9 (repeatable)."),
        click.option("--fail-over", "fail_over", multiple=True, callback=_thresholds, metavar="METRIC=VALUE",
                     help="Exit 1 when a lower-is-better metric is above VALUE, e.g. false_alarm_rate=0.1."),
    ]
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


def finish(report: EvalReport, *, out_dir: Path, fmt: str, fail_under: list[Threshold], fail_over: list[Threshold]) -> None:
    """Write the reports, print the summary, and raise when a threshold breaks or a case crashed."""
    from evals.report import render_json, render_markdown, write_reports
    from evals.runner import check_thresholds

    files = write_reports(report, out_dir)
    click.echo(render_json(report) if fmt == "json" else render_markdown(report, cases=False), nl=False)
    click.echo(f"Wrote {files.json}, {files.markdown.name} and {files.html.name}", err=True)
    problems = check_thresholds(report, under=fail_under, over=fail_over)
    if report.errors:
        ids = ", ".join(case.id for case in report.errors[:5])
        problems.append(f"{len(report.errors)} case(s) raised an error ({ids}); see the report")
    if problems:
        raise click.ClickException("Eval gate failed: " + "; ".join(problems) + ".")


def load_reviewer(spec: str) -> Reviewer:
    """The reviewer named ``module:function`` (default ``assistant.review:review``)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise InputError(f"--reviewer must look like module:function, not {spec!r}.")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"The reviewer {spec} cannot be imported ({exc}).") from None
    reviewer = getattr(module, attribute, None)
    if not callable(reviewer):
        raise ConfigError(f"The reviewer {spec} does not exist: {module_name} has no function {attribute!r}.")
    return cast("Reviewer", reviewer)


@click.group("eval")
def eval_command() -> None:
    """Measure the reviewer, retrieval and drafter, and compare runs."""


@eval_command.command("review")
@click.option("--split", type=click.Choice(["dev", "heldout", "all"]), default="all", show_default=True,
              help="Which labelled items to score.")
@click.option("--dataset", default="review.v1", show_default=True,
              help="A shipped dataset name or a path to a JSONL file.")
@click.option("--reviewer", "reviewer_spec", default="assistant.review:review", show_default=True,
              help="The reviewer to measure, as module:function.")
@run_options
def review_eval(split: str, dataset: str, reviewer_spec: str, out_dir: Path, fmt: str,
                fail_under: list[Threshold], fail_over: list[Threshold]) -> None:
    """Score the reviewer on labelled key results, objectives and sets (flawed-vs-sound and per rule)."""
    from evals.runner import run_task
    from evals.schema import ReviewCase, load_cases, select_split
    from evals.tasks.review import review_task

    cases = select_split(load_cases(dataset, ReviewCase), split)
    if not cases:
        raise InputError(f"The dataset {dataset} has no {split} cases.")
    reviewer = load_reviewer(reviewer_spec)
    name = Path(dataset).stem if dataset.endswith(".jsonl") else dataset
    task = review_task(cases, reviewer=reviewer, dataset=name, split=split, reviewer_name=reviewer_spec)
    finish(run_task(task, progress=True), out_dir=out_dir, fmt=fmt, fail_under=fail_under, fail_over=fail_over)


@eval_command.command("retrieval")
@data_dir_option
@click.option("--dataset", default="retrieval.v1", show_default=True,
              help="A shipped dataset name or a path to a JSONL file.")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="Hits per query.")
@run_options
def retrieval_eval(data_dir: Path | None, dataset: str, k: int, out_dir: Path, fmt: str,
                   fail_under: list[Threshold], fail_over: list[Threshold]) -> None:
    """Ingest the sample company documents and the guide into a scratch store; report recall@k and MRR.

    The store lives in a temporary folder, or in --data-dir when given (a scratch folder: re-runs reuse it).
    """
    from assistant.resources import knowledge_dir
    from assistant.retrieval.store import open_store
    from evals.runner import run_task
    from evals.schema import RetrievalCase, load_cases
    from evals.tasks.retrieval import prepare_store, retrieval_task

    cases = load_cases(dataset, RetrievalCase)
    name = Path(dataset).stem if dataset.endswith(".jsonl") else dataset
    with tempfile.TemporaryDirectory(prefix="okr-eval-", ignore_cleanup_errors=True) as scratch:
        where = data_dir or Path(scratch)
        # never the team's Chroma server: the eval ingests sample documents
        settings = build_settings(data_dir=where).model_copy(update={"chroma_url": None})
        store = open_store(settings)
        bar = _IngestProgress()
        try:
            summary = prepare_store(store, cases, knowledge_dir() / "examples", progress=bar)
        finally:
            bar.close()
        for skipped in summary.skipped:
            click.echo(f"Skipped {skipped.path}: {skipped.reason}", err=True)
        task = retrieval_task(cases, store=store, k=k, dataset=name,
                              config={"store": "scratch" if data_dir is None else str(data_dir)})
        report = run_task(task, progress=True)
    finish(report, out_dir=out_dir, fmt=fmt, fail_under=fail_under, fail_over=fail_over)


@eval_command.command("draft")
@data_dir_option
@click.option("--backend", type=click.Choice(["auto", "openai", "local", "fake"]), default="auto", show_default=True,
              help="LLM backend for the chain. fake = scripted replies built from each case: it measures the "
                   "pipeline, not a model.")
@click.option("--system", "system", type=click.Choice(["both", "chain", "baseline"]), default="both",
              show_default=True, help="Score the LLM chain, the no-LLM baseline, or both side by side.")
@click.option("--baseline", "baseline_only", is_flag=True, help="Shorthand for --system baseline (no model needed).")
@click.option("--dataset", default="draft.v1", show_default=True,
              help="A shipped dataset name or a path to a JSONL file.")
@click.option("--subset", type=click.Choice(["ci-local"]), default=None,
              help="Only the cases marked with this subset (ci-local: 3 small cases for the local model).")
@click.option("--cases", "max_cases", type=click.IntRange(1, None), default=None, help="Only the first N cases.")
@click.option("--repair-rounds", type=click.IntRange(0, 5), default=2, show_default=True,
              help="Repair rounds the chain may use per objective.")
@click.option("--timeout", type=click.FloatRange(1, None), default=None,
              help="Seconds one model call may take (default: OKR_LLM_TIMEOUT, 120). Raise it on a busy machine.")
@run_options
def draft_eval(data_dir: Path | None, backend: str, system: str, baseline_only: bool, dataset: str,
               subset: str | None, max_cases: int | None, repair_rounds: int, timeout: float | None, out_dir: Path,
               fmt: str, fail_under: list[Threshold], fail_over: list[Threshold]) -> None:
    """Score drafts of the chain and the no-LLM baseline: validity, rules, parents, alignment, themes,
    groundedness, citations, duplication, latency and tokens.

    Each company of the dataset is ingested into its own scratch store (a temporary folder, or --data-dir).
    """
    from evals.draft_cases import DraftCase, select_subset
    from evals.runner import run_task
    from evals.schema import load_cases
    from evals.tasks.draft import draft_task, prepare_stores

    systems = ["baseline"] if baseline_only or system == "baseline" else \
        ["chain"] if system == "chain" else ["chain", "baseline"]
    cases = select_subset(load_cases(dataset, DraftCase), subset)[:max_cases]
    if not cases:
        raise InputError(f"The dataset {dataset} has no cases in the subset {subset}.")
    name = Path(dataset).stem if dataset.endswith(".jsonl") else dataset
    settings = build_settings()
    if timeout is not None:
        settings = settings.model_copy(update={"llm_timeout": timeout})
    llm_for, config = _draft_backend(settings, backend) if "chain" in systems else (None, {})
    if subset:
        config["subset"] = subset
    with tempfile.TemporaryDirectory(prefix="okr-eval-draft-", ignore_cleanup_errors=True) as scratch:
        where = data_dir or Path(scratch)
        bars: list[_IngestProgress] = []

        def company_bar(company: str) -> _IngestProgress:
            if bars:
                bars[-1].close()
            bars.append(_IngestProgress())
            return bars[-1]

        try:
            stores, summary = prepare_stores([c.company for c in cases], where, settings, progress=company_bar)
        finally:
            for bar in bars:
                bar.close()
        for skipped in summary.skipped:
            click.echo(f"Skipped {skipped.path}: {skipped.reason}", err=True)
        config["store"] = "scratch" if data_dir is None else str(data_dir)
        task = draft_task(cases, stores=stores, systems=systems, llm_for=llm_for, repair_rounds=repair_rounds,
                          dataset=name, config=config)
        report = run_task(task, progress=True)
    finish(report, out_dir=out_dir, fmt=fmt, fail_under=fail_under, fail_over=fail_over)


def _draft_backend(settings: Settings, backend: str) -> tuple[Callable[[DraftCase], ChatBackend], dict[str, str]]:
    """The chain's backend per case: scripted replies for ``fake``, else one real backend for every case."""
    if backend == "fake":
        from evals.tasks.draft_fake import scripted_backend

        return scripted_backend, {"backend": "fake (scripted replies: measures the pipeline, not a model)"}
    from assistant.llm import build_backend

    llm = build_backend(settings, backend)
    click.echo(f"Drafting with {llm.name} ({llm.model})", err=True)
    return (lambda case: llm), {"backend": llm.name, "model": llm.model, "timeout_s": f"{settings.llm_timeout:g}"}


@eval_command.command("compare")
@click.argument("a", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("b", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
def compare_eval(a: Path, b: Path, fmt: str) -> None:
    """Compare two JSON reports of the same task: deltas per metric and the cases that got worse (B against A)."""
    from evals.compare import compare_reports, render_comparison
    from evals.report import load_report

    comparison = compare_reports(load_report(a), load_report(b), a_label=str(a), b_label=str(b))
    click.echo(comparison.model_dump_json(indent=2) if fmt == "json" else render_comparison(comparison), nl=fmt == "json")


class _IngestProgress:
    """A progress bar on stderr for ingesting the sample documents, opened once the total is known."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._bar: ProgressBar[int] | None = None
        self._done = 0

    def __call__(self, name: str, done: int, total: int) -> None:
        if self._bar is None:
            bar = click.progressbar(length=total, label="Ingesting sample documents",
                                    file=sys.stderr, show_pos=True)
            self._bar = self._stack.enter_context(bar)
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        self._stack.close()
