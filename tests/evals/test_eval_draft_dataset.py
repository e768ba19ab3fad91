"""The draft dataset and its fictional companies: what the eval's cases promise must hold in their sources."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.krparse import numbers_in
from assistant.parse import load_okrs
from assistant.policy import get_policy
from assistant.review import review
from evals.draft_cases import (
    DraftCase,
    company_dir,
    company_documents,
    company_okrs,
    fixtures_dir,
    select_subset,
)
from evals.schema import load_cases

CASES = load_cases("draft.v1", DraftCase)
COMPANIES = sorted({case.company for case in CASES})


def test_dataset_spans_companies_functions_and_maturities() -> None:
    assert len(CASES) >= 15
    assert len(COMPANIES) >= 3 and "quill" not in COMPANIES[:3]
    assert len({case.function for case in CASES}) >= 10
    assert Counter(case.maturity for case in CASES).keys() == {"new", "established"}
    assert min(Counter(case.company for case in CASES).values()) >= 5


def test_ci_local_subset_is_three_small_cases() -> None:
    subset = select_subset(CASES, "ci-local")
    assert len(subset) == 3
    assert all((case.objectives or 99) <= 2 for case in subset)
    assert len({case.company for case in subset}) == 3


@pytest.mark.parametrize("company", COMPANIES)
def test_company_fixture_is_compact_and_its_okrs_are_sound(company: str) -> None:
    documents = company_documents(company)
    assert 2 <= len(documents) <= 4
    assert all(len(path.read_text(encoding="utf-8").split()) < 450 for path in documents)
    okrs = load_okrs(company_okrs(company))
    assert 3 <= len(okrs.objectives) <= 5
    assert all(2 <= len(o.key_results) <= 3 and o.id for o in okrs.objectives)
    assert not review(okrs, policy=get_policy("default")).has_errors()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_case_is_consistent_with_its_company(case: DraftCase) -> None:
    okrs = load_okrs(company_okrs(case.company))
    objective_ids = {o.id for o in okrs.objectives}
    all_ids = objective_ids | {kr.id for o in okrs.objectives for kr in o.key_results}
    assert set(case.expected_parents) <= objective_ids
    assert set(case.allowed_parents) <= objective_ids
    assert set(case.parents) <= all_ids
    if case.parents:  # named parents are what the draft must link to
        assert set(case.expected_parents) == set(case.parents)
    text = " ".join(p.read_text(encoding="utf-8") for p in company_documents(case.company))
    stated = [m.value for m in numbers_in(text)]
    for raw in case.source_numbers:
        (mention,) = numbers_in(raw)
        assert any(abs(mention.value - value) < 1e-9 for value in stated), f"{raw} is not in {case.company}'s documents"
    request = case.request()
    assert request.team == case.team and request.objectives == case.objectives


def test_unknown_company_and_bad_case_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere-inc"):
        company_dir("nowhere-inc")
    row = json.loads((fixtures_dir().parent / "datasets" / "draft.v1.jsonl").read_text().splitlines()[0])
    row.update(objectives=1, profile="default")
    bad = tmp_path / "draft.bad.jsonl"
    bad.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: .*outside the default profile"):
        load_cases(bad, DraftCase)


def test_quill_sample_company_can_be_a_fourth_company() -> None:
    assert company_dir("quill").name == "quill"
    assert any(path.suffix == ".md" for path in company_documents("quill"))
