"""The shipped exercises: enough of them, covering every rule, and each one true to the real validator."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.coach.exercises import load_exercises
from assistant.coaching import Answer, Exercise, Kind, check_exercise, grade
from assistant.errors import ConfigError, UnknownExercise
from assistant.review.catalogue import RULE_IDS

SHIPPED = load_exercises()


def test_at_least_sixty_exercises_of_every_kind(exercises: tuple[Exercise, ...]) -> None:
    assert len(exercises) >= 60
    kinds = Counter(e.kind for e in exercises)
    assert set(kinds) == set(Kind)
    assert min(kinds.values()) >= 8


def test_every_rule_in_the_catalogue_is_practised(exercises: tuple[Exercise, ...]) -> None:
    covered = {rule for e in exercises for rule in e.rules}
    assert covered == RULE_IDS


def test_several_functions_maturities_and_difficulties(exercises: tuple[Exercise, ...]) -> None:
    assert len({e.function for e in exercises}) >= 8
    assert {e.maturity for e in exercises} == {"new", "established"}
    assert {e.difficulty.value for e in exercises} == {"easy", "medium", "hard"}


def test_ids_are_unique_and_do_not_give_the_answer_away(exercises: tuple[Exercise, ...]) -> None:
    ids = [e.id for e in exercises]
    assert len(ids) == len(set(ids))
    for e in exercises:
        assert not any(rule in e.id for rule in RULE_IDS), e.id


@pytest.mark.parametrize("exercise", SHIPPED, ids=[e.id for e in SHIPPED])
def test_exercise_is_true_to_the_validator(exercise: Exercise) -> None:
    """The item breaks exactly its rules (at warning/error), distractors do not fire, model rewrites are clean."""
    assert check_exercise(exercise) == []


@pytest.mark.parametrize("exercise", [e for e in SHIPPED if e.kind is Kind.REWRITE],
                         ids=[e.id for e in SHIPPED if e.kind is Kind.REWRITE])
def test_model_rewrites_pass_the_grader(exercise: Exercise) -> None:
    for rewrite in exercise.rewrites:
        result = grade(exercise, Answer(text=rewrite))
        assert result.correct, (rewrite, result.feedback)
        assert result.score == 1.0


def test_check_exercise_reports_a_wrong_answer_key(exercises: tuple[Exercise, ...]) -> None:
    """The check itself can fail: an exercise claiming a rule its item does not break is reported."""
    honest = next(e for e in exercises if e.id == "spot-03")  # "Reduce churn": kr-no-target only
    wrong = honest.model_copy(update={"rules": ["kr-vague"], "distractors": ["kr-no-target", "kr-activity"]})
    problems = " ".join(check_exercise(wrong))
    assert "does not break ['kr-vague']" in problems
    assert "also breaks ['kr-no-target']" in problems
    assert "distractors ['kr-no-target'] do fire" in problems
    bad_rewrite = honest.model_copy(update={"rewrites": ["Reduce churn a lot", "Reduce churn from 8% to 6%"]})
    assert "still breaks" in " ".join(check_exercise(bad_rewrite))


def test_unknown_exercise_is_a_not_found_error() -> None:
    from assistant.coaching import get_exercise

    with pytest.raises(UnknownExercise, match="No exercise 'nope'"):
        get_exercise("nope")


def test_a_malformed_exercise_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "exercises:\n  - id: x-1\n    kind: spot\n    difficulty: easy\n    function: astrology\n"
        "    maturity: new\n    item: Reduce churn\n    rules: [kr-no-target]\n"
        "    explanation: a long enough explanation here\n    rewrites: [a, b]\n    distractors: [kr-vague, kr-binary]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"broken\.yaml.*astrology"):
        load_exercises(tmp_path)
