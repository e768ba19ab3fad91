"""evals/datasets/retrieval.v1.jsonl: well-formed cases that point at documents and headings that exist."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

Headings = Callable[[str], list[tuple[int, str]]]
FIELDS = {"id", "corpus", "query", "expected", "note"}


@pytest.fixture(scope="module")
def cases(repo: Path) -> list[dict[str, Any]]:
    path = repo / "evals" / "datasets" / "retrieval.v1.jsonl"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def corpus_headings(
    knowledge: Path, quill: Path, builder: ModuleType, headings_of: Headings
) -> dict[str, dict[str, list[str]]]:
    """corpus -> document file name -> its headings (title first)."""
    quill_docs = {
        path.name: [title for _, title in headings_of(path.read_text(encoding="utf-8"))]
        for path in (quill / "strategy").glob("*.md")
    }
    quill_docs |= {document.filename: builder.headings(document) for document in builder.DOCUMENTS}
    guide_docs = {
        path.name: [title for _, title in headings_of(path.read_text(encoding="utf-8"))]
        for path in (knowledge / "guide").glob("*.md")
    }
    return {"quill": quill_docs, "guide": guide_docs}


def test_enough_cases_over_both_corpora(cases: list[dict[str, Any]]) -> None:
    assert len(cases) >= 40
    corpora = [case["corpus"] for case in cases]
    assert corpora.count("quill") >= 30 and corpora.count("guide") >= 10


def test_cases_are_well_formed(cases: list[dict[str, Any]]) -> None:
    assert len({case["id"] for case in cases}) == len(cases)
    assert len({case["query"].lower() for case in cases}) == len(cases)
    for case in cases:
        assert set(case) == FIELDS, case["id"]
        assert case["corpus"] in {"quill", "guide"}, case["id"]
        assert len(case["query"].split()) >= 4, case["id"]
        assert case["expected"], case["id"]
        for expected in case["expected"]:
            assert set(expected) == {"document", "heading_contains"}, case["id"]
            assert expected["heading_contains"].strip(), case["id"]


def test_expected_documents_and_headings_exist(
    cases: list[dict[str, Any]], corpus_headings: dict[str, dict[str, list[str]]]
) -> None:
    for case in cases:
        documents = corpus_headings[case["corpus"]]
        for expected in case["expected"]:
            headings = documents.get(expected["document"])
            assert headings is not None, (
                f"{case['id']}: no document {expected['document']} in {case['corpus']}"
            )
            needle = expected["heading_contains"].lower()
            matches = [heading for heading in headings[1:] if needle in heading.lower()]
            assert matches, f"{case['id']}: no section heading in {expected['document']} contains {needle!r}"
            assert needle not in headings[0].lower(), f"{case['id']}: {needle!r} matches the document title"


def test_queries_paraphrase_rather_than_quote_the_heading(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        for expected in case["expected"]:
            assert expected["heading_contains"].lower() not in case["query"].lower(), case["id"]


def test_every_document_is_queried(
    cases: list[dict[str, Any]], corpus_headings: dict[str, dict[str, list[str]]]
) -> None:
    for corpus, documents in corpus_headings.items():
        queried = {e["document"] for case in cases if case["corpus"] == corpus for e in case["expected"]}
        assert queried == set(documents), f"{corpus}: documents without a query: {set(documents) - queried}"
