"""The coach over HTTP: ``GET /api/v1/coach/exercises/next``, ``POST /api/v1/coach/answers`` and the Coach page.

``api_router`` is mounted under ``/api/v1`` and ``page_router`` at the root by ``assistant.api.coach``. The JSON is
what `okr coach next --format json` and `okr coach answer --format json` print. The page works without
JavaScript: plain forms, and a session kept in the data directory under a random id held in a cookie.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import SettingsDep
from assistant.api.errors import error_responses
from assistant.api.rendering import render_page
from assistant.coach.display import ExercisePrompt, present, prompt_json
from assistant.coach.exercises import get_exercise, load_exercises
from assistant.coach.grading import Answer, grade
from assistant.coach.selection import filter_exercises, next_exercise
from assistant.coach.websession import Filters, WebSession, WebSessions, answer_from_form
from assistant.errors import InputError, OKRError
from assistant.review.catalogue import CATALOGUE

api_router = APIRouter(tags=["coach"])
page_router = APIRouter(include_in_schema=False)

COOKIE = "okr_coach"
KindParam = Annotated[Literal["spot", "rewrite", "align"] | None, Query(description="Only this kind of exercise.")]
DifficultyParam = Annotated[Literal["easy", "medium", "hard"] | None, Query(description="Only this difficulty.")]
RuleParam = Annotated[str | None, Query(max_length=100, description="Only exercises on this rule id.")]


class AnswerBody(BaseModel):
    """An answer: choice ids (spot, align) or a text (rewrite)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100, description="The exercise id, from `exercises/next`.")
    choices: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=40, description="Choice ids: rule ids (spot), or a parent id and a type "
        "(align: e.g. [\"CO-2\", \"directional\"]).")
    text: str | None = Field(default=None, max_length=8000, description="The rewrite (rewrite exercises).")


class GradeOut(BaseModel):
    """The grading JSON, as `okr coach answer --format json` prints it."""

    correct: bool
    score: float = Field(ge=0, le=1)
    feedback: str
    rules: list[str]


@api_router.get("/coach/exercises/next", summary="The next exercise", response_model=ExercisePrompt,
                responses=error_responses(400, 404, 422))
def next_exercise_route(
    rule: RuleParam = None, kind: KindParam = None, difficulty: DifficultyParam = None,
    exclude: Annotated[str | None, Query(max_length=4000, description="Comma-separated ids already done.")] = None,
) -> ExercisePrompt:
    """An exercise matching the filters that is not in ``exclude`` (all of them once every one is excluded):
    easiest first, in file order. Answer it with ``POST /api/v1/coach/answers``."""
    candidates = filter_exercises(load_exercises(), rule=rule, kind=kind, difficulty=difficulty)
    done = {part.strip() for part in (exclude or "").split(",") if part.strip()}
    fresh = [e for e in candidates if e.id not in done] or candidates
    return prompt_json(next_exercise(fresh))


@api_router.get("/coach/exercises/{exercise_id}", summary="One exercise", response_model=ExercisePrompt,
                responses=error_responses(404, 422))
def get_exercise_route(exercise_id: Annotated[str, Path(max_length=100)]) -> ExercisePrompt:
    """The exercise with this id, in the same shape as ``exercises/next``."""
    return prompt_json(get_exercise(exercise_id))


@api_router.post("/coach/answers", summary="Grade an answer", response_model=GradeOut,
                 responses=error_responses(400, 404, 413, 422))
def answer_route(body: AnswerBody) -> GradeOut:
    """Grade an answer: spot by the rule ids chosen (partial credit), rewrite by the validator and by meaning,
    align by parent and alignment type. Not recorded anywhere: the API keeps no learner state."""
    result = grade(get_exercise(body.id), Answer(choices=body.choices, text=body.text))
    return GradeOut(correct=result.correct, score=result.score, feedback=result.feedback, rules=result.rules)


# --- the Coach page ----------------------------------------------------------------------------------------

def _sessions(settings: SettingsDep) -> WebSessions:
    return WebSessions(settings.data_dir)


@page_router.get("/coach", response_class=HTMLResponse)
def coach_page(request: Request, settings: SettingsDep, new: Annotated[bool, Query()] = False) -> HTMLResponse:
    """The current exercise (or its feedback), the summary of a finished session, or the start form."""
    session = None if new else _sessions(settings).load(request.cookies.get(COOKIE))
    return _render(request, session)


@page_router.post("/coach", response_class=HTMLResponse)
async def coach_submit(request: Request, settings: SettingsDep) -> Response:
    """One form for every step: start, answer, skip, next, end. Redirects back to the page (post/redirect/get)
    except when the answer needs correcting, which re-renders the exercise with the message."""
    form = await request.form(max_files=0, max_fields=60)
    action = str(form.get("action") or "")
    sessions = _sessions(settings)
    session = sessions.load(request.cookies.get(COOKIE))
    if action == "start":
        try:
            filters = Filters(
                count=_int(form.get("count"), 5), rule=_opt(form.get("rule")), kind=_opt(form.get("kind")),
                difficulty=_opt(form.get("difficulty")),
            )
            session = sessions.start(filters)
        except (OKRError, ValueError) as exc:
            message = exc.message if isinstance(exc, OKRError) else "Choose between 1 and 20 exercises."
            return _render(request, None, error=message, status=400)
        response = RedirectResponse(f"{_root(request)}/coach", status_code=303)
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="lax", max_age=7 * 24 * 3600,
                            path=f"{_root(request)}/coach")
        return response
    if session is None:
        return _render(request, None, error="Your coach session has expired. Start a new one below.", status=400)
    if action == "answer":
        exercise = session.current()
        if exercise is not None:
            choices = [str(v) for v in form.getlist("choice")] + [str(v) for v in form.getlist("type")]
            text = form.get("text")
            try:
                answer = answer_from_form(exercise, choices, str(text) if text is not None else None)
                sessions.answer(session, str(form.get("exercise") or ""), answer)
            except InputError as exc:
                return _render(request, session, error=exc.message, status=400,
                               draft={"choices": choices, "text": str(text or "")})
    elif action in ("next", "skip"):
        sessions.advance(session, skip=action == "skip")
    elif action == "end":
        sessions.end(session)
    return RedirectResponse(f"{_root(request)}/coach", status_code=303)


def _render(request: Request, session: WebSession | None, *, error: str | None = None, status: int = 200,
            draft: dict[str, Any] | None = None) -> HTMLResponse:
    context: dict[str, Any] = {
        "session": session, "error": error, "rules": [r.id for r in CATALOGUE], "draft": draft or {},
        "exercise": None, "view": None, "given": None, "summary": None, "feedback": [],
    }
    if session is not None and not session.done:
        exercise = session.current()
        context["exercise"] = exercise
        context["view"] = present(exercise) if exercise is not None else None
        context["given"] = given = session.current_answer()
        if given is not None:
            context["feedback"] = feedback_lines(given.feedback)
    elif session is not None:
        context["summary"] = session.summary()
    return render_page(request, "coach.html", context, status=status, active="coach")


_CITE = re.compile(r"`okr rules ([a-z-]+)` or /rules/([a-z-]+)")


def feedback_lines(feedback: str) -> list[list[tuple[str, str | None]]]:
    """Feedback lines as (text, rule id) segments, so the page can link each cited rule to its page."""
    lines: list[list[tuple[str, str | None]]] = []
    for line in feedback.splitlines():
        parts: list[tuple[str, str | None]] = []
        last = 0
        for match in _CITE.finditer(line):
            parts.append((line[last:match.start()], None))
            parts.append((match.group(1), match.group(1)))
            last = match.end()
        parts.append((line[last:], None))
        lines.append([p for p in parts if p[0]])
    return lines


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _opt(value: object) -> str | None:
    text = str(value or "").strip()
    return text or None


def _int(value: object, default: int) -> int:
    try:
        return int(str(value)) if value not in (None, "") else default
    except ValueError:
        raise ValueError("not a number") from None
