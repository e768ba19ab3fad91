from __future__ import annotations

import pytest
from evals_testkit import hit

from assistant.okr import Finding, Severity
from evals.schema import ExpectedPassage, RetrievalCase, ReviewCase
from evals.scorers import Counts, prf
from evals.scorers.retrieval import RetrievalOutput, hit_at_1, hit_at_k, reciprocal_rank
from evals.scorers.review import ReviewOutput, flawed_vs_sound, info_match, rule_overlap, rules_match


def kr_case(expected: list[str], allowed: list[str] | None = None, info: list[str] | None = None) -> ReviewCase:
    return ReviewCase(id="c", split="dev", function="sales", kind="kr", text="Improve win rate",
                      expected_rules=expected, allowed_rules=allowed or [], info_rules=info)


def out(rules: list[str], info: list[str] | None = None) -> ReviewOutput:
    findings = [Finding(rule=r, severity=Severity.WARNING, path="p", message="m") for r in rules]
    return ReviewOutput(rules=rules, info=info or [], findings=findings)


@pytest.mark.parametrize(
    ("expected", "predicted", "value", "reason"),
    [
        ([], [], True, "sound as labelled"),
        (["kr-vague"], ["kr-vague"], True, "flawed as labelled"),
        (["kr-vague"], ["kr-no-target"], True, "flawed as labelled"),  # right call, other reason
        (["kr-vague"], [], False, "missed: labelled kr-vague"),
        ([], ["kr-activity"], False, "false alarm: labelled sound, reviewer raised kr-activity"),
    ],
)
def test_flawed_vs_sound(expected: list[str], predicted: list[str], value: bool, reason: str) -> None:
    score = flawed_vs_sound(kr_case(expected), out(predicted))
    assert score.value is value
    assert reason in score.reason


@pytest.mark.parametrize(
    ("expected", "allowed", "predicted", "value", "reason"),
    [
        (["kr-vague"], [], ["kr-vague"], True, "fired kr-vague"),
        (["kr-vague"], ["kr-no-target"], ["kr-vague", "kr-no-target"], True, "fired"),
        (["kr-vague", "kr-no-target"], [], ["kr-vague"], False, "missing kr-no-target"),
        (["kr-vague"], [], ["kr-vague", "kr-compound"], False, "unexpected kr-compound"),
        (["kr-vague"], [], ["kr-binary"], False, "missing kr-vague; unexpected kr-binary"),
        ([], [], [], True, "fired nothing"),
    ],
)
def test_rules_match(expected: list[str], allowed: list[str], predicted: list[str], value: bool, reason: str) -> None:
    score = rules_match(kr_case(expected, allowed), out(predicted))
    assert score.value is value
    assert reason in score.reason


@pytest.mark.parametrize(
    ("expected", "allowed", "predicted", "value"),
    [
        ([], [], [], 1.0),
        (["kr-vague"], [], ["kr-vague"], 1.0),
        (["kr-vague", "kr-no-target"], [], ["kr-vague"], 0.6667),
        (["kr-vague"], ["kr-no-target"], ["kr-vague", "kr-no-target"], 1.0),
        (["kr-vague"], [], ["kr-binary"], 0.0),
        ([], [], ["kr-binary"], 0.0),
    ],
)
def test_rule_overlap(expected: list[str], allowed: list[str], predicted: list[str], value: float) -> None:
    assert rule_overlap(kr_case(expected, allowed), out(predicted)).value == pytest.approx(value, abs=1e-4)


@pytest.mark.parametrize(
    ("info", "predicted", "value"),
    [
        (None, ["kr-no-baseline"], 1.0),
        (["kr-no-baseline"], ["kr-no-baseline"], 1.0),
        ([], [], 1.0),
        ([], ["kr-no-baseline"], 0.0),
        (["kr-no-baseline", "kr-no-owner"], ["kr-no-owner"], 0.0),
    ],
)
def test_info_match(info: list[str] | None, predicted: list[str], value: float) -> None:
    assert info_match(kr_case(["kr-vague"], info=info), out(["kr-vague"], predicted)).value == value


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "expected"),
    [
        (8, 2, 2, (0.8, 0.8, 0.8)),
        (1, 0, 3, (1.0, 0.25, 0.4)),
        (0, 0, 4, (0.0, 0.0, 0.0)),  # found nothing of what was there
        (0, 3, 0, (0.0, None, 0.0)),  # raised a rule that never applies
        (0, 0, 0, (None, None, None)),
    ],
)
def test_prf(tp: int, fp: int, fn: int, expected: tuple[float | None, ...]) -> None:
    for got, want in zip(prf(tp, fp, fn), expected, strict=True):
        assert got == (None if want is None else pytest.approx(want))


def test_counts_false_alarm_rate_and_accuracy() -> None:
    counts = Counts()
    for expected, predicted in [(True, True), (True, False), (False, True), (False, False), (False, False)]:
        counts.add(expected=expected, predicted=predicted)
    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (1, 1, 1, 2)
    assert counts.false_alarm_rate == pytest.approx(1 / 3)
    assert counts.accuracy == pytest.approx(3 / 5)
    assert Counts().false_alarm_rate is None


def retrieval_case(*expected: ExpectedPassage) -> RetrievalCase:
    return RetrievalCase(id="q", corpus="quill", query="where?", expected=list(expected))


@pytest.mark.parametrize(
    ("expected", "hits", "passed", "rr"),
    [
        (ExpectedPassage(document="memo.md"), [hit("strategy/memo.md", "Bets")], True, 1.0),
        (ExpectedPassage(document="memo.md", heading_contains="bets"),
         [hit("memo.md", "Intro"), hit("memo.md", "The four bets")], True, 0.5),
        (ExpectedPassage(document="memo.md", heading_contains="bets"), [hit("plan.md", "The four bets")], False, 0.0),
        (ExpectedPassage(document="memo.md"), [hit("other-memo.md", "x")], False, 0.0),  # suffix must be a path part
        (ExpectedPassage(text_contains="54%"), [hit("a.md", "x"), hit("b.md", "y"), hit("c.md", "z", "rose to 54% in Q3")],
         True, 0.3333),
        (ExpectedPassage(chunk_id="a.md#x"), [hit("a.md", "y"), hit("a.md", "x")], True, 0.5),
        (ExpectedPassage(document="memo.md"), [hit(f"d{i}.md", "h") for i in range(5)] + [hit("memo.md", "h")], False, 0.0),
        (ExpectedPassage(document="memo.md"), [], False, 0.0),
    ],
)
def test_retrieval_scorers(expected: ExpectedPassage, hits: list, passed: bool, rr: float) -> None:
    case = retrieval_case(expected)
    output = RetrievalOutput(hits=hits, k=5)
    assert hit_at_k(case, output).value is passed
    assert reciprocal_rank(case, output).value == pytest.approx(rr, abs=1e-4)
    assert hit_at_1(case, output).value == (1.0 if rr == 1.0 else 0.0)


def test_any_expected_passage_counts() -> None:
    case = retrieval_case(ExpectedPassage(document="a.md", heading_contains="Dublin"),
                          ExpectedPassage(document="b.md", heading_contains="Dublin"))
    output = RetrievalOutput(hits=[hit("c.md", "x"), hit("b.md", "Building the Dublin hub")], k=5)
    assert reciprocal_rank(case, output).value == 0.5
    assert "rank 2" in hit_at_k(case, output).reason
