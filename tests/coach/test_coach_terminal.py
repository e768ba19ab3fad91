"""The interactive coach driven for real in a pseudo-terminal (pexpect): type answers, read the feedback."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pexpect
import pytest
from testkit import REPO, Okr, as_json, okr_env

from assistant.coaching import get_exercise

HEADER = re.compile(r"Exercise (\d+)/(\d+) · (\w+) · (\w+) · ([a-z0-9-]+)")


def spawn(data_dir: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable, ["-m", "assistant", "coach", *args], cwd=str(REPO), env=okr_env(data_dir),
        encoding="utf-8", timeout=90, dimensions=(50, 200),
    )
    return child


def next_exercise_id(child: pexpect.spawn) -> str:
    child.expect(HEADER)
    return str(child.match.group(5))


def words(phrase: str) -> str:
    """A pattern for ``phrase`` that survives the terminal's line wrapping (a break and an indent between words)."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_two_sessions_with_feedback_summary_and_progress(data_dir: Path, okr: Okr) -> None:
    # session 1: one right, one wrong
    child = spawn(data_dir, "-n", "2", "--kind", "spot", "--seed", "3")
    child.expect("2 exercises")
    first = get_exercise(next_exercise_id(child))
    child.expect("Which rules does this")
    child.expect("Your answer")
    child.sendline("9")  # not a choice: asked again, nothing graded
    child.expect("is not one of the choices")
    child.expect("Your answer")
    child.sendline(" ".join(first.rules))
    child.expect("✔ Correct · score 1.00")
    child.expect("Why: ")
    second = get_exercise(next_exercise_id(child))
    child.expect("Your answer")
    child.sendline(second.distractors[0])
    child.expect("✘ Not quite · score 0.00")
    child.expect(words(f"Not broken here: {second.distractors[0]}"))
    child.expect("Session summary")
    child.expect(r"1 of 2 correct \(50%\)")
    child.expect("Accuracy per rule")
    child.expect(f"read: okr rules {second.rules[0]}")
    assert finish(child) == 0

    # session 2: both right, compared with the first
    child = spawn(data_dir, "-n", "2", "--kind", "spot", "--seed", "4")
    for _ in range(2):
        exercise = get_exercise(next_exercise_id(child))
        assert exercise.id not in {first.id}  # solved exercises wait until unseen ones run out
        child.expect("Your answer")
        child.sendline(", ".join(exercise.rules))
        child.expect("✔ Correct")
    child.expect(r"2 of 2 correct \(100%\)")
    child.expect(r"All earlier answers: 50% correct; this session: 100%")
    assert finish(child) == 0

    report = as_json(okr("coach", "progress", "--format", "json"))
    sessions = report["sessions"]
    assert isinstance(sessions, list) and len(sessions) == 2
    assert [s["accuracy"] for s in sessions] == [0.5, 1.0]
    assert report["trend"] == 0.5
    text = okr("coach", "progress").stdout
    assert "Accuracy up 50% from the first session to the latest." in text


def test_rewrite_skip_and_quit_keep_what_was_answered(data_dir: Path, okr: Okr) -> None:
    child = spawn(data_dir, "-n", "3", "--kind", "rewrite", "--rule", "kr-activity", "--seed", "1")
    exercise = get_exercise(next_exercise_id(child))
    child.expect(words("Rewrite it so it keeps its meaning"))
    child.expect("Your rewrite")
    child.sendline(exercise.rewrites[1])
    child.expect("✔ Correct · score 1.00")
    child.expect("Well done")
    next_exercise_id(child)
    child.expect("Your rewrite")
    child.sendline("s")
    child.expect("Skipped. One answer:")
    next_exercise_id(child)
    child.expect("Your rewrite")
    child.sendline("q")
    child.expect("Stopping here.")
    child.expect(r"1 of 1 correct \(100%\), mean score 1.00, 1 skipped")
    assert finish(child) == 0
    report = as_json(okr("coach", "progress", "--format", "json"))
    assert report["answered"] == 1
    for rule in exercise.rules:
        assert report["rules"][rule] == {
            "attempts": 1, "correct": 1, "accuracy": 1.0, "first": 1.0, "latest": 1.0}


def test_a_wrong_rewrite_gets_the_validator_feedback(data_dir: Path) -> None:
    child = spawn(data_dir, "-n", "1", "--kind", "rewrite", "--rule", "kr-compound", "--difficulty", "hard")
    assert next_exercise_id(child) == "rewrite-17"
    child.expect("Your rewrite")
    child.sendline("Raise schedule acceptance from 48% to 65% and cut manual edits per schedule from 14 to 6 soon")
    child.expect("✘ Not quite")
    child.expect(words("Still broken: kr-compound"))
    child.expect(words("okr rules kr-compound"))
    child.expect("Practise next: okr coach --rule kr-compound")
    assert finish(child) == 0


def test_a_set_is_typed_line_by_line(data_dir: Path) -> None:
    child = spawn(data_dir, "-n", "1", "--kind", "rewrite", "--rule", "objective-kr-count")
    assert next_exercise_id(child) == "rewrite-36"
    child.expect("line by line; an empty line ends it")
    child.expect("Your rewrite")
    lines = get_exercise("rewrite-36").rewrites[1].strip().splitlines()
    for line in lines:
        child.sendline(line)
    child.sendline("")
    child.expect("✔ Correct")
    assert finish(child) == 0


def test_ctrl_d_ends_the_session_and_keeps_the_answers_given(data_dir: Path) -> None:
    child = spawn(data_dir, "-n", "3", "--kind", "align", "--seed", "2")
    exercise = get_exercise(next_exercise_id(child))
    child.expect("Your answer")
    assert exercise.answer is not None
    child.sendline(f"{exercise.answer.parent} {exercise.answer.type.value}")
    child.expect("✔ Correct")
    next_exercise_id(child)
    child.expect("Your answer")
    child.sendeof()
    child.expect("Aborted.")
    assert finish(child) == 130
    progress = json.loads((data_dir / "coach" / "progress.json").read_text(encoding="utf-8"))
    assert [a["exercise"] for s in progress["sessions"] for a in s["answers"]] == [exercise.id]


def test_fewer_matches_than_asked_for_is_said(data_dir: Path) -> None:
    child = spawn(data_dir, "-n", "5", "--kind", "rewrite", "--rule", "kr-wrong-direction")
    child.expect("Only 2 exercises match")
    child.expect("2 exercises")
    child.expect("Your rewrite")
    child.sendline("q")
    assert finish(child) == 0


@pytest.mark.parametrize("args", [["--rule", "kr-nonsense"], ["--kind", "align", "--rule", "set-no-period"]])
def test_a_session_that_cannot_start_says_why(okr: Okr, args: list[str]) -> None:
    result = okr("coach", *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "No rule 'kr-nonsense'" in result.stderr or "No exercise matches" in result.stderr
