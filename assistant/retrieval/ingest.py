"""Ingest runs: find the files, skip what is unchanged or unreadable, write the rest in batches.

Every file gets an outcome (ingested, unchanged, or skipped with a reason); a bad file never stops the run,
and a document that fails to load keeps whatever version of it is already stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError, OKRError
from assistant.retrieval.chunking import CHUNKER_VERSION, chunk_sections
from assistant.retrieval.embeddings import MAX_TOKENS
from assistant.retrieval.index import DocumentIndex, Manifest, PreparedDocument
from assistant.retrieval.loaders import document_format, parse_document, read_document
from assistant.retrieval.models import IngestSummary, SkippedFile

Progress = Callable[[str, int, int], None]
FLUSH_CHUNKS = 128  # chunks embedded and written together


@dataclass(frozen=True)
class Source:
    """One file to ingest: where it is, the name people see, and the key its document id derives from."""

    path: Path
    name: str
    key: str
    label: str = ""  # how the summary names it (default: the path)

    @property
    def shown(self) -> str:
        return self.label or str(self.path)

    @property
    def document_id(self) -> str:
        return document_id(self.key, self.name)


def document_id(key: str, name: str) -> str:
    """A stable, readable id: a slug of the name plus a short hash of the key (path or upload name)."""
    stem = Path(name).stem or name
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"
    return f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def fingerprint(data: bytes) -> str:
    """What decides "unchanged": the bytes, and the chunking they were cut with."""
    digest = hashlib.sha256(f"chunker-{CHUNKER_VERSION}-{MAX_TOKENS}\n".encode())
    digest.update(data)
    return digest.hexdigest()


def file_source(path: Path) -> Source:
    resolved = path.resolve()
    return Source(path=path, name=path.name, key=str(resolved))


def discover(paths: list[Path]) -> tuple[list[Source], list[SkippedFile]]:
    """Files under ``paths`` (folders are walked; hidden files skipped), each once, in a stable order."""
    sources: list[Source] = []
    skipped: list[SkippedFile] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            sources.append(file_source(path))

    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if any(part.startswith(".") for part in relative) or not child.is_file():
                    continue
                add(child)
        elif path.exists():
            add(path)
        else:
            skipped.append(SkippedFile(path=str(path), reason="no such file or directory"))
    return sources, skipped


class Ingestor:
    """One ingest run over ``sources`` into ``index``."""

    def __init__(
        self, index: DocumentIndex, *, max_bytes: int, progress: Progress | None = None,
        flush_chunks: int = FLUSH_CHUNKS,
    ) -> None:
        self.index = index
        self.max_bytes = max_bytes
        self.progress = progress
        self.flush_chunks = flush_chunks
        self.summary = IngestSummary()
        self._pending: list[tuple[Source, PreparedDocument]] = []
        self._done = 0
        self._total = 0

    def run(self, sources: list[Source], *, reconcile: bool = True) -> IngestSummary:
        self._total = len(sources)
        if reconcile:
            self.index.reconcile()
        previous = self.index.get_manifests([s.document_id for s in sources])
        for source in sources:
            self._prepare(source, previous.get(source.document_id))
            if sum(len(doc.chunks) for _, doc in self._pending) >= self.flush_chunks:
                self._flush(previous)
        self._flush(previous)
        return self.summary

    def _tick(self, source: Source) -> None:
        self._done += 1
        if self.progress is not None:
            self.progress(source.name, self._done, self._total)

    def _skip(self, source: Source, reason: str) -> None:
        self.summary.skipped.append(SkippedFile(path=source.shown, reason=reason))
        self._tick(source)

    def _prepare(self, source: Source, manifest: Manifest | None) -> None:
        try:
            fmt = document_format(Path(source.name))
            data = read_document(source.path, max_bytes=self.max_bytes)
            digest = fingerprint(data)
            if manifest is not None and manifest.complete and manifest.fingerprint == digest:
                self.summary.unchanged.append(source.shown)
                self._tick(source)
                return
            doc_id = source.document_id
            chunks = chunk_sections(doc_id, parse_document(data, fmt))
        except InputError as exc:
            self._skip(source, exc.message)
            return
        except OKRError:
            raise
        except RecursionError:
            self._skip(source, "the document is nested too deeply to be read")
            return
        except Exception as exc:  # a loader library failing on a strange file must not stop the run
            self._skip(source, f"could not be read ({type(exc).__name__}: {exc})")
            return
        self._pending.append(
            (
                source,
                PreparedDocument(
                    id=doc_id, document=source.name, path=str(source.path), fingerprint=digest, chunks=chunks
                ),
            )
        )

    def _flush(self, previous: dict[str, Manifest]) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        documents = [doc for _, doc in batch]
        try:
            result = self.index.write(documents, previous)
        except BaseException:
            with contextlib.suppress(Exception):  # if the rollback fails too, the next run's reconcile repairs
                self.index.rollback(documents, previous)
            raise
        self.summary.chunks_added += result.added
        self.summary.chunks_removed += result.removed
        for source, doc in batch:
            previous[doc.id] = Manifest(
                id=doc.id, document=doc.document, path=doc.path, fingerprint=doc.fingerprint,
                chunk_ids=[c.id for c in doc.chunks],
            )
            self.summary.ingested.append(source.shown)
            self._tick(source)
