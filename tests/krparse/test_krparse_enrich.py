"""enrich_key_result fills empty structured fields from the text and never overwrites given ones."""

from __future__ import annotations

import subprocess
import sys

from assistant.krparse import enrich_key_result
from assistant.okr import Direction, KeyResult, NumberRef, NumberRole


def test_fills_empty_fields_from_the_text() -> None:
    kr = KeyResult(text="Reduce churn from 5% to 3% by end of Q2", owner="Ana")
    enriched = enrich_key_result(kr, period="2027-Q2")
    assert (enriched.metric, enriched.direction, enriched.baseline, enriched.target, enriched.unit, enriched.due) == (
        "churn", Direction.DECREASE, 5.0, 3.0, "%", "2027-06-30"
    )
    assert enriched.owner == "Ana"


def test_never_overwrites_given_values() -> None:
    kr = KeyResult(
        text="Reduce churn from 5% to 3% by end of Q2",
        metric="logo churn",
        direction=Direction.MAINTAIN,
        baseline=4.8,
        target=2.5,
        unit="pct",
        due="2027-05-31",
    )
    enriched = enrich_key_result(kr, period="2027-Q2")
    assert enriched.model_dump() == kr.model_dump()


def test_fills_only_what_is_missing() -> None:
    kr = KeyResult(text="Grow newsletter subscribers from 4,000 to 10,000", target=12_000.0)
    enriched = enrich_key_result(kr)
    assert (enriched.baseline, enriched.target, enriched.metric, enriched.direction) == (
        4000.0, 12_000.0, "newsletter subscribers", Direction.INCREASE
    )


def test_returns_a_copy_and_leaves_the_input_alone() -> None:
    kr = KeyResult(text="Reduce churn from 5% to 3%", numbers=[NumberRef(value=5.0, role=NumberRole.BASELINE)],
                   sources=["doc-1#2"], line=7)
    enriched = enrich_key_result(kr)
    assert enriched is not kr
    assert kr.target is None and kr.metric is None
    enriched.sources.append("doc-2#1")
    assert kr.sources == ["doc-1#2"]
    assert enriched.numbers == kr.numbers and enriched.line == 7


def test_a_change_without_baseline_is_not_copied_as_a_target() -> None:
    enriched = enrich_key_result(KeyResult(text="Grow ARR 30% YoY"))
    assert (enriched.metric, enriched.direction, enriched.target, enriched.unit) == (
        "ARR", Direction.INCREASE, None, None
    )


def test_a_change_applied_to_a_baseline_is_copied() -> None:
    enriched = enrich_key_result(KeyResult(text="Double weekly signups from 400"))
    assert (enriched.baseline, enriched.target) == (400.0, 800.0)


def test_text_without_facts_gives_an_equal_copy() -> None:
    kr = KeyResult(text="Be awesome")
    enriched = enrich_key_result(kr)
    assert enriched.model_dump(exclude={"metric"}) == kr.model_dump(exclude={"metric"})
    assert enriched.target is None and enriched.due is None and enriched.direction is None


def test_importing_the_parser_stays_light() -> None:
    heavy = ("numpy", "chromadb", "onnxruntime", "langchain_core", "openai", "fastapi", "llama_cpp")
    code = f"import sys, assistant.krparse; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
