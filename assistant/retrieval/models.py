"""What the knowledge base hands out: search hits, stored documents, ingest summaries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from assistant.okr import Level, OKRSet, Parent


class Hit(BaseModel):
    """One retrieved passage. ``score`` is cosine similarity in [-1, 1], higher is closer."""

    chunk_id: str
    document: str
    heading: str
    text: str
    score: float


class DocumentInfo(BaseModel):
    id: str
    document: str
    chunks: int


class SkippedFile(BaseModel):
    path: str
    reason: str


class IngestSummary(BaseModel):
    ingested: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0


class ParentMatch(BaseModel):
    id: str
    title: str
    score: float


class KnowledgeStore(Protocol):
    """The knowledge base as drafting, coaching and the API see it (``store.Store`` implements it)."""

    def search(self, query: str, *, k: int = 5) -> list[Hit]: ...

    def get_chunks(self, chunk_ids: list[str]) -> list[Hit]: ...

    def list_documents(self) -> list[DocumentInfo]: ...

    def remove_document(self, document_id: str) -> int: ...

    def ingest(
        self, paths: list[Path], *, progress: Callable[[str, int, int], None] | None = None
    ) -> IngestSummary: ...

    def ingest_file(self, path: Path, *, name: str | None = None) -> IngestSummary: ...

    def import_parents(self, okr_set: OKRSet, *, level: Level | None = None) -> list[Parent]: ...

    def list_parents(self) -> list[Parent]: ...

    def get_parent(self, parent_id: str) -> Parent: ...

    def suggest_parents(self, text: str, *, k: int = 5) -> list[ParentMatch]: ...

    def parent_ids(self) -> set[str]: ...

    def describe(self) -> str: ...
