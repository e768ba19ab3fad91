"""The retrieval eval: the sample companies' documents and the guide go into a fresh store; each query's top
``k`` hits are checked for a passage that answers it. Reports recall@k (share of queries answered in the top
``k``) and MRR, overall and per corpus."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from assistant.errors import InputError
from assistant.retrieval.models import Hit, IngestSummary
from evals.results import Bar, Cell, Chart, Summary, Table
from evals.runner import CaseView, Outcome, Task
from evals.schema import RetrievalCase
from evals.scorers.retrieval import SCORERS, RetrievalOutput

GUIDE = "guide"


class RetrievalStore(Protocol):
    def search(self, query: str, *, k: int = 5) -> list[Hit]: ...

    def search_guide(self, query: str, *, k: int = 5) -> list[Hit]: ...


class IngestingStore(RetrievalStore, Protocol):
    def ingest(
        self, paths: list[Path], *, progress: Callable[[str, int, int], None] | None = None
    ) -> IngestSummary: ...


def corpus_paths(corpora: Sequence[str], examples_dir: Path) -> list[Path]:
    """The document folders of the sample companies named in ``corpora`` (the guide is built in)."""
    paths = []
    for corpus in sorted(set(corpora) - {GUIDE}):
        folder = examples_dir / corpus
        if not folder.is_dir():
            known = sorted(p.name for p in examples_dir.iterdir() if p.is_dir()) if examples_dir.is_dir() else []
            raise InputError(
                f"The retrieval dataset names corpus {corpus!r}, but {folder} does not exist "
                f"(sample companies: {', '.join(known) or 'none'})."
            )
        strategy = folder / "strategy"
        paths.append(strategy if strategy.is_dir() else folder)
    return paths


def prepare_store(
    store: IngestingStore, cases: Sequence[RetrievalCase], examples_dir: Path,
    *, progress: Callable[[str, int, int], None] | None = None,
) -> IngestSummary:
    """Ingest what ``cases`` search into ``store``; warm the guide index when a case searches it."""
    summary = IngestSummary()
    paths = corpus_paths([case.corpus for case in cases], examples_dir)
    if paths:
        summary = store.ingest(paths, progress=progress)
    if any(case.corpus == GUIDE for case in cases):
        store.search_guide("objectives and key results", k=1)
    return summary


def search_case(case: RetrievalCase, store: RetrievalStore, k: int) -> RetrievalOutput:
    started = time.perf_counter()
    hits = store.search_guide(case.query, k=k) if case.corpus == GUIDE else store.search(case.query, k=k)
    return RetrievalOutput(hits=hits, k=k, seconds=time.perf_counter() - started)


def _describe(case: RetrievalCase, output: RetrievalOutput | None) -> CaseView:
    expected = " or ".join(
        " § ".join(part for part in (e.document, e.heading_contains, e.text_contains, e.chunk_id) if part)
        for e in case.expected
    )
    actual = ""
    if output is not None:
        actual = "; ".join(f"{h.document} § {h.heading} ({h.score:.2f})" for h in output.hits[: output.k])
    return CaseView(split=case.corpus, input=case.query, expected=expected, actual=actual, detail=case.note)


def summarize_retrieval(outcomes: Sequence[Outcome[RetrievalCase, RetrievalOutput]], *, k: int) -> Summary:
    groups: dict[str, list[Outcome[RetrievalCase, RetrievalOutput]]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.case.corpus, []).append(outcome)
    groups["all"] = list(outcomes)
    metrics: dict[str, float] = {}
    rows: list[list[Cell]] = []
    bars: list[Bar] = []
    for group, items in groups.items():
        scored = [o for o in items if o.output is not None]
        n = len(items)
        recall = sum(1 for o in scored if o.result.scores["hit_at_k"].value is True) / n if n else 0.0
        mrr = sum(float(o.result.scores["reciprocal_rank"].value) for o in scored) / n if n else 0.0
        top1 = sum(float(o.result.scores["hit_at_1"].value) for o in scored) / n if n else 0.0
        latencies = sorted(o.output.seconds * 1000 for o in scored if o.output is not None)
        p50 = statistics.median(latencies) if latencies else 0.0
        metrics.update({
            f"{group}.queries": float(n), f"{group}.recall@{k}": round(recall, 4), f"{group}.mrr": round(mrr, 4),
            f"{group}.hit@1": round(top1, 4), f"{group}.latency_ms_p50": round(p50, 2),
        })
        rows.append([group, n, round(recall, 3), round(mrr, 3), round(top1, 3), round(p50, 1)])
        bars += [Bar(label=f"{group} recall@{k}", value=round(recall, 4)), Bar(label=f"{group} MRR", value=round(mrr, 4))]
    return Summary(
        metrics=metrics,
        lower_is_better=[f"{g}.latency_ms_p50" for g in groups],
        headline=[f"all.recall@{k}", "all.mrr", "all.hit@1"] + [f"{g}.recall@{k}" for g in groups if g != "all"],
        charts=[Chart(title=f"Recall@{k} and MRR per corpus", bars=bars)],
        tables=[Table(title="Per corpus", columns=["corpus", "queries", f"recall@{k}", "MRR", "hit@1", "p50 ms"],
                      rows=rows, note=f"recall@{k}: share of queries with an answering passage in the top {k}.")],
        default_group="all",
    )


def retrieval_task(
    cases: Sequence[RetrievalCase], *, store: RetrievalStore, k: int = 5, dataset: str = "retrieval.v1",
    config: dict[str, str] | None = None,
) -> Task[RetrievalCase, RetrievalOutput]:
    """The retrieval eval over ``cases`` against a store that already holds their corpora."""

    def summarize(outcomes: Sequence[Outcome[RetrievalCase, RetrievalOutput]]) -> Summary:
        return summarize_retrieval(outcomes, k=k)

    return Task(
        name="retrieval",
        dataset=dataset,
        cases=list(cases),
        run=lambda case: search_case(case, store, k),
        scorers=SCORERS,
        describe=_describe,
        summarize=summarize,
        case_id=lambda case: case.id,
        gate=["hit_at_k"],
        config={"k": str(k), **(config or {})},
    )
