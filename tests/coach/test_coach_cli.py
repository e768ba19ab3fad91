"""`okr coach next / answer / progress / workshop` as tools call them: real processes, JSON out."""

from __future__ import annotations

import json
from pathlib import Path

from testkit import FLAWED, QUILL_PARENTS, REPO, Okr, as_json

from assistant.coaching import get_exercise


def test_next_prints_an_exercise_in_the_contract_shape(okr: Okr) -> None:
    data = as_json(okr("coach", "next", "--format", "json"))
    assert {"id", "kind", "prompt", "choices"} <= set(data)
    assert data["kind"] in {"spot", "rewrite", "align"}
    exercise = get_exercise(str(data["id"]))
    assert exercise.item in str(data["prompt"])
    choices = data["choices"]
    assert isinstance(choices, list)
    for choice in choices:
        assert set(choice) == {"id", "text"}


def test_next_with_filters_and_the_answer_round_trip(okr: Okr, data_dir: Path) -> None:
    data = as_json(okr("coach", "next", "--rule", "kr-compound", "--kind", "spot", "--format", "json"))
    exercise = get_exercise(str(data["id"]))
    assert exercise.kind.value == "spot" and "kr-compound" in exercise.rules
    offered = {c["id"] for c in data["choices"]}
    assert set(exercise.rules) <= offered and set(exercise.distractors) <= offered

    args = ["coach", "answer", exercise.id, "--format", "json"]
    wrong = as_json(okr(*args, "--choice", exercise.distractors[0]))
    assert wrong == {"correct": False, "score": 0.0, "feedback": wrong["feedback"], "rules": exercise.rules}
    right = as_json(okr(*args, *[x for r in exercise.rules for x in ("--choice", r)]))
    assert right["correct"] is True and right["score"] == 1.0
    assert "okr rules kr-compound" in str(right["feedback"])

    # answers are recorded: the next exercise moves on, and progress counts them
    again = as_json(okr("coach", "next", "--rule", "kr-compound", "--kind", "spot", "--format", "json"))
    assert again["id"] != exercise.id
    progress = as_json(okr("coach", "progress", "--format", "json"))
    assert progress["answered"] == 2 and progress["correct"] == 1
    assert (data_dir / "coach" / "progress.json").is_file()


def test_answer_a_rewrite_from_text_and_from_stdin(okr: Okr) -> None:
    good = as_json(okr("coach", "answer", "rewrite-14", "--text",
                       "Cut median first response time for European tickets from 9 hours to 3 hours", "--format",
                       "json"))
    assert good["correct"] is True
    piped = as_json(okr("coach", "answer", "rewrite-14", "--text", "-", "--format", "json", "--no-save",
                        input="Respond much faster to European customers\n"))
    assert piped["correct"] is False
    assert "kr-vague" in piped["rules"]
    text = okr("coach", "answer", "rewrite-14", "--text", "Respond faster to European customers")
    assert text.returncode == 0
    assert "✘ Not quite" in text.stdout and "Still broken: kr-not-measurable" in text.stdout


def test_answer_errors_exit_non_zero_with_a_message(okr: Okr) -> None:
    unknown = okr("coach", "answer", "no-such-exercise", "--choice", "kr-vague")
    assert unknown.returncode != 0
    assert "No exercise 'no-such-exercise'" in unknown.stderr
    assert "Traceback" not in unknown.stderr and unknown.stdout == ""
    empty = okr("coach", "answer", "spot-01")
    assert empty.returncode == 2 and "--choice ID" in empty.stderr
    bad_choice = okr("coach", "answer", "spot-01", "--choice", "CO-1")
    assert bad_choice.returncode == 2 and "not one of the choices" in bad_choice.stderr


def test_progress_before_any_answer(okr: Okr) -> None:
    assert "No answers yet" in okr("coach", "progress").stdout
    assert as_json(okr("coach", "progress", "--format", "json"))["sessions"] == []


def test_workshop_turns_a_flawed_file_into_exercises(okr: Okr) -> None:
    data = as_json(okr("coach", "workshop", str(FLAWED), "--parents", str(QUILL_PARENTS), "--format", "json"))
    rows = data["exercises"]
    assert isinstance(rows, list) and len(rows) >= 8
    by_item = {row["item"]: row for row in rows}
    assert set(by_item["Improve customer satisfaction"]["rules"]) == {"kr-not-measurable", "kr-vague"}
    assert "kr-activity" in by_item["Hire 5 support agents for the Dublin EU shift"]["rules"]
    assert "objective-unknown-parent" in by_item["Continue to maintain our support operations"]["rules"]
    for row in rows:
        assert row["kind"] == "rewrite" and row["rules"] and row["explanation"]
        assert row["item"] in row["prompt"]
        assert not {"set-no-period", "set-objective-count", "objective-kr-count"} & set(row["rules"])
    assert [row["id"] for row in rows] == [f"ws-{i:02d}" for i in range(1, len(rows) + 1)]


def test_workshop_on_a_clean_file_has_nothing_to_practise(okr: Okr) -> None:
    clean = REPO / "knowledge" / "examples" / "quill" / "department-okrs.yaml"
    result = okr("coach", "workshop", str(clean), "--profile", "lenient")
    assert result.returncode == 0
    assert "Nothing to practise" in result.stdout
    payload = json.loads(okr("coach", "workshop", str(clean), "--profile", "lenient", "--format", "json").stdout)
    assert payload["exercises"] == []


def test_workshop_on_a_missing_file_is_an_input_error(okr: Okr, tmp_path: Path) -> None:
    result = okr("coach", "workshop", str(tmp_path / "nope.md"))
    assert result.returncode == 2 and "no such file" in result.stderr
