"""Whatever it is given, the parser returns an OKRSet or raises the project's InputError; nothing else."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import InputError
from assistant.okr import OKRSet
from assistant.parse import load_okrs, parse_okr_bytes, parse_okrs

# Generous deadlines: the point is "never a hang", on a busy shared machine.
FUZZ = settings(max_examples=300, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow])


def _outcome(call: object) -> OKRSet | InputError:
    assert callable(call)
    try:
        result = call()
    except InputError as error:
        assert error.message and error.exit_code == 2
        return error
    assert isinstance(result, OKRSet)
    assert len(result.objectives) >= 1 or result.objectives == []
    for objective in result.objectives:
        assert objective.title.strip()
        assert all(kr.text.strip() for kr in objective.key_results)
    return result


@FUZZ
@given(text=st.text(), fmt=st.sampled_from([None, "md", "text", "yaml", "json"]))
def test_any_text(text: str, fmt: str | None) -> None:
    _outcome(lambda: parse_okrs(text, fmt=fmt))


@FUZZ
@given(data=st.binary(max_size=2_000))
def test_any_bytes(data: bytes) -> None:
    _outcome(lambda: parse_okr_bytes(data))


@settings(max_examples=100, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow,
                                                                                    HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2_000), suffix=st.sampled_from([".md", ".txt", ".yaml", ".json", ""]))
def test_any_file(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"okrs{suffix}"
    path.write_bytes(data)
    _outcome(lambda: load_okrs(path))


# Text built from the pieces OKR documents are made of, so the fuzzing reaches deep into the reader.
_PIECES = (
    "Objective 1: Grow revenue", "## Objective: Keep customers", "O2 - Ship faster", "**Objective 3**:", "Objective",
    "### O4.", "Goal 1: Win", "OKR 2:", "- KR1: Sign 12 customers", "KR 1.2 Raise NPS from 31 to 45", "KR1.1)",
    "1. Cut churn from 3% to 2%", "a) Launch", "* Reach 99.9%", "• Grow ARR to $2M", "  - detail", "    - deeper",
    "Key results:", "Initiatives:", "## Risks", "Owner: Priya", "(owner: Sam)", "— @lee", "[Owner: Ana]",
    "Aligns to: CO-2", "Parent: C1 (key result, explicit)", "Team: Payments", "Period: Q1 2027", "Level: company",
    "Status: on track", "Target: 45%", "Baseline: 31", "---", "===", "```", "<!--", "-->", "> quoted",
    "| Objective | Key result | Owner |", "|---|---|---|", "| Grow | Sign 12 | Jo |", "| | Win 3 | Ann |",
    "||Objective||KR||", "Objective\tKey Result\tOwner", "Grow\tSign 12\tJo", "\tWin 3\tAnn",
    "# Payments OKRs — 2027-Q1", "Q1 2027", "FY27 Q2", "", "", "   ", "plain words here", "✅ 🎯 🔑", "[ ]", "[x]",
    "objectives:", "  - title: Grow", "    key_results: [a, b]", "team: X", "{", "}", "[", "]", "&a", "*a", "<<: *a",
)


@FUZZ
@given(
    lines=st.lists(st.sampled_from(_PIECES) | st.text(max_size=30), max_size=40),
    fmt=st.sampled_from([None, "md", "text", "yaml"]),
)
def test_documents_made_of_okr_pieces(lines: list[str], fmt: str | None) -> None:
    _outcome(lambda: parse_okrs("\n".join(lines), fmt=fmt))


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
_KEYS = ("team", "period", "quarter", "level", "objectives", "okrs", "title", "objective", "id", "owner", "owners",
         "aligns_to", "parent", "kind", "type", "rationale", "key_results", "krs", "text", "kr", "baseline", "target",
         "unit", "due", "metric", "direction", "sources", "numbers", "value", "role", "provenance", "okr_set", "O1",
         "KR1", "Grow revenue", "key_reslts")
_trees = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), children, max_size=5),
    max_leaves=30,
)


@FUZZ
@given(tree=_trees, fmt=st.sampled_from(["yaml", "json"]))
def test_any_yaml_or_json_structure(tree: object, fmt: str) -> None:
    text = json.dumps(tree) if fmt == "json" else yaml.safe_dump(tree, allow_unicode=True)
    _outcome(lambda: parse_okrs(text, fmt=fmt))
    _outcome(lambda: parse_okrs(text))
