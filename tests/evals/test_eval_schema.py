from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from evals_testkit import write_jsonl
from pydantic import ValidationError

from assistant.errors import InputError
from evals.schema import RetrievalCase, ReviewCase, datasets_dir, load_cases, select_split
from evals.tasks.review import KR_PATH, OBJECTIVE_PATH, build_input

BASE: dict[str, object] = {"id": "x-1", "split": "dev", "function": "sales", "kind": "kr", "text": "Improve win rate"}


@pytest.fixture(scope="module")
def review_cases() -> list[ReviewCase]:
    return load_cases("review.v1", ReviewCase)


def test_shipped_review_dataset_meets_the_brief(review_cases: list[ReviewCase]) -> None:
    assert len(review_cases) >= 220
    assert len({case.function for case in review_cases}) >= 10
    flawed = sum(case.flawed for case in review_cases)
    assert flawed / len(review_cases) >= 0.4
    heldout = len(select_split(review_cases, "heldout"))
    assert 0.3 <= heldout / len(review_cases) <= 0.45
    kinds = Counter(case.kind for case in review_cases)
    assert kinds["kr"] >= 150 and kinds["objective"] >= 40 and kinds["set"] >= 10
    assert sum(not case.flawed for case in review_cases if case.kind == "kr") >= 80  # sound KRs for false alarms


def test_every_warning_and_error_rule_is_labelled_somewhere(review_cases: list[ReviewCase]) -> None:
    from assistant.review.catalogue import CATALOGUE

    labelled = {rule for case in review_cases for rule in case.expected_rules}
    graded = {rule.id for rule in CATALOGUE if rule.severity.value != "info"}
    assert graded <= labelled
    info = {rule for case in review_cases for rule in case.info_rules or []}
    assert info == {"kr-no-baseline", "kr-no-owner"}


@pytest.mark.parametrize(
    ("needle", "rule"),
    [
        ("Hire ", "kr-activity"),
        ("Publish 12 blog articles", "kr-activity"),
        ("attend", "kr-activity"),
        ("X%", "kr-no-target"),
        ("Release version 2.0", "kr-binary"),
    ],
)
def test_hard_cases_are_present(review_cases: list[ReviewCase], needle: str, rule: str) -> None:
    assert any(needle in (case.text or "") and rule in case.expected_rules for case in review_cases)


def test_improve_with_a_number_is_labelled_sound(review_cases: list[ReviewCase]) -> None:
    improve = [c for c in review_cases if (c.text or "").startswith("Improve") and any(ch.isdigit() for ch in c.text or "")]
    assert improve and all(not case.flawed for case in improve)


def test_shipped_retrieval_dataset_loads() -> None:
    cases = load_cases("retrieval.v1", RetrievalCase)
    assert len(cases) >= 30
    assert {case.corpus for case in cases} >= {"guide"}
    assert (datasets_dir() / "retrieval.v1.jsonl").is_file()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expected_rules": ["kr-nonsense"]}, "unknown rule id"),
        ({"expected_rules": ["kr-no-baseline"]}, "belongs in info_rules"),
        ({"info_rules": ["kr-vague"]}, "belongs in expected_rules"),
        ({"expected_rules": ["objective-bau"]}, "cannot be judged on the objective-level rule"),
        ({"expected_rules": [], "allowed_rules": ["kr-vague"]}, "label a sound item sound"),
        ({"expected_rules": ["kr-vague"], "allowed_rules": ["kr-vague"]}, "both expected and allowed"),
        ({"kind": "set"}, "needs okr_set"),
        ({"text": "  "}, "needs text"),
        ({"kind": "objective", "fields": {"target": 3}}, "only for 'kr'"),
        ({"split": "test"}, "Input should be 'dev' or 'heldout'"),
        ({"surprise": 1}, "Extra inputs are not permitted"),
    ],
)
def test_review_case_rejects_bad_labels(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ReviewCase.model_validate({**BASE, **change})


def test_load_cases_names_the_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [BASE, {**BASE, "id": "x-2", "expected_rules": ["kr-nope"]}])
    with pytest.raises(InputError, match=r"bad.jsonl, line 2: expected_rules: .*unknown rule id 'kr-nope'"):
        load_cases(path, ReviewCase)
    path.write_text(json.dumps(BASE) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: not valid JSON"):
        load_cases(path, ReviewCase)
    write_jsonl(path, [BASE, BASE])
    with pytest.raises(InputError, match="line 2: duplicate id 'x-1' \\(first on line 1\\)"):
        load_cases(path, ReviewCase)
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no cases"):
        load_cases(path, ReviewCase)
    with pytest.raises(InputError, match="does not exist"):
        load_cases(tmp_path / "missing.jsonl", ReviewCase)


def test_kr_item_sits_in_a_quiet_minimal_set() -> None:
    given = build_input(ReviewCase.model_validate(BASE))
    objective = given.okr_set.objectives[0]
    assert given.path == KR_PATH
    assert given.okr_set.period == "2027-Q1"
    assert objective.key_results[0].text == "Improve win rate" and objective.key_results[0].owner
    assert len(objective.key_results) == 2  # within the 2-3 KR limit
    assert objective.aligns_to is not None and given.known_parents is not None
    assert objective.aligns_to.id in {parent.id for parent in given.known_parents}


def test_context_overrides_reach_the_set() -> None:
    case = ReviewCase.model_validate({
        **BASE, "context": {"period": None, "owner": None, "parent_id": "CO-9"},
        "fields": {"baseline": 45, "target": 60, "direction": "decrease"},
    })
    given = build_input(case)
    kr = given.okr_set.objectives[0].key_results[0]
    assert given.okr_set.period is None and kr.owner is None
    assert (kr.baseline, kr.target, kr.direction) == (45, 60, "decrease")
    objective_case = ReviewCase.model_validate({**BASE, "kind": "objective", "text": "Grow leaders",
                                                "context": {"parent_id": None}})
    given = build_input(objective_case)
    assert given.path == OBJECTIVE_PATH and given.okr_set.objectives[0].aligns_to is None


def test_retrieval_case_needs_an_expected_passage() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        RetrievalCase.model_validate({"id": "q", "corpus": "quill", "query": "x", "expected": []})
    with pytest.raises(ValidationError, match="needs document, heading_contains"):
        RetrievalCase.model_validate({"id": "q", "corpus": "quill", "query": "x", "expected": [{}]})
