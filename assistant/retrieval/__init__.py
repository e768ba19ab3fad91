"""Retrieval: strategy documents, the built-in guide and parent objectives in Chroma, with offline embeddings.

Importing this package is cheap; chromadb and onnxruntime load only when a store or the embedder is used:
``from assistant.retrieval.store import open_store`` and ``from assistant.retrieval.embeddings import get_embedder``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.retrieval.embeddings import get_embedder, similarity
    from assistant.retrieval.store import Store, open_store

__all__ = ["Store", "get_embedder", "open_store", "similarity"]

_LAZY = {
    "Store": "assistant.retrieval.store",
    "open_store": "assistant.retrieval.store",
    "get_embedder": "assistant.retrieval.embeddings",
    "similarity": "assistant.retrieval.embeddings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant.retrieval' has no attribute {name!r}")
