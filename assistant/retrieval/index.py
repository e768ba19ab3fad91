"""A crash-safe document index: chunks in one Chroma collection, a manifest per document in another.

Chroma has no transactions across calls, so every write follows one protocol that leaves the store
consistent wherever it stops (crash, ``kill -9``, Ctrl-C):

1. the document's manifest is marked *pending*, listing both its current chunk ids and the new ones;
2. the new chunks are added (ids derived from content, so a repeat adds nothing);
3. the manifest is marked *complete* with only the new ids;
4. the chunks no longer listed are deleted.

A chunk that no manifest lists (pending or complete) is an orphan of an interrupted run and is deleted by
``reconcile()``, which every ingest run starts with. A document whose manifest is not complete, or whose
fingerprint differs, is ingested again. Chunks are read before manifests during a reconcile, so a writer
running at the same time never loses the chunks it has just added.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.retrieval.chroma import collection
from assistant.retrieval.chunking import Chunk
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.models import DocumentInfo, Hit

if TYPE_CHECKING:
    import numpy.typing as npt
    from chromadb.api import ClientAPI

_WRITE_BATCH = 1000


@dataclass
class Manifest:
    id: str
    document: str
    path: str = ""
    fingerprint: str = ""
    chunk_ids: list[str] = field(default_factory=list)
    pending_ids: list[str] = field(default_factory=list)
    pending_fingerprint: str = ""

    @property
    def complete(self) -> bool:
        return not self.pending_fingerprint


@dataclass
class PreparedDocument:
    """A document read and chunked, ready to be written."""

    id: str
    document: str
    path: str
    fingerprint: str
    chunks: list[Chunk]


@dataclass
class WriteResult:
    added: int = 0
    removed: int = 0


def _slices(items: list[str], size: int = _WRITE_BATCH) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class DocumentIndex:
    """Chunks of many documents, searchable by meaning, written with the protocol above."""

    def __init__(self, client: ClientAPI, name: str, *, embedder: Embedder) -> None:
        self.name = name
        self.embedder = embedder
        self.chunks = collection(client, name)
        self.manifests = collection(client, f"{name}-manifest")

    # --- manifests --------------------------------------------------------------------------------------

    def _manifest_records(self, ids: list[str] | None) -> list[Manifest]:
        if ids is not None and not ids:
            return []
        found: list[Manifest] = []
        for part in _slices(ids) if ids is not None else [None]:
            result = self.manifests.get(ids=part, include=["documents", "metadatas"])
            for mid, doc, meta in zip(
                result["ids"], result["documents"] or [], result["metadatas"] or [], strict=True
            ):
                found.append(_manifest_from(mid, doc, meta))
        return found

    def get_manifests(self, ids: list[str] | None = None) -> dict[str, Manifest]:
        """Manifests by document id (all of them when ``ids`` is None)."""
        return {m.id: m for m in self._manifest_records(ids)}

    def _put_manifests(self, manifests: list[Manifest]) -> None:
        for start in range(0, len(manifests), _WRITE_BATCH):
            part = manifests[start : start + _WRITE_BATCH]
            self.manifests.upsert(
                ids=[m.id for m in part],
                embeddings=np.ones((len(part), 1), dtype=np.float32),  # looked up by id only; Chroma wants a vector
                documents=[json.dumps({"chunk_ids": m.chunk_ids, "pending_ids": m.pending_ids}) for m in part],
                metadatas=[
                    {
                        "document": m.document,
                        "path": m.path,
                        "fingerprint": m.fingerprint,
                        "pending_fingerprint": m.pending_fingerprint,
                        "chunks": len(m.chunk_ids),
                        "updated": time.time(),
                    }
                    for m in part
                ],
            )

    def _chunk_ids_of(self, document_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in _slices(document_ids, 200):
            where: Any = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            found.update(self.chunks.get(where=where, include=[])["ids"])
        return found

    # --- writing ----------------------------------------------------------------------------------------

    def write(self, documents: list[PreparedDocument], previous: dict[str, Manifest]) -> WriteResult:
        """Store ``documents``, replacing their earlier versions (``previous``, by id) without orphans."""
        if not documents:
            return WriteResult()
        self._put_manifests(
            [
                Manifest(
                    id=d.id,
                    document=d.document,
                    path=d.path,
                    fingerprint=previous[d.id].fingerprint if d.id in previous else "",
                    chunk_ids=previous[d.id].chunk_ids if d.id in previous else [],
                    pending_ids=[c.id for c in d.chunks],
                    pending_fingerprint=d.fingerprint,
                )
                for d in documents
            ]
        )
        existing = self._chunk_ids_of([d.id for d in documents])
        fresh: list[tuple[PreparedDocument, Chunk]] = []
        kept: list[tuple[PreparedDocument, Chunk]] = []
        for doc in documents:
            for chunk in doc.chunks:
                (kept if chunk.id in existing else fresh).append((doc, chunk))
        vectors = self.embedder.embed([chunk.embed_text for _, chunk in fresh])
        for start in range(0, len(fresh), _WRITE_BATCH):
            part = fresh[start : start + _WRITE_BATCH]
            self.chunks.upsert(
                ids=[chunk.id for _, chunk in part],
                embeddings=vectors[start : start + len(part)],
                documents=[chunk.text for _, chunk in part],
                metadatas=[_chunk_metadata(doc, chunk) for doc, chunk in part],
            )
        for start in range(0, len(kept), _WRITE_BATCH):
            part = kept[start : start + _WRITE_BATCH]
            self.chunks.update(
                ids=[chunk.id for _, chunk in part],
                metadatas=[_chunk_metadata(doc, chunk) for doc, chunk in part],
            )
        self._put_manifests(
            [
                Manifest(
                    id=d.id, document=d.document, path=d.path, fingerprint=d.fingerprint,
                    chunk_ids=[c.id for c in d.chunks],
                )
                for d in documents
            ]
        )
        wanted = {c.id for d in documents for c in d.chunks}
        stale = sorted(existing - wanted)
        for id_part in _slices(stale):
            self.chunks.delete(ids=id_part)
        return WriteResult(added=len(fresh), removed=len(stale))

    def rollback(self, documents: list[PreparedDocument], previous: dict[str, Manifest]) -> None:
        """Undo an interrupted ``write``: each document goes back to its previous version (or away)."""
        if not documents:
            return
        ids = [d.id for d in documents]
        restore = [previous[i] for i in ids if i in previous]
        self._put_manifests(restore)
        drop = [i for i in ids if i not in previous]
        if drop:
            self.manifests.delete(ids=drop)
        keep = {cid for m in restore for cid in (*m.chunk_ids, *m.pending_ids)}
        stale = sorted(self._chunk_ids_of(ids) - keep)
        for id_part in _slices(stale):
            self.chunks.delete(ids=id_part)

    def remove(self, document_id: str) -> int | None:
        """Delete a document and its chunks; ``None`` when there is no such document."""
        has_manifest = bool(self.manifests.get(ids=[document_id], include=[])["ids"])
        chunk_ids = sorted(self._chunk_ids_of([document_id]))
        if not has_manifest and not chunk_ids:
            return None
        for part in _slices(chunk_ids):
            self.chunks.delete(ids=part)
        if has_manifest:
            self.manifests.delete(ids=[document_id])
        return len(chunk_ids)

    def reconcile(self) -> int:
        """Delete chunks that no manifest lists (left by an interrupted run). Returns how many."""
        chunk_ids = set(self.chunks.get(include=[])["ids"])  # chunks first: see the module docstring
        if not chunk_ids:
            return 0
        referenced: set[str] = set()
        for manifest in self._manifest_records(None):
            referenced.update(manifest.chunk_ids)
            referenced.update(manifest.pending_ids)
        orphans = sorted(chunk_ids - referenced)
        for part in _slices(orphans):
            self.chunks.delete(ids=part)
        return len(orphans)

    # --- reading ----------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        """Stored documents (their last complete version), by name."""
        infos = [
            DocumentInfo(id=m.id, document=m.document, chunks=len(m.chunk_ids))
            for m in self._manifest_records(None)
            if m.chunk_ids or m.complete
        ]
        return sorted(infos, key=lambda d: (d.document.lower(), d.id))

    def count(self) -> int:
        return int(self.chunks.count())

    def search(self, vector: npt.NDArray[np.float32], *, k: int) -> list[Hit]:
        if k <= 0:
            return []
        result = self.chunks.query(  # fewer than k chunks stored: Chroma returns what there is
            query_embeddings=vector.reshape(1, -1), n_results=k, include=["documents", "metadatas", "distances"]
        )
        hits: list[Hit] = []
        for cid, text, meta, distance in zip(
            result["ids"][0],
            (result["documents"] or [[]])[0],
            (result["metadatas"] or [[]])[0],
            (result["distances"] or [[]])[0],
            strict=True,
        ):
            hits.append(_hit(cid, text, meta, 1.0 - float(distance)))
        return hits

    def get(self, chunk_ids: list[str]) -> dict[str, Hit]:
        found: dict[str, Hit] = {}
        for part in _slices(chunk_ids):
            result = self.chunks.get(ids=part, include=["documents", "metadatas"])
            for cid, text, meta in zip(
                result["ids"], result["documents"] or [], result["metadatas"] or [], strict=True
            ):
                found[cid] = _hit(cid, text, meta, 1.0)
        return found


def _chunk_metadata(doc: PreparedDocument, chunk: Chunk) -> dict[str, str | int | float | bool]:
    return {
        "doc_id": doc.id,
        "document": doc.document,
        "heading": chunk.heading,
        "index": chunk.index,
        "tokens": chunk.tokens,
    }


def _hit(chunk_id: str, text: str | None, meta: Any, score: float) -> Hit:
    meta = meta or {}
    return Hit(
        chunk_id=chunk_id,
        document=str(meta.get("document", "")),
        heading=str(meta.get("heading", "")),
        text=text or "",
        score=round(score, 6),
    )


def _manifest_from(manifest_id: str, document: str | None, meta: Any) -> Manifest:
    meta = meta or {}
    try:
        lists = json.loads(document or "{}")
    except json.JSONDecodeError:
        lists = {}
    return Manifest(
        id=manifest_id,
        document=str(meta.get("document", manifest_id)),
        path=str(meta.get("path", "")),
        fingerprint=str(meta.get("fingerprint", "")),
        chunk_ids=[str(i) for i in lists.get("chunk_ids", [])],
        pending_ids=[str(i) for i in lists.get("pending_ids", [])],
        pending_fingerprint=str(meta.get("pending_fingerprint", "")),
    )
