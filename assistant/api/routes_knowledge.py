"""``/api/v1/documents``, ``/search`` and ``/parents``: the knowledge base over HTTP."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from assistant.api.bodies import okr_request_body, okr_set_from_request, read_upload
from assistant.api.deps import StoreDep
from assistant.api.errors import error_responses
from assistant.api.schemas import DocumentRemoval, DocumentUpload
from assistant.errors import ParseError, UnsupportedFormat
from assistant.okr import Level, OKRSet, Parent
from assistant.retrieval.models import DocumentInfo, Hit, KnowledgeStore

router = APIRouter(prefix="/api/v1", tags=["knowledge"])

DocumentId = Annotated[str, Path(max_length=200, description="A document id, as GET /documents lists them.")]

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary",
                                            "description": "A strategy document: .md, .txt, .pdf, .docx or .html."}},
                }
            }
        },
    }
}


@router.get("/documents", summary="List the stored documents", responses=error_responses(503))
def list_documents(store: StoreDep) -> list[DocumentInfo]:
    """The ingested strategy documents, with their ids and passage counts."""
    return store.list_documents()


@router.post(
    "/documents", status_code=201, summary="Upload a strategy document",
    responses=error_responses(400, 413, 415, 422, 503), openapi_extra=UPLOAD_BODY,
)
async def upload_document(request: Request, store: StoreDep) -> DocumentUpload:
    """Ingest one document, as `okr ingest` does; it is known by its file name, and uploading a file with the
    same name again replaces it. Unsupported file types answer 415."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedFormat("Upload the document as multipart/form-data, in a field named 'file'.")
    data, name = await read_upload(request)
    return await run_in_threadpool(ingest_upload, store, data, name)


def ingest_upload(store: KnowledgeStore, data: bytes, name: str) -> DocumentUpload:
    """Ingest uploaded bytes under the upload's file name (through a private temporary file).

    Raises:
        UnsupportedFormat: no loader reads this file type (415), checked before any work.
        ParseError: the document could not be read (422), with the loader's reason.
    """
    from assistant.retrieval.loaders import document_format

    document_format(FilePath(name))
    with tempfile.TemporaryDirectory(prefix="okr-upload-") as folder:
        path = FilePath(folder) / f"upload{FilePath(name).suffix.lower()}"
        path.write_bytes(data)
        summary = store.ingest_file(path, name=name)
    if summary.skipped:
        raise ParseError(summary.skipped[0].reason, source=name)
    documents = [doc for doc in store.list_documents() if doc.document == name]
    return DocumentUpload(summary=summary, documents=documents)


@router.delete("/documents/{document_id}", summary="Remove a document", responses=error_responses(404, 422, 503))
def remove_document(document_id: DocumentId, store: StoreDep) -> DocumentRemoval:
    """Remove a document and all its passages."""
    return DocumentRemoval(id=document_id, passages_removed=store.remove_document(document_id))


@router.get("/search", summary="Search the documents", responses=error_responses(422, 503))
def search(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="What to look for, in plain words.")],
    k: Annotated[int, Query(ge=1, le=50, description="How many passages.")] = 5,
) -> list[Hit]:
    """The ``k`` passages closest in meaning to ``q``, best first."""
    return store.search(q, k=k)


@router.get("/parents", summary="List the parent objectives", responses=error_responses(503))
def list_parents(store: StoreDep) -> list[Parent]:
    """The company and department objectives team OKRs can align to, with their key results."""
    return store.list_parents()


@router.post(
    "/parents", status_code=201, summary="Import parent objectives",
    responses=error_responses(400, 413, 415, 422, 503),
    openapi_extra=okr_request_body("An OKR file of company or department objectives (as for POST /reviews)."),
)
async def import_parents(
    request: Request,
    store: StoreDep,
    level: Annotated[Level | None, Query(description="The level of these objectives (default: the file's).")] = None,
) -> list[Parent]:
    """Store the objectives of an OKR file as parents, as `okr parents import` does (ids in the file are
    kept; others derive from the titles). Importing the same set again replaces it."""
    okr_set = await okr_set_from_request(request)
    return await run_in_threadpool(_import, store, okr_set, level)


def _import(store: KnowledgeStore, okr_set: OKRSet, level: Level | None) -> list[Parent]:
    if level is None:
        return store.import_parents(okr_set)
    return store.import_parents(okr_set, level=level)
