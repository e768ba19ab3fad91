"""``/healthz`` (the process answers) and ``/readyz`` (the store answers and a model backend is configured)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import resources
from assistant.api.rendering import app_version
from assistant.api.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> Health:
    """Answers as long as the process serves requests; checks nothing else."""
    return Health(version=app_version())


@router.get(
    "/readyz", summary="Readiness", response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready: the store or the backend says why."}},
)
async def readyz(request: Request) -> JSONResponse:
    """Ready when the knowledge base answers and a model backend is configured; says which, or why not."""
    app_resources = resources(request)
    store = await run_in_threadpool(app_resources.probe_store)
    backend = await run_in_threadpool(app_resources.probe_llm)
    ready = store.ready and backend.ready
    body = Readiness(status="ready" if ready else "not_ready", store=store, backend=backend)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503)
