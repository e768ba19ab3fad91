"""The no-LLM baseline drafter: statements read from passages, and a whole draft on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import settings_from_env
from assistant.draft.context import Passage
from assistant.draft.provenance import BASELINE_PLACEHOLDER
from assistant.krparse import numbers_in
from assistant.okr import NumberRole, Provenance
from assistant.policy import get_policy
from assistant.retrieval.models import KnowledgeStore
from evals.baseline import draft_baseline, proposed_target, statements
from evals.draft_cases import DraftCase
from evals.schema import load_cases
from evals.scorers.draft import GATE, SCORERS
from evals.tasks.draft import observe, prepare_stores

CASES = {case.id: case for case in load_cases("draft.v1", DraftCase)}


def passage(text: str) -> Passage:
    return Passage(label="S1", chunk_id="c1", document="plan.md", heading="Plan", text=text, score=0.5)


@pytest.mark.parametrize(("text", "expected"), [
    ("Clinician schedule utilisation was 78%; the target is 88%.",
     ["Raise clinician schedule utilisation from 78% to 88% by 2027-03-31"]),
    ("Cost per delivered order was €9.40 in Q4, against €8.10 at our best-run centre in Utrecht.",
     ["Reduce cost per delivered order from €9.40 to €8.46 by 2027-03-31"]),
    ("Only 37% of patients have activated the patient portal.",
     ["Raise the share of patients have activated the patient portal from 37% to 41% by 2027-03-31"]),
    ("Our target for European first response is under 2 hours by the end of Q1 2027.",
     [f"Raise European first response from {BASELINE_PLACEHOLDER} to 2 hours by 2027-03-31"]),
    ("Harbor Health runs 22 primary-care clinics and a video service.", []),  # no measurable statement
    ("We had 9 Sev-1 incidents, five of them during month-end invoicing runs.", []),  # no metric to name
])
def test_statements_become_key_results(text: str, expected: list[str]) -> None:
    assert [s.key_result("2027-03-31") for s in statements([passage(text)])] == expected


@pytest.mark.parametrize(("raw", "lower", "expected"), [
    ("£38", True, "£34"),
    ("78%", False, "86%"),
    ("99.1%", False, "100.0%"),  # a share never goes past 100%
    ("103%", False, "113%"),  # ... unless it already is (net revenue retention)
    ("14,500", False, "15,950"),
    ("2 days", True, "1.8 days"),  # too small to move at this precision: one more decimal
])
def test_proposed_target(raw: str, lower: bool, expected: str) -> None:
    (mention,) = numbers_in(raw)
    assert proposed_target(mention, lower=lower) == expected


@pytest.fixture(scope="module")
def harbor_store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    root = tmp_path_factory.mktemp("harbor")
    settings = settings_from_env({}, data_dir=root / "user")
    stores, summary = prepare_stores(["harbor"], root / "stores", settings)
    assert len(summary.ingested) == 3 and not summary.skipped
    return stores["harbor"]


def test_baseline_draft_on_a_fixture_company(harbor_store: KnowledgeStore) -> None:
    case = CASES["hh-scheduling"]
    result = draft_baseline(case.request(), store=harbor_store, policy=get_policy(case.profile))
    objectives = result.okr_set.objectives
    assert len(objectives) == 2
    assert all(o.aligns_to is not None and o.aligns_to.id == "HH-1" for o in objectives)
    assert result.trace.backend == "baseline" and result.trace.prompt_tokens == 0
    key_results = [kr for o in objectives for kr in o.key_results]
    assert all(2 <= len(o.key_results) <= 3 for o in objectives)
    baselines = [n for kr in key_results for n in kr.numbers if n.role is NumberRole.BASELINE]
    assert baselines and all(n.provenance in (Provenance.SOURCED, Provenance.GIVEN) for n in baselines)
    cited = {c for kr in key_results for c in kr.sources}
    assert cited and cited == {c.chunk_id for c in result.citations}
    cited_text = " ".join(c.text for c in result.citations)
    for number in baselines:  # every starting value is a figure the cited passages state
        assert any(abs(m.value - number.value) < 1e-9 for m in numbers_in(cited_text))

    output = observe("baseline", result, harbor_store, seconds=0.1)
    scores = {name: SCORERS[name](case, output) for name in GATE}
    assert all(score.value is True for score in scores.values()), scores


def test_baseline_picks_parents_by_meaning_when_none_are_named(harbor_store: KnowledgeStore) -> None:
    case = CASES["hh-reminders"]
    assert not case.parents
    result = draft_baseline(case.request(), store=harbor_store, policy=get_policy(case.profile))
    linked = {o.aligns_to.id for o in result.okr_set.objectives if o.aligns_to}
    assert linked and linked <= {"HH-1", "HH-2", "HH-3", "HH-4"}
    assert linked & set(case.expected_parents + case.allowed_parents)


def test_baseline_titles_have_no_numbers_and_fit_the_policy(harbor_store: KnowledgeStore, tmp_path: Path) -> None:
    case = CASES["hh-people"]
    policy = get_policy(case.profile)
    result = draft_baseline(case.request(), store=harbor_store, policy=policy)
    assert len(result.okr_set.objectives) == 3
    for objective in result.okr_set.objectives:
        assert not numbers_in(objective.title)
        assert len(objective.title.split()) <= policy.objective_max_words
