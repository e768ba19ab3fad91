"""The Quill sample company: OKR files in the contract schema, teams, and realistic strategy documents."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.okr import Level, OKRSet, ParentKind

Headings = Callable[[str], list[tuple[int, str]]]
TEAM_FIELDS = {"id", "name", "mission", "focus", "maturity", "capacity", "suggested_parents"}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _okr_set(path: Path) -> OKRSet:
    return OKRSet.model_validate(_load(path))


def _all_ids(okr_set: OKRSet) -> list[str]:
    ids: list[str] = []
    for objective in okr_set.objectives:
        assert objective.id is not None
        ids.append(objective.id)
        ids.extend(kr.id for kr in objective.key_results if kr.id is not None)
    return ids


def test_company_okrs_have_three_to_five_objectives_of_two_to_three_krs(quill: Path) -> None:
    company = _okr_set(quill / "company-okrs.yaml")
    assert company.level is Level.COMPANY
    assert company.period == "2027-Q1"
    assert 3 <= len(company.objectives) <= 5
    for objective in company.objectives:
        assert 2 <= len(objective.key_results) <= 3, objective.id
        assert objective.owner, objective.id
        assert not re.search(r"\d", objective.title), f"{objective.id}: numbers belong in key results"
        for kr in objective.key_results:
            assert kr.owner, kr.id
            assert kr.id is not None and objective.id is not None
            assert kr.id.startswith(f"{objective.id}.KR"), kr.id


def test_company_okr_ids_are_unique_and_complete(quill: Path) -> None:
    company = _okr_set(quill / "company-okrs.yaml")
    ids = _all_ids(company)
    krs = sum(len(objective.key_results) for objective in company.objectives)
    assert len(ids) == len(company.objectives) + krs, "every objective and key result needs an id"
    assert len(ids) == len(set(ids))


def test_department_okrs_align_to_existing_company_ids(quill: Path) -> None:
    company_ids = set(_all_ids(_okr_set(quill / "company-okrs.yaml")))
    department = _okr_set(quill / "department-okrs.yaml")
    assert department.level is Level.DEPARTMENT
    assert 3 <= len(department.objectives) <= 5
    assert not set(_all_ids(department)) & company_ids
    for objective in department.objectives:
        assert 2 <= len(objective.key_results) <= 3
        assert objective.aligns_to is not None, objective.id
        assert objective.aligns_to.id in company_ids, objective.aligns_to.id
        is_kr = ".KR" in objective.aligns_to.id
        assert (objective.aligns_to.kind is ParentKind.KEY_RESULT) == is_kr


def test_teams_file_is_valid(quill: Path) -> None:
    known_parents = set(_all_ids(_okr_set(quill / "company-okrs.yaml")))
    known_parents |= set(_all_ids(_okr_set(quill / "department-okrs.yaml")))
    teams = _load(quill / "teams.yaml")["teams"]
    assert len(teams) >= 5
    assert len({team["id"] for team in teams}) == len(teams)
    assert len({team["name"] for team in teams}) == len(teams)
    for team in teams:
        assert set(team) >= TEAM_FIELDS, f"{team.get('id')}: missing {TEAM_FIELDS - set(team)}"
        assert team["maturity"] in {"new", "established"}
        assert isinstance(team["focus"], list) and len(team["focus"]) >= 2
        assert all(isinstance(item, str) and item for item in team["focus"])
        assert len(team["mission"].split()) >= 8 and len(team["capacity"].split()) >= 8
        assert team["suggested_parents"], team["id"]
        assert set(team["suggested_parents"]) <= known_parents, team["id"]
    assert {team["maturity"] for team in teams} == {"new", "established"}


def test_strategy_folder_has_enough_structured_documents(quill: Path, headings_of: Headings) -> None:
    markdown = sorted((quill / "strategy").glob("*.md"))
    assert len(markdown) >= 5
    for path in markdown:
        headings = headings_of(path.read_text(encoding="utf-8"))
        assert headings and headings[0][0] == 1, f"{path.name} must open with a title"
        assert sum(1 for level, _ in headings if level == 2) >= 3, path.name
    assert (quill / "strategy" / "board-update-2026-q4.pdf").is_file()
    assert (quill / "strategy" / "pricing-and-packaging-2027.docx").is_file()


def test_one_strategy_document_is_meeting_notes(quill: Path) -> None:
    notes = [
        p for p in (quill / "strategy").glob("*.md") if "notes" in p.read_text(encoding="utf-8").lower()[:300]
    ]
    assert notes, "expected one document written as meeting notes"


@pytest.mark.parametrize(
    ("document", "us_figure", "eu_figure"),
    [
        ("eu-expansion-plan.md", "18.4%", "11.2%"),
        ("customer-experience-plan.md", "1.9 hours", "7.4 hours"),
        ("engineering-reliability-plan.md", "310 ms", "640 ms"),
    ],
)
def test_region_specific_baselines_are_stated(
    quill: Path, document: str, us_figure: str, eu_figure: str
) -> None:
    text = (quill / "strategy" / document).read_text(encoding="utf-8")
    assert us_figure in text and eu_figure in text


def test_company_baselines_come_from_the_strategy_documents(quill: Path) -> None:
    corpus = " ".join(p.read_text(encoding="utf-8") for p in (quill / "strategy").glob("*.md"))
    company = _okr_set(quill / "company-okrs.yaml")
    for objective in company.objectives:
        for kr in objective.key_results:
            baseline = re.search(r"from (\$?[\d.,]+(?:M|%| ms| days)?)", kr.text)
            assert baseline, f"{kr.id}: state the baseline as 'from X'"
            assert baseline.group(1) in corpus, f"{kr.id}: baseline {baseline.group(1)} is cited nowhere"


def test_strategy_documents_carry_no_instructions_for_a_model(quill: Path) -> None:
    suspicious = re.compile(
        r"ignore (all |the )?(previous|prior|above) instructions|system prompt|you are an? (ai|assistant|language model)"
        r"|disregard .{0,20}instructions|as an ai",
        re.IGNORECASE,
    )
    for path in (quill / "strategy").glob("*.md"):
        assert not suspicious.search(path.read_text(encoding="utf-8")), path.name
