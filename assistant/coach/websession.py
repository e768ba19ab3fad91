"""The Coach page's sessions: which exercises, where the learner is, and the answers so far.

A session is a small JSON file in ``<data dir>/coach/web/<id>.json``; the browser holds only the random id (in a
cookie), so the page works without JavaScript and a reload never loses or repeats an answer. Sessions older than a
week are removed when a new one starts.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from assistant.coach.exercises import Exercise, get_exercise, load_exercises
from assistant.coach.grading import Answer, Grade, grade
from assistant.coach.progress import AnswerRecord, Summary, now, record_of, summarize
from assistant.coach.selection import filter_exercises, session_exercises
from assistant.errors import ConfigError, InputError

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE_SECONDS = 7 * 24 * 3600


class Filters(BaseModel):
    count: int = Field(default=5, ge=1, le=20)
    rule: str | None = None
    kind: str | None = None
    difficulty: str | None = None


class GivenAnswer(BaseModel):
    exercise: str
    choices: list[str] = Field(default_factory=list)
    text: str | None = None
    correct: bool
    score: float
    feedback: str
    rules: list[str]
    per_rule: dict[str, bool] = Field(default_factory=dict)


class WebSession(BaseModel):
    id: str
    created: datetime
    filters: Filters
    exercises: list[str]
    position: int = 0
    answers: list[GivenAnswer] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.position >= len(self.exercises)

    def current(self) -> Exercise | None:
        return None if self.done else get_exercise(self.exercises[self.position])

    def current_answer(self) -> GivenAnswer | None:
        """The answer to the current exercise, once given (the page then shows its feedback)."""
        if self.done:
            return None
        wanted = self.exercises[self.position]
        return next((a for a in reversed(self.answers) if a.exercise == wanted), None)

    def summary(self) -> Summary:
        records: list[AnswerRecord] = [
            record_of(a.exercise, get_exercise(a.exercise).kind.value, a.rules, correct=a.correct, score=a.score,
                      per_rule=a.per_rule)
            for a in self.answers
        ]
        return summarize(records)


class WebSessions:
    """Creates, loads and saves the page's sessions under ``<data_dir>/coach/web``."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "coach" / "web"

    def start(self, filters: Filters) -> WebSession:
        """A new session of ``filters.count`` exercises matching the filters (InputError if none match)."""
        candidates = filter_exercises(load_exercises(), rule=filters.rule, kind=filters.kind,
                                      difficulty=filters.difficulty)
        chosen = session_exercises(candidates, filters.count)
        session = WebSession(id=secrets.token_urlsafe(24), created=now(), filters=filters,
                             exercises=[e.id for e in chosen])
        self._prune()
        self.save(session)
        return session

    def load(self, session_id: str | None) -> WebSession | None:
        """The session with this id, or None when the id is missing, malformed, expired or unreadable."""
        if not session_id or not SESSION_ID.match(session_id):
            return None
        try:
            return WebSession.model_validate_json(self._path(session_id).read_text(encoding="utf-8"))
        except (OSError, ValueError, ValidationError):
            return None

    def answer(self, session: WebSession, exercise_id: str, answer: Answer) -> GivenAnswer:
        """Grade ``answer`` to the current exercise and keep it. A repeated post of the same answer (a reload)
        returns the stored grade instead of grading twice.

        Raises:
            InputError: the exercise is not the current one, or the answer does not fit it.
        """
        current = session.current()
        if current is None or current.id != exercise_id:
            raise InputError("That exercise is no longer the current one: the page shows where you are now.")
        given = session.current_answer()
        if given is not None:
            return given
        result: Grade = grade(current, answer)
        given = GivenAnswer(exercise=current.id, choices=answer.choices, text=answer.text, correct=result.correct,
                            score=result.score, feedback=result.feedback, rules=result.rules,
                            per_rule=result.per_rule)
        session.answers.append(given)
        self.save(session)
        return given

    def advance(self, session: WebSession, *, skip: bool = False) -> None:
        if session.done:
            return
        if skip and session.current_answer() is None:
            session.skipped.append(session.exercises[session.position])
        session.position += 1
        self.save(session)

    def end(self, session: WebSession) -> None:
        session.position = len(session.exercises)
        self.save(session)

    def save(self, session: WebSession) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".session-", suffix=".json", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(session.model_dump_json())
                os.replace(tmp, self._path(session.id))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise ConfigError(
                f"Cannot save the coach session in {self.folder}: {exc.strerror or exc}. "
                "Check that the data directory is writable."
            ) from None

    def _path(self, session_id: str) -> Path:
        return self.folder / f"{session_id}.json"

    def _prune(self) -> None:
        cutoff = time.time() - MAX_AGE_SECONDS
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.json"):
                with contextlib.suppress(OSError):
                    if path.stat().st_mtime < cutoff:
                        path.unlink()


def answer_from_form(exercise: Exercise, choices: list[str], text: str | None) -> Answer:
    """The page's form fields as an answer; an align answer comes as two radio groups."""
    if exercise.kind.value != "rewrite":
        picked = [c for c in choices if c]
        if not picked:
            raise InputError("Choose an answer before checking it." if exercise.kind.value == "spot"
                             else "Choose a parent and an alignment type before checking.")
        return Answer(choices=picked)
    if not (text or "").strip():
        raise InputError(f"Write your rewrite of the {exercise.item_label} in the box before checking it.")
    return Answer(text=text)
