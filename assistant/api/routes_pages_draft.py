"""The Draft page: a form, and the draft with its citations, provenance tags, findings and score.

Without JavaScript the form posts to ``/draft`` and the page comes back with the result. With it, ``app.js``
posts the same form to ``/draft/stream`` and shows each objective as it is drafted (server-rendered fragments
over server-sent events), then the full result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from assistant.api.deps import LLMDep, StoreDep, resources
from assistant.api.rendering import base_context, render_fragment, render_page
from assistant.api.routes_drafts import drafter
from assistant.api.streaming import (
    STREAM_HEADERS,
    EventHandler,
    Failed,
    Finished,
    KeepAlive,
    Progress,
    draft_stream,
    keepalive_frame,
    sse,
)
from assistant.api.views import draft_view, score_band
from assistant.errors import InputError, OKRError
from assistant.okr import DraftRequest, DraftResult
from assistant.policy import PROFILES
from assistant.retrieval.models import KnowledgeStore

router = APIRouter(include_in_schema=False)

FIELDS = ("team", "mission", "focus", "maturity", "capacity", "period", "objectives", "profile")


def _form_values(form: FormData | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {name: "" for name in FIELDS}
    values.update(maturity="established", profile="default", parents=[])
    if form is not None:
        for name in FIELDS:
            values[name] = str(form.get(name) or values[name]).strip()
        values["parents"] = [str(p) for p in form.getlist("parents") if str(p).strip()]
    return values


def _draft_request(values: dict[str, Any]) -> DraftRequest:
    """The DraftRequest the form describes; raises ``InputError`` naming the first field that is wrong."""
    fields: dict[str, Any] = {
        "team": values["team"],
        "mission": values["mission"],
        "focus": [line.strip() for line in values["focus"].splitlines() if line.strip()],
        "maturity": values["maturity"] or "established",
        "capacity": values["capacity"] or None,
        "period": values["period"] or None,
        "parents": values["parents"],
        "objectives": int(values["objectives"]) if values["objectives"].isdigit() else None,
    }
    try:
        return DraftRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"][:1]) or "form"
        raise InputError(f"{field.capitalize()}: {first['msg']}.") from None


def _parents(store: KnowledgeStore) -> tuple[list[Any], str | None]:
    try:
        return store.list_parents(), None
    except OKRError as exc:
        return [], exc.message


def _page(request: Request, store: KnowledgeStore, values: dict[str, Any], *, result: DraftResult | None = None,
          error: OKRError | None = None, status: int = 200) -> HTMLResponse:
    parents, store_error = _parents(store)
    context = {
        "form": values, "profiles": sorted(PROFILES), "parents": parents, "store_error": store_error,
        "result": result, "view": draft_view(result) if result else None,
        "band": score_band(result.score) if result else "", "error": error,
    }
    return render_page(request, "draft.html", context, status=status, active="draft")


@router.get("/draft", response_class=HTMLResponse)
def draft_page(request: Request, store: StoreDep) -> HTMLResponse:
    return _page(request, store, _form_values())


@router.post("/draft", response_class=HTMLResponse)
async def draft_submit(request: Request, store: StoreDep, llm: LLMDep) -> HTMLResponse:
    values = _form_values(await request.form(max_files=0, max_fields=200))
    try:
        policy = resources(request).policy(values["profile"])
        run = drafter(_draft_request(values), llm=llm, store=store, policy=policy)
        result = await run_in_threadpool(run, None)
    except OKRError as exc:
        return await run_in_threadpool(_page, request, store, values, error=exc, status=exc.status)
    return await run_in_threadpool(_page, request, store, values, result=result)


@router.post("/draft/stream")
async def draft_stream_page(request: Request, store: StoreDep, llm: LLMDep) -> Response:
    """The draft as server-sent events carrying rendered HTML; a form error answers the page (no stream)."""
    values = _form_values(await request.form(max_files=0, max_fields=200))
    try:
        policy = resources(request).policy(values["profile"])
        run = drafter(_draft_request(values), llm=llm, store=store, policy=policy)
    except OKRError as exc:
        return await run_in_threadpool(_page, request, store, values, error=exc, status=exc.status)
    return StreamingResponse(_page_events(request, run), media_type="text/event-stream", headers=STREAM_HEADERS)


async def _page_events(request: Request, run: Callable[[EventHandler], DraftResult]) -> AsyncIterator[bytes]:
    base = base_context(request.scope)
    async for item in draft_stream(run):
        if isinstance(item, Progress):
            event = item.event
            data: dict[str, Any] = {"message": event.message, "index": event.index}
            if event.kind == "objective" and event.objective is not None:
                data["html"] = render_fragment("_draft_objective.html", {
                    **base, "objective": event.objective, "number": (event.index or 0) + 1,
                })
            yield sse(event.kind, data)
        elif isinstance(item, Finished):
            result = item.result
            html = render_fragment("_draft_result.html", {
                **base, "result": result, "view": draft_view(result), "band": score_band(result.score),
            })
            yield sse("result", {"html": html})
        elif isinstance(item, Failed):
            html = render_fragment("_alert.html", {**base, "error": item.error})
            yield sse("error", {"html": html, "error": {"code": item.error.code, "message": item.error.message}})
        elif isinstance(item, KeepAlive):
            yield keepalive_frame()
