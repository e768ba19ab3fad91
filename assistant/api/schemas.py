"""Response models of the JSON API that the domain models do not already cover."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.api.deps import Probe
from assistant.retrieval.models import DocumentInfo, IngestSummary


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Readiness(BaseModel):
    """Whether the server can do its work: the store answers and a model backend is configured."""

    status: Literal["ready", "not_ready"]
    store: Probe
    backend: Probe


class RuleRow(BaseModel):
    """One rule of the catalogue, with its severity under the request's profile (``off`` when disabled)."""

    id: str
    family: str
    severity: str
    title: str


class RuleDoc(RuleRow):
    doc: str = Field(description="The rule's page in Markdown: why it matters, bad examples, good rewrites.")


class DocumentUpload(BaseModel):
    """What an upload did: the ingest summary, and the stored document(s) now known by the upload's name."""

    summary: IngestSummary
    documents: list[DocumentInfo]


class DocumentRemoval(BaseModel):
    id: str
    passages_removed: int
