"""YAML and JSON: the shapes and names people use, and wrong types reported at their line and column."""

from __future__ import annotations

import json
import time

import pytest

from assistant.errors import ParseError, PayloadTooLarge
from assistant.okr import AlignmentType, Direction, Level, ParentKind
from assistant.parse import parse_okrs


def test_yaml_with_every_field() -> None:
    okr_set = parse_okrs(
        "team: Payments\n"
        "period: Q1 2027\n"
        "level: Department\n"
        "objectives:\n"
        "  - title: Make checkout effortless\n"
        "    id: O1\n"
        "    owner: Priya\n"
        "    rationale: Drop-off is our biggest leak.\n"
        "    aligns_to: {id: CO-2.KR1, kind: key result, type: explicit}\n"
        "    key_results:\n"
        "      - text: Raise conversion from 2.1% to 3%\n"
        "        id: KR1\n"
        "        owner: Sam\n"
        "        baseline: 2.1\n"
        "        target: '3%'\n"
        "        due: 2027-03-31\n"
        "        metric: checkout conversion\n"
        "        direction: up\n",
        fmt="yaml",
    )
    assert (okr_set.team, okr_set.period, okr_set.level) == ("Payments", "2027-Q1", Level.DEPARTMENT)
    objective = okr_set.objectives[0]
    assert (objective.id, objective.owner, objective.rationale) == ("O1", "Priya", "Drop-off is our biggest leak.")
    assert objective.aligns_to is not None
    assert objective.aligns_to.kind is ParentKind.KEY_RESULT and objective.aligns_to.type is AlignmentType.EXPLICIT
    kr = objective.key_results[0]
    assert (kr.id, kr.owner, kr.baseline, kr.target, kr.unit, kr.due) == ("KR1", "Sam", 2.1, 3.0, "%", "2027-03-31")
    assert kr.direction is Direction.INCREASE and kr.metric == "checkout conversion"
    assert (objective.line, kr.line) == (5, 11)


def test_aligns_to_as_a_string_takes_the_defaults() -> None:
    okr_set = parse_okrs("objectives:\n  - title: Grow\n    aligns_to: CO-1\n    key_results: [a, b]\n")
    alignment = okr_set.objectives[0].aligns_to
    assert alignment is not None
    assert (alignment.id, alignment.kind, alignment.type) == ("CO-1", ParentKind.OBJECTIVE, AlignmentType.DIRECTIONAL)


@pytest.mark.parametrize(
    "text",
    [
        "okrs:\n  - objective: Grow revenue\n    krs:\n      - Sign 12 customers\n",
        "goals:\n  - name: Grow revenue\n    key results:\n      - Sign 12 customers\n",
        "Objectives:\n  - Title: Grow revenue\n    Key-Results:\n      - Sign 12 customers\n",
        "objectives:\n  - title: Grow revenue\n    keyResults:\n      - kr: Sign 12 customers\n",
        "- title: Grow revenue\n  key_results: [Sign 12 customers]\n",
        "title: Grow revenue\nkey_results:\n  - Sign 12 customers\n",
        "objectives:\n  - Grow revenue:\n      - Sign 12 customers\n",
        "objectives:\n  Grow revenue:\n    - Sign 12 customers\n",
        "objectives:\n  - title: Grow revenue\n    key_results:\n      - Sign 12 customers: by March\n",
    ],
)
def test_names_and_shapes_people_use(text: str) -> None:
    okr_set = parse_okrs(text, fmt="yaml")
    assert [o.title for o in okr_set.objectives] == ["Grow revenue"]
    assert okr_set.objectives[0].key_results[0].text.startswith("Sign 12 customers")


def test_quarter_synonym_and_scalar_texts_as_written() -> None:
    okr_set = parse_okrs("quarter: 2027 Q3\nobjectives:\n  - title: yes\n    key_results: ['3.10 release adopted by 80%']\n")
    assert okr_set.period == "2027-Q3"
    assert okr_set.objectives[0].title == "yes"  # YAML 1.1 would read a bare yes as a boolean


def test_json_with_positions() -> None:
    text = json.dumps({"team": "Core", "objectives": [{"title": "Grow", "key_results": ["a", {"text": "b"}]}]}, indent=2)
    okr_set = parse_okrs(text)
    assert okr_set.team == "Core"
    objective = okr_set.objectives[0]
    assert objective.line == 4
    assert [kr.line for kr in objective.key_results] == [7, 8]


def test_draft_result_json_is_read_as_its_set() -> None:
    okr_set = parse_okrs('{"okr_set": {"objectives": [{"title": "Grow", "key_results": []}]}, "score": 80}')
    assert okr_set.objectives[0].title == "Grow"


def test_yaml_anchors_and_merge_keys_work() -> None:
    text = (
        "defaults: &d\n  owner: Priya\n  aligns_to: CO-1\n"
        "objectives:\n"
        "  - <<: *d\n    title: Grow\n    key_results: [a, b]\n"
        "  - <<: *d\n    title: Keep\n    owner: Sam\n    key_results: [c, d]\n"
    )
    okr_set = parse_okrs(text)
    assert [o.owner for o in okr_set.objectives] == ["Priya", "Sam"]
    assert [o.aligns_to.id for o in okr_set.objectives if o.aligns_to] == ["CO-1", "CO-1"]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("team: X\nobjectives: 5\n", 2, 13, "must be a list"),
        ("objectives:\n  - title: Grow\n    key_results:\n      - [a, b]\n", 4, 9, "got a list"),
        ("objectives:\n  - title: Grow\n    key_results:\n      - 42\n", 4, 9, "got a number"),
        ("objectives:\n  - title: Grow\n    key_results:\n      -\n      - b\n", 4, 8, "empty"),
        ("objectives:\n  - title: Grow\n    key_results: yes\n", 3, 18, "must be a list"),
        ("objectives:\n  - title: [Grow]\n", 2, 12, "must be text"),
        ("objectives:\n  - title:\n    key_results: [a]\n", 2, 11, "is empty"),
        ("objectives:\n  - 7\n", 2, 5, "must be a mapping"),
        ("objectives:\n  - owner: Sam\n    key_results: [a]\n", 2, 5, "no title"),
        ("objectives:\n  - title: Grow\n    key_results:\n      - text: a\n        target: lots\n", 5, 17, "must be a number"),
        ("objectives:\n  - title: Grow\n    key_results:\n      - text: a\n        direction: sideways\n", 5, 20,
         "unknown direction"),
        ("level: galaxy\nobjectives: []\n", 1, 8, "unknown level"),
        ("objectives:\n  - title: Grow\n    aligns_to: [CO-1, CO-2]\n", 3, 16, "one parent"),
        ("objectives:\n  - title: Grow\n    aligns_to: {kind: objective}\n", 3, 16, "needs an 'id'"),
        ("objectives:\n  - title: Grow\n    aligns_to: {id: C1, kind: planet}\n", 3, 31, "kind must be"),
        ("objectives:\n  - title: Grow\n    key_reslts: [a]\n", 3, 5, "did you mean 'key_results'"),
        ("objectivs:\n  - title: Grow\n", 1, 1, "did you mean 'objectives'"),
        ("team: X\n", 1, 1, "no 'objectives'"),
        ("objectives:\n  - title: Grow\n    title: Again\n", 3, 5, "duplicate key 'title' (first given on line 2)"),
        ("objectives:\n\t- title: Grow\n", 2, 1, "tabs"),
        ("objectives:\n  - title: Grow: big\n", 2, 16, "quotes"),
        ("objectives: [\n", 2, 1, "invalid YAML"),
        ("objectives:\n  - title: Grow\n---\nobjectives: []\n", 3, 1, "second YAML document"),
        ("objectives:\n  - title: *nothing\n", 2, 12, "no anchor"),
        ("- title: a\n- !!python/object:os.system [x]\n", 2, 3, "must be a mapping"),
    ],
)
def test_yaml_errors_name_line_and_column(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_okrs(text, fmt="yaml", source="team.yaml")
    error = caught.value
    assert (error.line, error.column) == (line, column), error.message
    assert words in error.message
    assert error.message.startswith(f"team.yaml, line {line}, column {column}: ")


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{"objectives": 5}', 1, 16, "must be a list"),
        ('{\n  "objectives": [\n    {"title": "a", "key_results": [[1]]}\n  ]\n}', 3, 36, "got a list"),
        ('{"objectives": [}', 1, 17, "expected a value"),
        ('{"objectives": []', 1, 18, "expected ',' or '}'"),
        ('{"objectives": [], "objectives": []}', 1, 20, "duplicate key"),
        ('{"objectives": [{"title": "a"}]} trailing', 1, 34, "extra text"),
        ('[{"title": "a\u0001"}]', 1, 14, "invalid control character"),
        ('{"objectives": [{"title": 1' + "9" * 5000 + "}]}", 1, 27, "too long"),
    ],
)
def test_json_errors_name_line_and_column(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_okrs(text, fmt="json")
    assert (caught.value.line, caught.value.column) == (line, column), caught.value.message
    assert words in caught.value.message


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        name, previous = chr(97 + index), chr(96 + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("objectives: *j")
    started = time.monotonic()
    with pytest.raises(ParseError, match="alias") as caught:
        parse_okrs("\n".join(lines) + "\n", fmt="yaml")
    assert caught.value.line is not None
    assert time.monotonic() - started < 5  # a hang guard, not a benchmark


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deep_nesting_is_refused(fmt: str) -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ParseError, match="nested more than") as caught:
        parse_okrs(text, fmt=fmt)
    assert (caught.value.line, caught.value.column) == (1, 33)


def test_deep_block_yaml_is_refused() -> None:
    text = "objectives:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 60))
    with pytest.raises(ParseError, match="nested more than"):
        parse_okrs(text, fmt="yaml")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_too_many_objectives_is_refused_with_the_line(fmt: str) -> None:
    data = {"objectives": [{"title": f"Objective {index}", "key_results": ["a"]} for index in range(2_000)]}
    text = json.dumps(data, indent=1)
    with pytest.raises(PayloadTooLarge, match="more than 500 objectives") as caught:
        parse_okrs(text, fmt=fmt)
    assert "line " in caught.value.message
