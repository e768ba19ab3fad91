"""The Knowledge page: strategy documents (upload, remove), parent objectives (import), and search.

Forms post to their own routes and redirect back (POST-redirect-GET), so a reload never repeats an upload.
A failed action renders the page with the error and its status instead.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assistant.api.bodies import format_for_file, parse_okr_data, read_upload
from assistant.api.deps import StoreDep
from assistant.api.rendering import render_page
from assistant.api.routes_knowledge import ingest_upload
from assistant.errors import InputError, OKRError
from assistant.retrieval.models import Hit, KnowledgeStore

router = APIRouter(include_in_schema=False)

NOTICES = {
    "uploaded": "Added {name} to the knowledge base.",
    "removed": "Removed document {name}.",
    "parents": "Imported {name} parent objectives.",
}


def _overview(store: KnowledgeStore, query: str, k: int) -> dict[str, Any]:
    hits: list[Hit] = store.search(query, k=k) if query else []
    return {"documents": store.list_documents(), "parents": store.list_parents(), "hits": hits}


def _render(request: Request, store: KnowledgeStore, *, query: str = "", k: int = 5, notice: str | None = None,
            error: OKRError | None = None, status: int = 200) -> HTMLResponse:
    context: dict[str, Any] = {"query": query, "k": k, "notice": notice, "error": error, "searched": bool(query)}
    try:
        context.update(_overview(store, query, k))
    except OKRError as exc:  # the store itself failed: show that, with its status
        context.update(documents=[], parents=[], hits=[], error=exc)
        status = exc.status
    return render_page(request, "knowledge.html", context, status=status, active="knowledge")


def _back(request: Request, notice: str, name: str) -> RedirectResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(f"{root}/knowledge?{urlencode({'notice': notice, 'name': name})}", status_code=303)


@router.get("/knowledge", response_class=HTMLResponse)
def knowledge_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    notice: Annotated[str, Query(max_length=40)] = "",
    name: Annotated[str, Query(max_length=300)] = "",
) -> HTMLResponse:
    message = NOTICES[notice].format(name=name) if notice in NOTICES and name else None
    return _render(request, store, query=q.strip(), k=k, notice=message)


@router.post("/knowledge/documents", response_class=HTMLResponse)
async def upload_page(request: Request, store: StoreDep) -> Response:
    try:
        data, name = await read_upload(request)
        await run_in_threadpool(ingest_upload, store, data, name)
    except OKRError as exc:
        return await run_in_threadpool(_render, request, store, error=exc, status=exc.status)
    return _back(request, "uploaded", name)


@router.post("/knowledge/documents/{document_id}/remove", response_class=HTMLResponse)
def remove_page(request: Request, store: StoreDep, document_id: Annotated[str, Path(max_length=200)]) -> Response:
    try:
        store.remove_document(document_id)
    except OKRError as exc:
        return _render(request, store, error=exc, status=exc.status)
    return _back(request, "removed", document_id)


@router.post("/knowledge/parents", response_class=HTMLResponse)
async def parents_page(request: Request, store: StoreDep) -> Response:
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    text = str(form.get("text") or "")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
            okr_set = await parse_okr_data(await upload.read(), fmt=format_for_file(name), source=name)
        elif text.strip():
            okr_set = await parse_okr_data(text.encode("utf-8"), fmt=None, source="pasted text")
        else:
            raise InputError("Choose an OKR file of company or department objectives, or paste one.")
        parents = await run_in_threadpool(store.import_parents, okr_set)
    except OKRError as exc:
        return await run_in_threadpool(_render, request, store, error=exc, status=exc.status)
    finally:
        if isinstance(upload, UploadFile):
            await upload.close()
    return _back(request, "parents", str(len(parents)))
