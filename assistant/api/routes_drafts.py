"""``/api/v1/drafts`` and ``/api/v1/drafts/stream``: the drafter over HTTP (JSON, or server-sent events)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import LLMDep, PolicyDep, StoreDep
from assistant.api.errors import error_responses
from assistant.api.streaming import (
    STREAM_HEADERS,
    EventHandler,
    Failed,
    Finished,
    KeepAlive,
    Progress,
    draft_stream,
    error_data,
    keepalive_frame,
    sse,
)
from assistant.drafting import draft_okrs, objective_count
from assistant.llm.base import ChatBackend
from assistant.okr import DraftRequest, DraftResult
from assistant.policy import Policy
from assistant.retrieval.models import KnowledgeStore

router = APIRouter(prefix="/api/v1", tags=["drafts"])

DRAFT_ERRORS = error_responses(400, 404, 413, 422, 502, 503, 504)

STREAM_DOC = """Server-sent events (`text/event-stream`), in order:

* `step`, `objective`, `repair`: one per progress event, data = the DraftEvent as JSON
  (`{"kind", "message", "index", "objective"}`; an `objective` event carries the objective just drafted);
* then either `result` (data = the DraftResult, as `POST /drafts` returns it)
  or `error` (data = `{"error": {"code", "message"}}`: the draft failed and is not complete).

Lines starting with `:` are keep-alive comments."""


def drafter(
    request: DraftRequest, *, llm: ChatBackend, store: KnowledgeStore, policy: Policy
) -> Callable[[EventHandler | None], DraftResult]:
    """The draft to run, bound to its dependencies; checks the objective count first (400 before any work)."""
    objective_count(request, policy)

    def run(on_event: EventHandler | None) -> DraftResult:
        return draft_okrs(request, llm=llm, store=store, policy=policy, on_event=on_event)

    return run


@router.post("/drafts", summary="Draft team OKRs", response_model=DraftResult, responses=DRAFT_ERRORS)
async def create_draft(body: DraftRequest, llm: LLMDep, store: StoreDep, policy: PolicyDep) -> Response:
    """Draft OKRs for a team: aligned to parent objectives, citing the strategy passages they rest on. The JSON
    is what `okr draft --format json` prints."""
    run = drafter(body, llm=llm, store=store, policy=policy)
    result = await run_in_threadpool(run, None)
    return Response(result.model_dump_json(), media_type="application/json")


@router.post(
    "/drafts/stream",
    summary="Draft team OKRs, streamed",
    description=STREAM_DOC,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/DraftStreamEvent"}}},
                     "description": "The draft's events, one DraftStreamEvent each."}, **DRAFT_ERRORS},
)
async def stream_draft(body: DraftRequest, llm: LLMDep, store: StoreDep, policy: PolicyDep) -> StreamingResponse:
    run = drafter(body, llm=llm, store=store, policy=policy)
    return StreamingResponse(api_events(run), media_type="text/event-stream", headers=STREAM_HEADERS)


async def api_events(run: Callable[[EventHandler], DraftResult]) -> AsyncIterator[bytes]:
    async for item in draft_stream(run):
        if isinstance(item, Progress):
            yield sse(item.event.kind, item.event.model_dump(mode="json", exclude={"result"}))
        elif isinstance(item, Finished):
            yield sse("result", item.result.model_dump(mode="json"))
        elif isinstance(item, Failed):
            yield sse("error", error_data(item.error))
        elif isinstance(item, KeepAlive):
            yield keepalive_frame()
