"""The draft eval: each case's team asks the LLM chain and the no-LLM baseline for a draft; both are scored alike.

Every company of the dataset gets its own scratch knowledge base (its strategy documents ingested, its company
OKRs imported as parents), so parent ids and passages never leak between companies. A case runs the systems
asked for (``chain``, ``baseline`` or both) against its company's store; each draft is scored by the scorers in
``evals.scorers.draft`` under ``<system>.<scorer>``. The chain failing to finish a draft (``DraftIncomplete``:
output that never validated, a timeout) is a scored failure; any other exception is a crash of the case.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from assistant.config import Settings
from assistant.errors import DraftIncomplete
from assistant.llm.base import ChatBackend
from assistant.okr import DraftEvent, DraftRequest, DraftResult, Level, OKRSet, Trace
from assistant.policy import Policy, get_policy
from assistant.retrieval.models import IngestSummary, KnowledgeStore
from evals.draft_cases import DraftCase, company_documents, company_okrs
from evals.results import Summary
from evals.runner import CaseView, Outcome, Task
from evals.scorers import Score
from evals.scorers.draft import GATE, SCORERS, DraftOutput, DraftPair, linked_parents
from evals.tasks.draft_metrics import summarize_draft

SYSTEMS = ("chain", "baseline")
Progress = Callable[[str, int, int], None]
ProgressFor = Callable[[str], Progress]  # one progress callback per company


def prepare_stores(
    companies: Sequence[str], root: Path, settings: Settings, *, progress: ProgressFor | None = None,
) -> tuple[dict[str, KnowledgeStore], IngestSummary]:
    """One fresh knowledge base per company under ``root``: its documents ingested, its OKRs imported as parents.

    ``progress(company)`` gives the ingest progress callback for that company.
    """
    from assistant.parse import load_okrs
    from assistant.retrieval.store import open_store

    stores: dict[str, KnowledgeStore] = {}
    summary = IngestSummary()
    for company in sorted(set(companies)):
        scratch = settings.model_copy(update={"data_dir": root / company, "chroma_url": None})
        store = open_store(scratch)
        ingested = store.ingest(company_documents(company), progress=progress(company) if progress else None)
        summary.ingested += ingested.ingested
        summary.unchanged += ingested.unchanged
        summary.skipped += ingested.skipped
        summary.chunks_added += ingested.chunks_added
        store.import_parents(load_okrs(company_okrs(company)))
        stores[company] = store
    return stores, summary


def run_chain(
    request: DraftRequest, *, llm: ChatBackend, store: KnowledgeStore, policy: Policy, repair_rounds: int,
) -> DraftOutput:
    """The chain's draft; a draft the model could not finish is returned with its ``failure``."""
    from assistant.drafting import draft_okrs

    partial: list[DraftResult] = []

    def keep(event: DraftEvent) -> None:
        if event.kind == "result" and event.result is not None:
            partial.append(event.result)

    started = time.perf_counter()
    try:
        result = draft_okrs(request, llm=llm, store=store, policy=policy, on_event=keep, repair_rounds=repair_rounds)
        failure = None
    except DraftIncomplete as exc:
        result = partial[-1] if partial else _empty(request, llm)
        failure = exc.message
    return observe("chain", result, store, seconds=time.perf_counter() - started, failure=failure)


def run_baseline(request: DraftRequest, *, store: KnowledgeStore, policy: Policy) -> DraftOutput:
    from evals.baseline import draft_baseline

    started = time.perf_counter()
    result = draft_baseline(request, store=store, policy=policy)
    return observe("baseline", result, store, seconds=time.perf_counter() - started)


def observe(
    system: str, result: DraftResult, store: KnowledgeStore, *, seconds: float, failure: str | None = None,
) -> DraftOutput:
    """``result`` with what the store holds for it now: the parent objectives and the cited chunks."""
    cited = list(dict.fromkeys(c for o in result.okr_set.objectives for kr in o.key_results for c in kr.sources))
    chunks = {hit.chunk_id: hit.text for hit in store.get_chunks(cited)} if cited else {}
    return DraftOutput(system=system, result=result, failure=failure, known_parents=store.list_parents(),
                       chunks=chunks, seconds=round(seconds, 4))


def _empty(request: DraftRequest, llm: ChatBackend) -> DraftResult:
    okr_set = OKRSet(team=request.team, period=request.period, level=Level.TEAM)
    return DraftResult(okr_set=okr_set, score=0, trace=Trace(backend=llm.name, model=llm.model), complete=False)


def _on(system: str, scorer: Callable[[DraftCase, DraftOutput], Score]) -> Callable[[DraftCase, DraftPair], Score]:
    def score(case: DraftCase, pair: DraftPair) -> Score:
        output = pair.get(system)
        if output is None:
            raise ValueError(f"the {system} was not run on case {case.id}")
        return scorer(case, output)

    return score


def _summary_line(output: DraftOutput | None) -> str:
    if output is None:
        return ""
    if output.failure:
        return f"incomplete: {output.failure}"
    parts = []
    for objective in output.okr_set.objectives:
        link = objective.aligns_to.id if objective.aligns_to else "no parent"
        krs = " / ".join(kr.text for kr in objective.key_results)
        parts.append(f"[{link}] {objective.title}: {krs}")
    return " || ".join(parts)


def _describe_for(systems: Sequence[str]) -> Callable[[DraftCase, DraftPair | None], CaseView]:
    def describe(case: DraftCase, pair: DraftPair | None) -> CaseView:
        focus = f"; focus: {', '.join(case.focus)}" if case.focus else ""
        asked = f"; parents {', '.join(case.parents)}" if case.parents else "; parents by meaning"
        text = (f"{case.team} ({case.function}, {case.maturity}, {case.company}; {case.objectives or 'min'} "
                f"objectives, {case.profile}){asked}: {case.mission}{focus}")
        expected = f"parents {', '.join(case.expected_parents)}; themes: {'; '.join(case.themes)}"
        actual, detail = "", ""
        if pair is not None:
            first, *others = systems
            output = pair.get(first)
            actual = f"{first}: {_summary_line(output)}"
            if output is not None and not output.failure:
                actual += f" (linked {', '.join(linked_parents(output)) or 'nothing'})"
            detail = " | ".join(f"{other}: {_summary_line(pair.get(other))}" for other in others)
        return CaseView(split=case.company, input=text, expected=expected, actual=actual, detail=detail)

    return describe


def draft_task(
    cases: Sequence[DraftCase],
    *,
    stores: Mapping[str, KnowledgeStore],
    systems: Sequence[str] = SYSTEMS,
    llm_for: Callable[[DraftCase], ChatBackend] | None = None,
    repair_rounds: int = 2,
    dataset: str = "draft.v1",
    config: dict[str, str] | None = None,
) -> Task[DraftCase, DraftPair]:
    """The draft eval over ``cases``; ``llm_for`` gives the chain's backend for a case (required for the chain).

    The gate (a case's pass/fail) is the first system's checks: valid, no error findings, counts within the
    policy, parent links that resolve, no invented baseline.
    """
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown or not systems:
        raise ValueError(f"systems must be among {SYSTEMS}, got {list(systems)}")
    if "chain" in systems and llm_for is None:
        raise ValueError("the chain needs llm_for: a function giving the chat backend for a case")
    ordered = [s for s in SYSTEMS if s in systems]

    def run(case: DraftCase) -> DraftPair:
        store = stores[case.company]
        policy = get_policy(case.profile)
        request = case.request()
        pair = DraftPair()
        if "chain" in ordered:
            assert llm_for is not None
            pair.chain = run_chain(request, llm=llm_for(case), store=store, policy=policy,
                                   repair_rounds=repair_rounds)
        if "baseline" in ordered:
            pair.baseline = run_baseline(request, store=store, policy=policy)
        return pair

    def summarize(outcomes: Sequence[Outcome[DraftCase, DraftPair]]) -> Summary:
        return summarize_draft(outcomes, systems=ordered)

    scorers = {f"{system}.{name}": _on(system, scorer) for system in ordered for name, scorer in SCORERS.items()}
    return Task(
        name="draft",
        dataset=dataset,
        cases=list(cases),
        run=run,
        scorers=scorers,
        describe=_describe_for(ordered),
        summarize=summarize,
        case_id=lambda case: case.id,
        gate=[f"{ordered[0]}.{name}" for name in GATE],
        config={"systems": ",".join(ordered), "repair_rounds": str(repair_rounds), **(config or {})},
    )
