"""Writing sets out, and reading them back to the same set."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import UnsupportedFormat
from assistant.okr import (
    Alignment,
    AlignmentType,
    Direction,
    KeyResult,
    Level,
    NumberRef,
    NumberRole,
    Objective,
    OKRSet,
    ParentKind,
    Provenance,
)
from assistant.parse import load_okrs, parse_okrs
from assistant.render import format_number, render_okrs

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NO_NUMBERS = {"objectives": {"__all__": {"key_results": {"__all__": {"numbers"}}}}}


def _sample() -> OKRSet:
    return OKRSet(
        team="Payments",
        period="2027-Q1",
        level=Level.DEPARTMENT,
        objectives=[
            Objective(
                title="Make checkout effortless",
                id="PAY-O1",
                owner="Priya Shah",
                rationale="Drop-off is our biggest leak.",
                aligns_to=Alignment(id="CO-2.KR1", kind=ParentKind.KEY_RESULT, type=AlignmentType.EXPLICIT),
                key_results=[
                    KeyResult(
                        text="Raise checkout conversion from 2.1% to 3% by 2027-03-31",
                        id="KR1.1",
                        owner="Sam",
                        metric="checkout conversion",
                        direction=Direction.INCREASE,
                        baseline=2.1,
                        target=3.0,
                        unit="%",
                        due="2027-03-31",
                        sources=["strategy.md#4"],
                        numbers=[NumberRef(value=2.1, role=NumberRole.BASELINE, provenance=Provenance.SOURCED,
                                           chunk_id="strategy.md#4")],
                    ),
                    KeyResult(text="Cut median checkout time from 95 s to 60 s", id="pay-kr-2", baseline=95, target=60),
                ],
            ),
            Objective(title="Grow enterprise revenue", id="O2", aligns_to=Alignment(id="CO-1"),
                      key_results=[KeyResult(text="Sign 12 new enterprise customers")]),
            Objective(title="Keep the lights on", id="infra objective 3"),
        ],
    )


@pytest.mark.parametrize("fmt", ["md", "yaml", "json"])
def test_round_trip_of_a_full_set(fmt: str) -> None:
    okr_set = _sample()
    back = parse_okrs(render_okrs(okr_set, fmt))
    exclude = NO_NUMBERS if fmt == "md" else None
    assert back.model_dump(exclude=exclude) == okr_set.model_dump(exclude=exclude)


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.iterdir()))
@pytest.mark.parametrize("fmt", ["md", "yaml", "json"])
def test_round_trip_of_every_fixture(name: str, fmt: str) -> None:
    okr_set = load_okrs(FIXTURES / name)
    back = parse_okrs(render_okrs(okr_set, fmt), source=f"{name}.{fmt}")
    exclude = NO_NUMBERS if fmt == "md" else None
    assert back.model_dump(exclude=exclude) == okr_set.model_dump(exclude=exclude)


def test_markdown_reads_like_a_document() -> None:
    text = render_okrs(_sample(), "md")
    assert text.startswith("---\nteam: Payments\nperiod: 2027-Q1\nlevel: department\n---\n\n# Payments OKRs — 2027-Q1\n")
    assert "## Objective 1: Make checkout effortless\nID: PAY-O1\nOwner: Priya Shah\n" in text
    assert "Aligns to: CO-2.KR1 (key result, explicit)\n" in text
    assert "- KR1.1: Raise checkout conversion from 2.1% to 3% by 2027-03-31\n  - Owner: Sam\n" in text
    assert "  - Baseline: 2.1\n  - Target: 3\n  - Unit: %\n" in text
    assert "## O2: Grow enterprise revenue\nAligns to: CO-1\n" in text


def test_yaml_is_compact_for_people() -> None:
    data = yaml.safe_load(render_okrs(_sample(), "yaml"))
    second = data["objectives"][1]
    assert second == {"id": "O2", "title": "Grow enterprise revenue", "aligns_to": "CO-1",
                      "key_results": ["Sign 12 new enterprise customers"]}
    first_kr = data["objectives"][0]["key_results"][1]
    assert first_kr == {"text": "Cut median checkout time from 95 s to 60 s", "id": "pay-kr-2", "baseline": 95, "target": 60}


def test_json_is_the_full_model() -> None:
    data = json.loads(render_okrs(_sample(), "json"))
    assert data == _sample().model_dump(mode="json", exclude_none=True)
    assert "line" not in data["objectives"][0]


def test_csv_has_a_row_per_key_result() -> None:
    okr_set = _sample()
    okr_set.objectives[1].key_results[0].owner = "=HYPERLINK(\"http://evil\")"
    rows = list(csv.DictReader(io.StringIO(render_okrs(okr_set, "csv"))))
    assert len(rows) == 4  # two key results, one, and an objective without any
    assert rows[0]["objective"] == "Make checkout effortless" and rows[0]["kr_id"] == "KR1.1"
    assert (rows[0]["baseline"], rows[0]["target"], rows[0]["unit"]) == ("2.1", "3", "%")
    assert rows[0]["aligns_to_kind"] == "key_result" and rows[0]["level"] == "department"
    assert rows[2]["owner"].startswith("'=")  # a formula is never handed to a spreadsheet as one
    assert rows[3]["objective"] == "Keep the lights on" and rows[3]["key_result"] == ""


def test_unknown_render_format() -> None:
    with pytest.raises(UnsupportedFormat, match="cannot write OKRs as 'xml'"):
        render_okrs(_sample(), "xml")


@pytest.mark.parametrize(("value", "text"), [(3.0, "3"), (2.5, "2.5"), (0.1, "0.1"), (1e-07, "0.0000001"),
                                             (1e20, "100000000000000000000"), (-4.0, "-4")])
def test_numbers_are_written_as_people_write_them(value: float, text: str) -> None:
    assert format_number(value) == text
    assert float(text) == value


# --- generated sets -------------------------------------------------------------------------------------

_any_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).map(str.strip).filter(bool)
_numbers = st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-10**6, 10**6).map(float)


def _key_results(text: st.SearchStrategy[str], ids: st.SearchStrategy[str | None]) -> st.SearchStrategy[KeyResult]:
    return st.builds(
        KeyResult,
        text=text,
        id=ids,
        owner=st.none() | text,
        baseline=st.none() | _numbers,
        target=st.none() | _numbers,
        unit=st.none() | text,
        due=st.none() | text,
        metric=st.none() | text,
        direction=st.none() | st.sampled_from(Direction),
    )


def _sets(
    text: st.SearchStrategy[str], ids: st.SearchStrategy[str | None], parents: st.SearchStrategy[str]
) -> st.SearchStrategy[OKRSet]:
    alignments = st.builds(Alignment, id=parents, kind=st.sampled_from(ParentKind), type=st.sampled_from(AlignmentType))
    objectives = st.builds(
        Objective,
        title=text,
        id=ids,
        owner=st.none() | text,
        rationale=st.none() | text,
        aligns_to=st.none() | alignments,
        key_results=st.lists(_key_results(text, ids), max_size=4),
    )
    return st.builds(
        OKRSet,
        team=st.none() | text,
        period=st.none() | st.sampled_from(["2027-Q1", "2026-H2", "FY2027-Q3", "2027"]),
        level=st.sampled_from(Level),
        objectives=st.lists(objectives, min_size=1, max_size=4),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(okr_set=_sets(_any_text, st.none() | _any_text, _any_text), fmt=st.sampled_from(["yaml", "json"]))
def test_generated_sets_round_trip_through_yaml_and_json(okr_set: OKRSet, fmt: str) -> None:
    back = parse_okrs(render_okrs(okr_set, fmt), fmt=fmt)
    assert back.model_dump() == okr_set.model_dump()


# Markdown is for the words people write, including ones that look like labels and sections.
_VOCABULARY = (
    "Grow", "revenue", "from", "to", "12", "3.5%", "$2M", "1,200", "by", "2027-03-31", "Q2", "customers",
    "weekly", "active", "teams", "Risks", "Notes", "Objective", "O1", "KR", "KR2", "Key", "results", "Owner",
    "Aligns", "Team", "Period", "Goal", "#3", "a", "the", "NPS", "p95", "latency", "ms", "café", "déjà-vu",
)
_words = st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=7).map(" ".join)
_md_ids = st.none() | st.sampled_from(["O1", "O12", "KR1.2", "CO-3", "pay-kr-2", "growth/okr#4", "Sales objective 2"])
_parent_ids = st.sampled_from(["CO-1", "CO-2.KR1", "C1", "company-okr-7", "growth", "Grow enterprise revenue"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(okr_set=_sets(_words, _md_ids, _parent_ids))
def test_generated_sets_round_trip_through_markdown(okr_set: OKRSet) -> None:
    back = parse_okrs(render_okrs(okr_set, "md"), fmt="md")
    assert back.model_dump() == _expected_markdown_dump(okr_set)


def _expected_markdown_dump(okr_set: OKRSet) -> dict[str, Any]:
    """What Markdown keeps: everything but ``numbers`` (provenance lives in YAML and JSON)."""
    return okr_set.model_dump()
