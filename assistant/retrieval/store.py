"""The knowledge base: strategy documents, the built-in guide and parent objectives, in Chroma.

``open_store(settings)`` connects to an embedded Chroma under ``settings.chroma_dir``, or to the server at
``settings.chroma_url``, and returns a ``Store`` (the ``KnowledgeStore`` the drafter, the coach and the API use).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import OKRError, StoreError, UnknownDocument
from assistant.okr import Level, OKRSet, Parent
from assistant.retrieval.chroma import connect
from assistant.retrieval.embeddings import Embedder, get_embedder
from assistant.retrieval.index import DocumentIndex
from assistant.retrieval.ingest import Ingestor, Source, discover
from assistant.retrieval.models import DocumentInfo, Hit, IngestSummary, ParentMatch
from assistant.retrieval.parents import ParentIndex

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DOCUMENTS = "okr-documents"
GUIDE = "okr-guide"
PARENTS = "okr-parents"


@contextmanager
def _store_errors(action: str) -> Iterator[None]:
    try:
        yield
    except OKRError:
        raise
    except Exception as exc:
        raise StoreError(
            f"The knowledge base failed while {action} ({type(exc).__name__}: {exc}). If it persists, check the "
            "Chroma server (OKR_CHROMA_URL) or the data directory (--data-dir / OKR_DATA_DIR)."
        ) from exc


class Store:
    """Documents, guide and parents over one Chroma client. Implements ``KnowledgeStore``."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or get_embedder()
        self.client, self.location = connect(settings)
        with _store_errors("opening its collections"):
            self.documents = DocumentIndex(self.client, DOCUMENTS, embedder=self.embedder)
            self.parents = ParentIndex(self.client, PARENTS, embedder=self.embedder)
        self._guide: DocumentIndex | None = None

    # --- documents --------------------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        """The ``k`` ingested passages closest in meaning to ``query``, best first."""
        if not query.strip():
            return []
        with _store_errors("searching"):
            return self.documents.search(self._vector(query), k=k)

    def _vector(self, text: str) -> npt.NDArray[np.float32]:
        return self.embedder.embed([text])[0]

    def get_chunks(self, chunk_ids: list[str]) -> list[Hit]:
        """The stored passages with these ids (documents or guide), in the order asked; unknown ids are left out."""
        with _store_errors("reading passages"):
            found = self.documents.get(chunk_ids)
            missing = [cid for cid in chunk_ids if cid not in found]
            if missing:
                guide = self._guide or DocumentIndex(self.client, GUIDE, embedder=self.embedder)
                found.update(guide.get(missing))
        return [found[cid] for cid in chunk_ids if cid in found]

    def list_documents(self) -> list[DocumentInfo]:
        with _store_errors("listing documents"):
            return self.documents.documents()

    def remove_document(self, document_id: str) -> int:
        """Remove a document and all its passages; returns how many passages went.

        Raises:
            UnknownDocument: no document has this id.
        """
        with _store_errors("removing a document"):
            removed = self.documents.remove(document_id)
        if removed is None:
            raise UnknownDocument(f"No document has the id {document_id!r}: `okr docs list` shows the ids.")
        return removed

    def ingest(
        self, paths: list[Path], *, progress: Callable[[str, int, int], None] | None = None
    ) -> IngestSummary:
        """Ingest files and folders (walked recursively). Unchanged files are not re-embedded; files that
        cannot be used are skipped with a reason, and the run goes on."""
        sources, missing = discover(paths)
        with _store_errors("ingesting"):
            summary = self._ingestor(progress).run(sources)
        summary.skipped[:0] = missing
        return summary

    def ingest_file(self, path: Path, *, name: str | None = None) -> IngestSummary:
        """Ingest one file; with ``name`` (an upload's file name), the document is known by that name and
        uploading it again replaces it."""
        if name is None:
            return self.ingest([path])
        source = Source(path=path, name=Path(name).name or name, key=f"upload:{name}", label=name)
        with _store_errors("ingesting"):
            return self._ingestor(None).run([source], reconcile=False)

    def _ingestor(self, progress: Callable[[str, int, int], None] | None) -> Ingestor:
        return Ingestor(self.documents, max_bytes=self.settings.max_upload_bytes, progress=progress)

    # --- built-in guide ---------------------------------------------------------------------------------

    def guide_index(self) -> DocumentIndex:
        """The guide's index, brought in line with the shipped ``knowledge/guide`` on first use."""
        if self._guide is None:
            with _store_errors("indexing the built-in guide"):
                index = DocumentIndex(self.client, GUIDE, embedder=self.embedder)
                sources = _guide_sources()
                Ingestor(index, max_bytes=self.settings.max_upload_bytes).run(sources)
                current = {s.document_id for s in sources}
                for manifest_id in set(index.get_manifests()) - current:
                    index.remove(manifest_id)
            self._guide = index
        return self._guide

    def search_guide(self, query: str, *, k: int = 5) -> list[Hit]:
        """The ``k`` passages of the built-in OKR guide closest to ``query``."""
        if not query.strip():
            return []
        index = self.guide_index()
        with _store_errors("searching the guide"):
            return index.search(self._vector(query), k=k)

    # --- parents ----------------------------------------------------------------------------------------

    def import_parents(self, okr_set: OKRSet, *, level: Level | None = None) -> list[Parent]:
        """Store the set's objectives as parents (replacing an earlier import of the same set)."""
        with _store_errors("importing parents"):
            return self.parents.import_set(okr_set, level=level)

    def list_parents(self) -> list[Parent]:
        with _store_errors("listing parents"):
            return self.parents.all()

    def get_parent(self, parent_id: str) -> Parent:
        """The parent objective with this id, or the one owning the key result with this id.

        Raises:
            UnknownParent: no such id.
        """
        with _store_errors("reading a parent"):
            return self.parents.get(parent_id)

    def suggest_parents(self, text: str, *, k: int = 5) -> list[ParentMatch]:
        """Parent objectives ranked by meaning against ``text`` (e.g. a team's mission)."""
        with _store_errors("suggesting parents"):
            return self.parents.suggest(text, k=k)

    def parent_ids(self) -> set[str]:
        """Every known parent objective and parent key result id."""
        with _store_errors("listing parent ids"):
            return self.parents.ids()

    def describe(self) -> str:
        """One line for readiness checks: where the store is and what it holds.

        Raises:
            StoreError: the store does not answer.
        """
        with _store_errors("checking its state"):
            docs = len(self.documents.get_manifests())
            chunks = self.documents.count()
            parents = int(self.parents.records.count())
        return f"{self.location}: {docs} documents, {chunks} passages, {parents} parent records"


def _guide_sources() -> list[Source]:
    from assistant.resources import knowledge_dir

    try:
        root = knowledge_dir() / "guide"
    except FileNotFoundError:
        return []
    if not root.is_dir():
        return []
    files = sorted(p for p in root.rglob("*.md") if p.is_file() and not p.name.startswith("."))
    sources = []
    for path in files:
        relative = path.relative_to(root).as_posix()
        sources.append(Source(path=path, name=f"guide/{relative}", key=f"guide:{relative}", label=relative))
    return sources


def open_store(settings: Settings) -> Store:
    """Open the knowledge base ``settings`` point at (embedded, or the Chroma server at ``chroma_url``).

    Raises:
        StoreError: the store cannot be opened or reached.
    """
    return Store(settings)
