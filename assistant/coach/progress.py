"""A learner's progress: every graded answer, grouped by session, in ``<data dir>/coach/progress.json``.

The file is rewritten atomically (a temporary file in the same directory, then ``os.replace``) under an
advisory lock, so an interrupted session or two terminals at once never leave half a file. A damaged file is
moved aside (``progress.json.damaged``) and the learner starts afresh, with a warning rather than a crash.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from assistant.errors import ConfigError
from assistant.review.catalogue import CATALOGUE

_ORDER = {rule.id: i for i, rule in enumerate(CATALOGUE)}


class AnswerRecord(BaseModel):
    exercise: str
    kind: str
    rules: list[str]
    correct: bool
    score: float
    per_rule: dict[str, bool] = Field(default_factory=dict)
    at: datetime


class SessionRecord(BaseModel):
    id: str
    mode: str  # "session" (interactive), "answers" (okr coach answer), "workshop"
    started: datetime
    answers: list[AnswerRecord] = Field(default_factory=list)


class Progress(BaseModel):
    version: int = 1
    sessions: list[SessionRecord] = Field(default_factory=list)

    def answers(self) -> Iterator[AnswerRecord]:
        for session in self.sessions:
            yield from session.answers

    def solved(self) -> set[str]:
        return {a.exercise for a in self.answers() if a.correct}

    def attempts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in self.answers():
            counts[a.exercise] = counts.get(a.exercise, 0) + 1
        return counts


class RuleTally(BaseModel):
    rule: str
    attempts: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


class Summary(BaseModel):
    """Accuracy over some answers: overall and per rule."""

    answered: int
    correct: int
    accuracy: float
    score: float  # mean score
    rules: list[RuleTally]


def summarize(answers: Sequence[AnswerRecord]) -> Summary:
    tallies: dict[str, RuleTally] = {}
    for a in answers:
        for rule, right in (a.per_rule or dict.fromkeys(a.rules, a.correct)).items():
            tally = tallies.setdefault(rule, RuleTally(rule=rule))
            tally.attempts += 1
            tally.correct += int(right)
    n = len(answers)
    correct = sum(1 for a in answers if a.correct)
    return Summary(
        answered=n,
        correct=correct,
        accuracy=round(correct / n, 3) if n else 0.0,
        score=round(sum(a.score for a in answers) / n, 3) if n else 0.0,
        rules=sorted(tallies.values(), key=lambda t: _ORDER.get(t.rule, 99)),
    )


def progress_report(progress: Progress) -> dict[str, object]:
    """The JSON of ``okr coach progress``: each session's accuracy, and each rule's first vs latest accuracy."""
    sessions = []
    for s in progress.sessions:
        if not s.answers:
            continue
        summary = summarize(s.answers)
        sessions.append({"id": s.id, "mode": s.mode, "started": s.started.isoformat(timespec="seconds"),
                         "answered": summary.answered, "correct": summary.correct,
                         "accuracy": summary.accuracy, "score": summary.score})
    per_rule: dict[str, dict[str, object]] = {}
    overall = summarize(list(progress.answers()))
    for tally in overall.rules:
        by_session = [
            t for s in progress.sessions if s.answers for t in summarize(s.answers).rules if t.rule == tally.rule
        ]
        per_rule[tally.rule] = {
            "attempts": tally.attempts,
            "correct": tally.correct,
            "accuracy": round(tally.accuracy, 3),
            "first": round(by_session[0].accuracy, 3),
            "latest": round(by_session[-1].accuracy, 3),
        }
    trend = None
    if len(sessions) >= 2:
        trend = round(float(str(sessions[-1]["accuracy"])) - float(str(sessions[0]["accuracy"])), 3)
    return {
        "sessions": sessions,
        "answered": overall.answered,
        "correct": overall.correct,
        "accuracy": overall.accuracy,
        "exercises_solved": len(progress.solved()),
        "trend": trend,
        "rules": per_rule,
    }


class ProgressStore:
    """Reads and appends to ``<data_dir>/coach/progress.json``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "coach" / "progress.json"
        self.warning: str | None = None

    def load(self) -> Progress:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Progress()
        except OSError as exc:
            raise ConfigError(f"Cannot read the coach progress file {self.path}: {exc.strerror or exc}.") from None
        try:
            return Progress.model_validate(json.loads(raw))
        except (ValueError, ValidationError):
            damaged = self.path.with_name(self.path.name + ".damaged")
            with contextlib.suppress(OSError):
                os.replace(self.path, damaged)
            self.warning = (f"The coach progress file was damaged and has been moved to {damaged}; "
                            "progress starts afresh.")
            return Progress()

    def record(self, session_id: str, mode: str, answers: Iterable[AnswerRecord]) -> Progress:
        """Append ``answers`` to session ``session_id`` (created on first use) and save; returns the progress."""
        with self._locked():
            progress = self.load()
            session = next((s for s in progress.sessions if s.id == session_id), None)
            if session is None:
                session = SessionRecord(id=session_id, mode=mode, started=now())
                progress.sessions.append(session)
            session.answers.extend(answers)
            self._write(progress)
            return progress

    def _write(self, progress: Progress) -> None:
        data = progress.model_dump_json(indent=1)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise ConfigError(
                f"Cannot save coach progress to {self.path}: {exc.strerror or exc}. Check that the data directory "
                "is writable, or choose another with --data-dir."
            ) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # Windows: atomic replace alone
            yield
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path.with_name(".progress.lock"), "a")  # noqa: SIM115 - held for the block
        except OSError as exc:
            raise ConfigError(f"Cannot write to {self.path.parent}: {exc.strerror or exc}.") from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def now() -> datetime:
    return datetime.now(UTC)


def new_session_id(mode: str) -> str:
    stamp = now().strftime("%Y%m%dT%H%M%S")
    return f"{mode}-{stamp}-{os.urandom(2).hex()}"


def record_of(exercise_id: str, kind: str, rules: Sequence[str], *, correct: bool, score: float,
              per_rule: dict[str, bool]) -> AnswerRecord:
    return AnswerRecord(exercise=exercise_id, kind=kind, rules=list(rules), correct=correct, score=score,
                        per_rule=per_rule, at=now())
