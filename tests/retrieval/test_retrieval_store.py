"""The store on a real embedded Chroma: idempotent ingest, replacement without orphans, removal, search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import StoreError, UnknownDocument
from assistant.retrieval.models import KnowledgeStore
from assistant.retrieval.store import Store, open_store


def test_the_store_implements_the_knowledge_store_protocol(store: Store) -> None:
    implementation: KnowledgeStore = store  # mypy checks every method signature here
    assert "embedded Chroma at" in implementation.describe()
    assert implementation.list_documents() == []


def _all_chunk_ids(store: Store) -> list[str]:
    return list(store.documents.chunks.get(include=[])["ids"])


def test_ingest_then_search_finds_the_right_passage(store: Store, docs: Path) -> None:
    summary = store.ingest([docs])
    assert sorted(Path(p).name for p in summary.ingested) == ["hiring.txt", "pricing.md", "support.md"]
    assert summary.skipped == []
    assert summary.chunks_added == 4
    hits = store.search("how quickly do we answer support tickets?", k=2)
    assert hits[0].document == "support.md"
    assert hits[0].heading == "Support plan > Response times"
    assert "four business hours" in hits[0].text
    assert hits[0].score > hits[1].score
    assert store.search("discount approval by the CFO", k=1)[0].heading == "Pricing 2027 > Discounts"


def test_reingesting_unchanged_documents_adds_nothing(store: Store, docs: Path) -> None:
    store.ingest([docs])
    before = sorted(_all_chunk_ids(store))
    summary = store.ingest([docs, docs / "pricing.md"])
    assert summary.ingested == []
    assert len(summary.unchanged) == 3
    assert summary.chunks_added == 0
    assert sorted(_all_chunk_ids(store)) == before


def test_a_changed_document_replaces_its_chunks_without_orphans(store: Store, docs: Path) -> None:
    store.ingest([docs])
    pricing = next(d for d in store.list_documents() if d.document == "pricing.md")
    old_ids = set(store.documents.get_manifests([pricing.id])[pricing.id].chunk_ids)
    (docs / "pricing.md").write_text(
        "# Pricing 2027\n\n## Discounts\n\nSales may discount up to 15% without approval; deeper discounts need "
        "the CFO.\n\n## Monthly plans\n\nMonthly plans cost 20% more than annual ones.\n",
        encoding="utf-8",
    )
    summary = store.ingest([docs])
    assert summary.ingested == [str(docs / "pricing.md")]
    assert (summary.chunks_added, summary.chunks_removed) == (1, 1)
    new_ids = set(store.documents.get_manifests([pricing.id])[pricing.id].chunk_ids)
    assert len(old_ids & new_ids) == 1  # the unchanged section kept its chunk
    ids = _all_chunk_ids(store)
    assert len(ids) == len(set(ids)) == 4
    assert all(h.heading != "Pricing 2027 > Annual prepay" for h in store.search("annual prepay", k=4))


def test_removing_a_document_removes_its_chunks(store: Store, docs: Path) -> None:
    store.ingest([docs])
    support = next(d for d in store.list_documents() if d.document == "support.md")
    assert store.remove_document(support.id) == 1
    assert [d.document for d in store.list_documents()] == ["hiring.txt", "pricing.md"]
    assert all(h.document != "support.md" for h in store.search("support tickets", k=5))
    with pytest.raises(UnknownDocument, match="okr docs list"):
        store.remove_document(support.id)


def test_list_documents_and_get_chunks(store: Store, docs: Path) -> None:
    store.ingest([docs])
    listed = store.list_documents()
    assert [(d.document, d.chunks) for d in listed] == [("hiring.txt", 1), ("pricing.md", 2), ("support.md", 1)]
    hit = store.search("hiring engineers in Lisbon", k=1)[0]
    again = store.get_chunks([hit.chunk_id, "no-such-chunk"])
    assert [(h.chunk_id, h.text) for h in again] == [(hit.chunk_id, hit.text)]
    assert "3 documents, 4 passages" in store.describe()


def test_an_upload_is_known_by_its_name_and_replaced_on_upload_again(store: Store, tmp_path: Path) -> None:
    upload = tmp_path / "tmp-upload-1"
    upload.write_text("# Plan\n\nWe open an office in Madrid.\n", encoding="utf-8")
    refused = store.ingest_file(upload, name="plan")
    assert [(s.path, s.reason.split(":")[0]) for s in refused.skipped] == [("plan", "unsupported file type (no extension)")]
    first = store.ingest_file(upload, name="plan.md")
    assert first.ingested == ["plan.md"]
    second = tmp_path / "tmp-upload-2"
    second.write_text("# Plan\n\nWe open an office in Porto instead.\n", encoding="utf-8")
    store.ingest_file(second, name="plan.md")
    docs = store.list_documents()
    assert [(d.document, d.chunks) for d in docs] == [("plan.md", 1)]
    assert "Porto" in store.search("new office", k=1)[0].text


def test_the_guide_is_indexed_once_and_searchable(store: Store) -> None:
    hits = store.search_guide("one owner per key result", k=3)
    assert hits and all(h.document.startswith("guide/") for h in hits)
    assert any("owner" in (h.heading + h.text).lower() for h in hits)
    count = store.guide_index().count()
    assert count > 10
    fresh = Store(store.settings)
    assert fresh.search_guide("check-in cadence", k=1)
    assert fresh.guide_index().count() == count
    assert store.search("one owner per key result") == []  # the guide is not mixed into the documents


def test_a_persisted_store_reopens_in_a_new_process(settings: Settings, docs: Path) -> None:
    open_store(settings).ingest([docs])
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from assistant.config import settings_from_env\n"
        "from assistant.retrieval.store import open_store\n"
        "from assistant.retrieval.chroma import MiniLMEmbeddingFunction\n"
        "import chromadb\n"
        "store = open_store(settings_from_env(data_dir=Path(sys.argv[1])))\n"
        "hit = store.search('first response time for tickets', k=1)[0]\n"
        "client = chromadb.PersistentClient(path=sys.argv[1] + '/chroma')\n"
        "collection = client.get_collection('okr-documents')\n"
        "function = collection.configuration.get('embedding_function')\n"
        "print(json.dumps({'document': hit.document, 'ef': type(function).__name__,\n"
        "                  'query': collection.query(query_texts=['tickets'], n_results=1)['ids'][0][0]}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(settings.data_dir)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["document"] == "support.md"
    assert answer["ef"] == "MiniLMEmbeddingFunction"
    assert answer["query"].startswith("support-")


def test_chromas_default_embedding_function_never_runs(
    store: Store, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def forbidden(self: object, input: object) -> object:
        raise AssertionError("Chroma's default embedding function ran (it downloads a model)")

    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", forbidden)
    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", forbidden)
    store.ingest([docs])
    assert store.search("tickets", k=1)
    assert store.search_guide("tickets", k=1)


def test_an_unwritable_data_dir_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot be opened"):
        open_store(Settings(data_dir=blocker))


def test_an_unreachable_server_is_a_store_error_with_a_fix() -> None:
    with pytest.raises(StoreError, match="chroma run"):
        open_store(Settings(chroma_url="http://127.0.0.1:9"))
