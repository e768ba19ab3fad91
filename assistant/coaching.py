"""Exercises and grading for OKR coaches: the public API behind `okr coach`, the coach API and the Coach page.

    from assistant.coaching import load_exercises, get_exercise, grade, Answer, prompt_json
    exercise = get_exercise("rewrite-01")
    print(prompt_json(exercise).prompt)
    result = grade(exercise, Answer(text="Cut median onboarding time from 19 days to 12 days"))
    result.correct, result.score, result.feedback, result.rules

Exercises live in ``knowledge/exercises/*.yaml`` (see its README). The pieces live in ``assistant.coach``:
``exercises`` (models, loading, the OKR set around an item), ``grading`` (spot, rewrite, align), ``meaning``
(embedding similarity and its calibrated threshold), ``display`` (what the learner sees), ``selection`` (what to
serve next), ``progress`` (the learner's history), ``workshop`` (exercises from a team's own file) and
``terminal`` (the interactive session). Nothing here loads the embedding model until a rewrite is graded.
"""

from __future__ import annotations

from assistant.coach.display import Choice, ExercisePrompt, Presentation, present, prompt_json
from assistant.coach.exercises import Difficulty, Exercise, Kind, Scope, get_exercise, load_exercises
from assistant.coach.grading import Answer, Grade, check_exercise, grade
from assistant.coach.meaning import MEANING_THRESHOLD, calibrate, meaning_similarity
from assistant.coach.progress import Progress, ProgressStore, Summary, progress_report, summarize
from assistant.coach.selection import filter_exercises, next_exercise, session_exercises
from assistant.coach.workshop import WorkshopExercise, workshop_exercises

__all__ = [
    "MEANING_THRESHOLD",
    "Answer",
    "Choice",
    "Difficulty",
    "Exercise",
    "ExercisePrompt",
    "Grade",
    "Kind",
    "Presentation",
    "Progress",
    "ProgressStore",
    "Scope",
    "Summary",
    "WorkshopExercise",
    "answer_exercise",
    "calibrate",
    "check_exercise",
    "filter_exercises",
    "get_exercise",
    "grade",
    "load_exercises",
    "meaning_similarity",
    "next_exercise",
    "present",
    "progress_report",
    "prompt_json",
    "session_exercises",
    "summarize",
    "workshop_exercises",
]


def answer_exercise(exercise_id: str, answer: Answer) -> Grade:
    """Grade ``answer`` to the shipped exercise ``exercise_id``.

    Raises:
        UnknownExercise: no exercise has that id.
        InputError: the answer does not fit the exercise.
    """
    return grade(get_exercise(exercise_id), answer)
