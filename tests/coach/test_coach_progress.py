"""Progress: saved atomically, survives damage, and shows change between sessions; session picking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.coach.progress import AnswerRecord, ProgressStore, progress_report, record_of
from assistant.coaching import Exercise, filter_exercises, next_exercise, session_exercises
from assistant.errors import InputError, UnknownRule


def _answer(exercise: str, rules: list[str], correct: bool) -> AnswerRecord:
    return record_of(exercise, "spot", rules, correct=correct, score=1.0 if correct else 0.0,
                     per_rule=dict.fromkeys(rules, correct))


def test_progress_is_kept_per_session_and_shows_the_trend(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.record("s1", "session", [_answer("spot-01", ["kr-vague"], False), _answer("spot-02", ["kr-vague"], True)])
    store.record("s2", "session", [_answer("spot-03", ["kr-vague"], True)])
    store.record("s2", "session", [_answer("spot-04", ["kr-activity"], True)])
    report: Any = progress_report(ProgressStore(tmp_path).load())
    assert [s["id"] for s in report["sessions"]] == ["s1", "s2"]
    assert [s["accuracy"] for s in report["sessions"]] == [0.5, 1.0]
    assert report["trend"] == 0.5
    assert report["rules"]["kr-vague"] == {
        "attempts": 3, "correct": 2, "accuracy": 0.667, "first": 0.5, "latest": 1.0}
    assert report["exercises_solved"] == 3
    # written atomically: no temporary files left behind, and the file is valid JSON
    assert sorted(p.name for p in (tmp_path / "coach").iterdir()) == [".progress.lock", "progress.json"]
    json.loads((tmp_path / "coach" / "progress.json").read_text(encoding="utf-8"))


def test_a_damaged_progress_file_is_moved_aside_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "coach" / "progress.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    store = ProgressStore(tmp_path)
    assert store.load().sessions == []
    assert store.warning is not None and "damaged" in store.warning
    assert (tmp_path / "coach" / "progress.json.damaged").read_text(encoding="utf-8") == "{not json"
    store.record("s1", "session", [_answer("spot-01", ["kr-vague"], True)])
    assert len(ProgressStore(tmp_path).load().sessions) == 1


def test_next_exercise_prefers_unseen_then_missed(exercises: tuple[Exercise, ...], tmp_path: Path) -> None:
    spots = filter_exercises(exercises, kind="spot")
    store = ProgressStore(tmp_path)
    first = next_exercise(spots, store.load())
    assert first.difficulty.value == "easy"
    store.record("s", "answers", [_answer(first.id, first.rules, True)])
    second = next_exercise(spots, store.load())
    assert second.id != first.id
    # once every exercise has been tried, a missed one comes before a solved one
    store.record("s", "answers", [_answer(e.id, e.rules, e.id != spots[-1].id) for e in spots])
    assert next_exercise(spots, store.load()).id == spots[-1].id


def test_a_session_spreads_over_rules_and_is_reproducible(exercises: tuple[Exercise, ...]) -> None:
    picked = session_exercises(exercises, 6, seed=7)
    assert len(picked) == 6 and len({e.id for e in picked}) == 6
    assert len({r for e in picked for r in e.rules}) >= 6
    assert [e.id for e in session_exercises(exercises, 6, seed=7)] == [e.id for e in picked]


def test_filters_reject_what_cannot_match(exercises: tuple[Exercise, ...]) -> None:
    assert {e.kind.value for e in filter_exercises(exercises, rule="kr-vague", kind="rewrite")} == {"rewrite"}
    with pytest.raises(UnknownRule):
        filter_exercises(exercises, rule="kr-nonsense")
    with pytest.raises(InputError, match="No exercise matches"):
        filter_exercises(exercises, rule="set-objective-count", kind="align")
    with pytest.raises(InputError, match="spot, rewrite or align"):
        filter_exercises(exercises, kind="essay")
